#!/usr/bin/env python3
"""fake-xmpp.py -- a tiny scripted XMPP server for fault-injection tests.

It stands in for a real server ONLY for faults real servers don't produce.

  fake-xmpp.py --mode MODE --port-file FILE [--cert CRT --key KEY]
               [--domain xgb.test] [--tls-min 1.1 --tls-max 1.1]

Binds 127.0.0.1 on a free port, writes the port number to FILE (atomically,
via FILE.tmp + rename) and serves connections, one thread each, until killed.
With --switch-cert CRT --switch-key KEY (mode tls) the first connection
gets --cert and every later one the switched certificate: a server whose
certificate changes between two connections, as an attacker in the middle
of the second one would look.

With --downgrade (mode tls) only the first connection is offered SCRAM-SHA-1
and PLAIN; later ones get PLAIN only: a server (or someone in the middle)
that lowers the offer between the probe and the login.

With --offer-digest (mode tls) DIGEST-MD5 is offered next to SCRAM-SHA-1
(not PLAIN), like ejabberd with plain password storage; an attempt with it
is logged and answered with <failure/> (not implemented).

Logs one line per event to stderr (never passwords).

Modes:
  silent               accept TCP, read and discard, never send anything.
  stall-after-proceed  stream header + required STARTTLS feature; answer
                       <starttls/> with <proceed/>, then send nothing ever
                       again (no TLS; keep reading and discarding).
  tls                  full fake login: STARTTLS, SASL SCRAM-SHA-1 and PLAIN
                       (password 'secret' for any user; libstrophe takes
                       SCRAM), bind (no session, no SM), then
                       scripted answers to <iq type='get'|'set'> by 'to':
                         silent.DOMAIN         never answered
                         wrongfrom.DOMAIN      result from evil.DOMAIN only
                         spoofthenreal.DOMAIN  spoofed result, 200 ms later
                                               the real one
                         error.DOMAIN          <iq type='error'> (cancel,
                                               feature-not-implemented, ...)
                         drop.DOMAIN           TCP connection dropped
                         latepending.DOMAIN    get-pending for a node: the
                                               command's result first, then
                                               two authorization forms 100
                                               and 200 ms later
                         anything else         empty result (from = to)
                       hostile pubsub services (disco#info answers as a
                       pubsub service with RSM; see answer_hostile()):
                         mismatch.DOMAIN       a reply with a mismatched
                                               end tag (not well-formed)
                         badbytes.DOMAIN       a reply with bytes that are
                                               not UTF-8
                         badentity.DOMAIN      a reply with an undefined
                                               entity (&bogus;)
                                               (all three then go on
                                               answering as if nothing
                                               happened, and ignore the
                                               client's stream error)
                         wrongid.DOMAIN        replies with other ids (and
                                               none), never the right one
                         huge.DOMAIN           items: one item whose payload
                                               is 10 MiB (node 'one-text':
                                               one text node; 'many-lines':
                                               lines of 100 bytes; otherwise
                                               10 MiB of small elements)
                         streamerror.DOMAIN    items and disco#items pages:
                                               the first page, then a
                                               <stream:error> (items:
                                               system-shutdown with a text;
                                               disco#items:
                                               internal-server-error) and
                                               the end of the stream
                         endless.DOMAIN        items and disco#items: every
                                               page one new entry and a new
                                               'last', never an end, no count
                         samepage.DOMAIN       items and disco#items: the
                                               same page (and 'last') again
                                               whatever 'after' says
                         manyfields.DOMAIN     configure / default: a form
                                               of 5000 text-single fields
"""

import argparse
import base64
import binascii
import hashlib
import hmac
import itertools
import os
import re
import select
import signal
import socket
import ssl
import sys
import threading
import time
import warnings
import xml.etree.ElementTree as ET

NS_CLIENT = 'jabber:client'
NS_STREAM = 'http://etherx.jabber.org/streams'
NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls'
NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl'
NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind'
NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas'
NS_RSM = 'http://jabber.org/protocol/rsm'
NS_PUBSUB = 'http://jabber.org/protocol/pubsub'
NS_PUBSUB_OWNER = NS_PUBSUB + '#owner'
NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info'
NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items'

# the hostile pubsub services (answer_hostile), by their first label
HOSTILE = ('mismatch', 'badbytes', 'badentity', 'wrongid', 'huge',
           'streamerror', 'endless', 'samepage', 'manyfields')
HOSTILE_FEATURES = [NS_DISCO_INFO, NS_DISCO_ITEMS, NS_PUBSUB, NS_RSM] + [
    NS_PUBSUB + '#' + f for f in (
        'create-nodes', 'config-node', 'retrieve-items', 'retrieve-default',
        'persistent-items', 'retract-items', 'delete-nodes', 'purge-nodes',
        'modify-affiliations', 'retrieve-affiliations', 'manage-subscriptions',
        'publish', 'rsm')]

MAX_BUFFER = 1 << 20          # a client sending more unparsed data is dropped
HANDSHAKE_TIMEOUT = 15.0

_log_lock = threading.Lock()


def log(msg):
    line = '%s fake-xmpp[%d]: %s\n' % (time.strftime('%H:%M:%S'), os.getpid(),
                                        msg)
    with _log_lock:
        try:
            sys.stderr.write(line)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def esc(s):
    """Escape a string for use in an XML attribute ('...') or text."""
    return (s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
             .replace("'", '&apos;').replace('"', '&quot;'))


def local(tag):
    return tag.rsplit('}', 1)[-1]


# ---------------------------------------------------------------------------
# Stream tokenizer

# a start/end/empty tag; quoted attribute values may contain '>'
_TAG_RE = re.compile(rb'<[^\'"<>]*(?:(?:"[^"]*"|\'[^\']*\')[^\'"<>]*)*>')
_NAME_RE = re.compile(rb'</?\s*([^\s/>]+)')


class StreamParser:
    """Splits an XMPP byte stream into events:
       ('start', tag_bytes)   the <stream:stream ...> header
       ('end', None)          </stream:stream>
       ('elem', bytes)        a complete top-level element (a stanza)
       ('error', reason)      unrecoverable garbage
    """

    def __init__(self):
        self.buf = b''
        self.pos = 0          # scan position in buf
        self.depth = 0        # element depth below the stream header
        self.start = 0        # start of the current top-level element

    def feed(self, data):
        self.buf += data

    def pending_bytes(self):
        return len(self.buf)

    def _compact(self):
        if self.depth == 0:
            cut = self.pos
        else:
            cut = self.start
        if cut:
            self.buf = self.buf[cut:]
            self.pos -= cut
            self.start = max(0, self.start - cut)

    def next_event(self):
        try:
            return self._next_event()
        finally:
            self._compact()

    def _next_event(self):
        buf = self.buf
        while True:
            lt = buf.find(b'<', self.pos)
            if lt < 0:
                self.pos = len(buf)   # text: dropped at depth 0, kept inside
                return self._check_size()
            if self.depth == 0:
                self.pos = lt         # drop whitespace/garbage between stanzas
            rest = buf[lt:lt + 9]
            if len(rest) < 2:
                self.pos = lt
                return self._check_size()
            if rest.startswith(b'<?'):
                end = buf.find(b'?>', lt + 2)
                if end < 0:
                    self.pos = lt
                    return self._check_size()
                self.pos = end + 2
                continue
            if rest.startswith(b'<!'):
                for opener, closer in ((b'<!--', b'-->'),
                                       (b'<![CDATA[', b']]>')):
                    if rest.startswith(opener):
                        break
                    if opener.startswith(rest):      # too short to know yet
                        self.pos = lt
                        return self._check_size()
                else:
                    opener, closer = b'<!', b'>'
                end = buf.find(closer, lt + len(opener))
                if end < 0:
                    self.pos = lt
                    return self._check_size()
                self.pos = end + len(closer)
                continue
            m = _TAG_RE.match(buf, lt)
            if not m:
                # incomplete tag (or garbage: caught by the size limit)
                if buf.find(b'<', lt + 1) >= 0 and \
                        buf.find(b'>', lt) > buf.find(b'<', lt + 1) and \
                        b'"' not in buf[lt:] and b"'" not in buf[lt:]:
                    self.pos = lt + 1
                    return ('error', 'malformed tag')
                self.pos = lt
                return self._check_size()
            tag = m.group(0)
            end = m.end()
            self.pos = end
            nm = _NAME_RE.match(tag)
            name = nm.group(1) if nm else b''
            if tag.startswith(b'</'):
                if self.depth == 0:
                    return ('end', None)
                self.depth -= 1
                if self.depth == 0:
                    return ('elem', buf[self.start:end])
                continue
            if tag.endswith(b'/>'):
                if self.depth == 0:
                    if name.rsplit(b':', 1)[-1] == b'stream':
                        return ('start', tag)
                    return ('elem', tag)
                continue
            if self.depth == 0:
                if name.rsplit(b':', 1)[-1] == b'stream':
                    return ('start', tag)
                self.start = lt
            self.depth += 1

    def _check_size(self):
        if len(self.buf) > MAX_BUFFER:
            return ('error', 'too much unparsed data')
        return None


_WRAP_OPEN = ("<w xmlns='%s' xmlns:stream='%s'>" % (NS_CLIENT, NS_STREAM)).encode()


def parse_element(frag):
    """Parse one top-level element; None if it is not well-formed."""
    try:
        root = ET.fromstring(_WRAP_OPEN + frag + b'</w>')
    except (ET.ParseError, ValueError):
        return None
    if len(root) != 1:
        return None
    return root[0]


def jid_domain(jid):
    d = jid.split('/', 1)[0]
    if '@' in d:
        d = d.split('@', 1)[1]
    return d.lower()


# ---------------------------------------------------------------------------
# Connections

class Dropped(Exception):
    pass


class Session:
    ids = itertools.count(1)

    def __init__(self, srv, sock, addr):
        self.srv = srv
        self.sock = sock
        self.addr = addr
        self.n = next(Session.ids)
        self.parser = StreamParser()
        self.timers = []            # [(due_monotonic, seq, callable)]
        self.timer_seq = itertools.count()
        self.closed = False
        self.stage = 'plain'        # plain -> tls -> authed -> bound
        self.user = None
        self.resource = None
        self.stall = False

    # -- helpers -----------------------------------------------------------
    def log(self, msg):
        log('conn %d: %s' % (self.n, msg))

    def send(self, data):
        if self.closed:
            return
        self.sock.sendall(data.encode('utf-8'))

    def send_raw(self, data):
        if self.closed:
            return
        self.sock.sendall(data)

    def later(self, delay, fn):
        self.timers.append((time.monotonic() + delay, next(self.timer_seq), fn))
        self.timers.sort()

    def close(self, how='closed'):
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        self.log(how)

    def stream_header(self):
        return ("<?xml version='1.0'?><stream:stream xmlns='%s' "
                "xmlns:stream='%s' id='fake-%d-%x' from='%s' version='1.0'>"
                % (NS_CLIENT, NS_STREAM, self.n, int(time.time() * 1000),
                   esc(self.srv.domain)))

    # -- main loop ---------------------------------------------------------
    def run(self):
        self.log('accepted from %s:%d (mode %s)' % (self.addr[0], self.addr[1],
                                                    self.srv.mode))
        try:
            self.loop()
        except Dropped:
            pass
        except (OSError, ssl.SSLError) as e:
            self.log('connection error: %s' % (e,))
        except Exception as e:      # never let client garbage kill the server
            self.log('internal error: %r' % (e,))
        finally:
            self.close()

    def loop(self):
        while not self.closed:
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, _, fn = self.timers.pop(0)
                fn()
                if self.closed:
                    return
            timeout = None
            if self.timers:
                timeout = max(0.0, self.timers[0][0] - time.monotonic())
            pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()
            if not pending:
                r, _, _ = select.select([self.sock], [], [], timeout)
                if not r:
                    continue
            try:
                data = self.sock.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError, InterruptedError):
                continue
            except ssl.SSLZeroReturnError:
                data = b''
            if not data:
                self.close('client disconnected')
                return
            if self.srv.mode == 'silent' or self.stall:
                continue
            self.parser.feed(data)
            while not self.closed:
                ev = self.parser.next_event()
                if ev is None:
                    break
                self.handle(ev)

    # -- protocol ----------------------------------------------------------
    def handle(self, ev):
        kind, val = ev
        if kind == 'error':
            self.log('garbage from client (%s); closing' % val)
            self.close()
            return
        if kind == 'end':
            self.log('client closed the stream; closing ours')
            self.send('</stream:stream>')
            self.close()
            return
        if kind == 'start':
            self.on_stream_start(val)
            return
        el = parse_element(val)
        if el is None:
            self.log('ignoring unparsable element (%d bytes)' % len(val))
            return
        self.on_element(el)

    def on_stream_start(self, tag):
        m = re.search(rb'''\sto\s*=\s*(?:"([^"]*)"|'([^']*)')''', tag)
        to = (m.group(1) or m.group(2) or b'').decode('utf-8', 'replace') if m else ''
        self.log('stream header from client (to=%r, stage %s)' % (to, self.stage))
        if self.stage == 'plain':
            feats = ("<starttls xmlns='%s'><required/></starttls>" % NS_TLS)
        elif self.stage == 'tls' and self.srv.downgrade and self.n > 1:
            feats = ("<mechanisms xmlns='%s'><mechanism>PLAIN</mechanism>"
                     "</mechanisms>" % NS_SASL)
            self.log('downgraded: offering PLAIN only')
        elif self.stage == 'tls' and self.srv.offer_digest:
            feats = ("<mechanisms xmlns='%s'><mechanism>SCRAM-SHA-1</mechanism>"
                     "<mechanism>DIGEST-MD5</mechanism></mechanisms>" % NS_SASL)
        elif self.stage == 'tls':
            feats = ("<mechanisms xmlns='%s'><mechanism>SCRAM-SHA-1</mechanism>"
                     "<mechanism>PLAIN</mechanism></mechanisms>" % NS_SASL)
        else:
            feats = "<bind xmlns='%s'/>" % NS_BIND
        self.send(self.stream_header() +
                  '<stream:features>%s</stream:features>' % feats)
        self.log('sent stream header + features (%s)' % {
            'plain': 'starttls', 'tls': 'sasl SCRAM-SHA-1 PLAIN'}.get(self.stage, 'bind'))

    def on_element(self, el):
        name = local(el.tag)
        if name == 'starttls' and self.stage == 'plain':
            self.on_starttls()
        elif name == 'auth' and self.stage == 'tls':
            self.on_auth(el)
        elif name == 'response' and self.stage == 'tls':
            self.on_scram_final(el)
        elif name == 'iq':
            self.on_iq(el)
        else:
            self.log('ignoring <%s type=%r> in stage %s'
                     % (name, el.get('type'), self.stage))

    def on_starttls(self):
        self.send("<proceed xmlns='%s'/>" % NS_TLS)
        if self.srv.mode == 'stall-after-proceed':
            self.log('got <starttls/>, sent <proceed/>; now stalling forever')
            self.stall = True
            return
        self.log('got <starttls/>, sent <proceed/>; TLS handshake')
        if self.parser.pending_bytes():
            self.log('discarding %d plaintext bytes after <starttls/>'
                     % self.parser.pending_bytes())
        self.parser = StreamParser()
        raw = self.sock
        raw.settimeout(HANDSHAKE_TIMEOUT)
        ctx = self.srv.ssl_ctx
        if self.srv.switch_ctx is not None and self.n > 1:
            ctx = self.srv.switch_ctx
            self.log('presenting the switched certificate')
        try:
            tls = ctx.wrap_socket(raw, server_side=True,
                                  do_handshake_on_connect=False)
            self.sock = tls
            tls.do_handshake()
        except (OSError, ssl.SSLError) as e:
            self.close('TLS handshake failed: %s' % (e,))
            raise Dropped()
        tls.settimeout(None)
        self.stage = 'tls'
        self.log('TLS established: %s %s' % (tls.version(),
                                             (tls.cipher() or ('?',))[0]))

    def authed(self, user, mech):
        self.user = user
        self.stage = 'authed'
        if self.parser.pending_bytes():
            self.log('discarding %d bytes pipelined after <auth/>'
                     % self.parser.pending_bytes())
        self.parser = StreamParser()
        self.log('auth %s user %r: success' % (mech, user))

    def sasl_failure(self, condition, why):
        self.send("<failure xmlns='%s'><%s/></failure>" % (NS_SASL, condition))
        self.log('auth: %s: failure' % why)

    # SCRAM-SHA-1 (RFC 5802), without channel binding
    def on_scram_first(self, text):
        try:
            msg = base64.b64decode(text, validate=True).decode('utf-8')
        except (binascii.Error, ValueError, UnicodeDecodeError):
            self.sasl_failure('malformed-request', 'SCRAM: bad base64')
            return
        m = re.match(r'^([ny]),[^,]*,(n=([^,]*),r=([^,]+).*)$', msg)
        if not m:
            self.sasl_failure('malformed-request', 'SCRAM: bad client-first')
            return
        bare, user, cnonce = m.group(2), m.group(3), m.group(4)
        salt = os.urandom(16)
        nonce = cnonce + base64.b64encode(os.urandom(18)).decode()
        first = 'r=%s,s=%s,i=4096' % (nonce, base64.b64encode(salt).decode())
        self.scram = {'user': user.replace('=2C', ',').replace('=3D', '='),
                      'bare': bare, 'first': first, 'salt': salt,
                      'nonce': nonce}
        self.send("<challenge xmlns='%s'>%s</challenge>"
                  % (NS_SASL, base64.b64encode(first.encode()).decode()))
        self.log('auth SCRAM-SHA-1 user %r: challenge sent' % self.scram['user'])

    def on_scram_final(self, el):
        st = getattr(self, 'scram', None)
        self.scram = None
        if st is None:
            self.sasl_failure('malformed-request', 'SCRAM: response without auth')
            return
        try:
            msg = base64.b64decode((el.text or '').strip(),
                                   validate=True).decode('utf-8')
            without_proof, proof = msg.rsplit(',p=', 1)
            proof = base64.b64decode(proof, validate=True)
        except (binascii.Error, ValueError, UnicodeDecodeError):
            self.sasl_failure('malformed-request', 'SCRAM: bad client-final')
            return
        if ',r=%s' % st['nonce'] not in ',' + without_proof:
            self.sasl_failure('malformed-request', 'SCRAM: nonce mismatch')
            return
        salted = hashlib.pbkdf2_hmac('sha1', b'secret', st['salt'], 4096)
        client_key = hmac.new(salted, b'Client Key', hashlib.sha1).digest()
        stored = hashlib.sha1(client_key).digest()
        auth_msg = ('%s,%s,%s' % (st['bare'], st['first'], without_proof)).encode()
        sig = hmac.new(stored, auth_msg, hashlib.sha1).digest()
        if len(proof) != len(sig) or \
                hashlib.sha1(bytes(a ^ b for a, b in zip(proof, sig))).digest() != stored:
            self.sasl_failure('not-authorized',
                              'SCRAM-SHA-1 user %r: wrong password' % st['user'])
            return
        server_key = hmac.new(salted, b'Server Key', hashlib.sha1).digest()
        server_sig = hmac.new(server_key, auth_msg, hashlib.sha1).digest()
        self.authed(st['user'], 'SCRAM-SHA-1')
        self.send("<success xmlns='%s'>%s</success>" % (
            NS_SASL, base64.b64encode(
                b'v=' + base64.b64encode(server_sig)).decode()))

    def on_auth(self, el):
        mech = el.get('mechanism', '')
        if mech == 'SCRAM-SHA-1':
            self.on_scram_first((el.text or '').strip())
            return
        if mech != 'PLAIN':
            self.log('auth with unsupported mechanism %r: failure' % mech)
            self.send("<failure xmlns='%s'><invalid-mechanism/></failure>"
                      % NS_SASL)
            return
        text = (el.text or '').strip()
        parts = None
        try:
            raw = b'' if text == '=' else base64.b64decode(text, validate=True)
            parts = raw.split(b'\0')
        except (binascii.Error, ValueError):
            pass
        if not parts or len(parts) != 3:
            self.log('auth PLAIN: malformed payload: failure')
            self.send("<failure xmlns='%s'><malformed-request/></failure>"
                      % NS_SASL)
            return
        user = parts[1].decode('utf-8', 'replace')
        if parts[2] == b'secret' and user:
            self.authed(user, 'PLAIN')
            self.send("<success xmlns='%s'/>" % NS_SASL)
        else:
            self.send("<failure xmlns='%s'><not-authorized/></failure>"
                      % NS_SASL)
            self.log('auth PLAIN user %r: wrong password: failure' % user)

    def on_iq(self, el):
        typ = el.get('type', '')
        iq_id = el.get('id')
        to = el.get('to')
        idattr = " id='%s'" % esc(iq_id) if iq_id is not None else ''
        if typ not in ('get', 'set'):
            self.log('ignoring iq type=%r id=%r from client' % (typ, iq_id))
            return
        if self.stage not in ('authed', 'bound'):
            self.log('ignoring iq id=%r before authentication' % iq_id)
            return
        bind = el.find('{%s}bind' % NS_BIND)
        if bind is not None and typ == 'set' and self.stage == 'authed':
            res = bind.find('{%s}resource' % NS_BIND)
            resource = (res.text or '').strip() if res is not None else ''
            self.resource = resource or 'fake'
            node = self.user if '@' in self.user else \
                '%s@%s' % (self.user, self.srv.domain)
            jid = '%s/%s' % (node, self.resource)
            self.send("<iq type='result'%s><bind xmlns='%s'><jid>%s</jid>"
                      "</bind></iq>" % (idattr, NS_BIND, esc(jid)))
            self.stage = 'bound'
            self.log('bound %s (iq id=%r)' % (jid, iq_id))
            return
        child = local(el[0].tag) if len(el) else '-'
        dom = jid_domain(to) if to is not None else None
        d = self.srv.domain.lower()
        what = 'iq %s id=%r to=%r <%s/>' % (typ, iq_id, to, child)
        fromattr = " from='%s'" % esc(to) if to is not None else ''
        evil = " from='evil.%s'" % esc(self.srv.domain)
        if dom == 'silent.' + d:
            self.log('%s: never answering' % what)
        elif dom == 'wrongfrom.' + d:
            self.send("<iq type='result'%s%s/>" % (idattr, evil))
            self.log('%s: answered with spoofed from=evil.%s only'
                     % (what, self.srv.domain))
        elif dom == 'spoofthenreal.' + d:
            self.send("<iq type='result'%s%s/>" % (idattr, evil))
            self.log('%s: answered with spoofed from=evil.%s, real answer in '
                     '200 ms' % (what, self.srv.domain))

            def real():
                self.send("<iq type='result'%s%s><query xmlns='urn:test:ok'/>"
                          "</iq>" % (idattr, fromattr))
                self.log('iq id=%r: sent the real answer from %r' % (iq_id, to))
            self.later(0.2, real)
        elif dom == 'error.' + d:
            self.send(
                "<iq type='error'%s%s><error type='cancel'>"
                "<feature-not-implemented xmlns='%s'/>"
                "<unsupported xmlns='http://jabber.org/protocol/pubsub#errors'"
                " feature='purge-nodes'/>"
                "<text xmlns='%s'>Purging is off here</text></error></iq>"
                % (idattr, fromattr, NS_STANZAS, NS_STANZAS))
            self.log('%s: answered with error' % what)
        elif dom == 'collections.' + d and self.srv.examples:
            self.answer_xep0248(el, iq_id, to, what)
        elif dom == 'latepending.' + d:
            self.answer_late_pending(el, idattr, fromattr, to, what)
        elif dom == 'drop.' + d:
            self.log('%s: dropping the TCP connection' % what)
            self.close('dropped abruptly')
            raise Dropped()
        elif dom is not None and dom.endswith('.' + d) and \
                dom[:-len(d) - 1] in HOSTILE:
            self.answer_hostile(dom[:-len(d) - 1], el, iq_id, to, what)
        else:
            self.send("<iq type='result'%s%s/>" % (idattr, fromattr))
            self.log('%s: answered with empty result' % what)


    # get-pending (XEP-0060 8.7.2) as ejabberd may order it: the result
    # before the authorization forms it sends as messages.
    def answer_late_pending(self, el, idattr, fromattr, to, what):
        ns_x = 'jabber:x:data'
        node = 'none'
        for field in el.iter('{%s}field' % ns_x):
            value = field.find('{%s}value' % ns_x)
            if field.get('var') == 'pubsub#node' and value is not None:
                node = value.text or ''
        self.send("<iq type='result'%s%s><command xmlns='http://jabber.org/"
                  "protocol/commands' node='http://jabber.org/protocol/"
                  "pubsub#get-pending' status='completed'/></iq>"
                  % (idattr, fromattr))
        bare = self.user if '@' in self.user else \
            '%s@%s' % (self.user, self.srv.domain)
        me = '%s/%s' % (bare, self.resource)

        def form(subscriber):
            self.send(
                "<message from='%s' to='%s'><x xmlns='%s' type='form'>"
                "<field var='FORM_TYPE' type='hidden'><value>"
                "http://jabber.org/protocol/pubsub#subscribe_authorization"
                "</value></field>"
                "<field var='pubsub#node'><value>%s</value></field>"
                "<field var='pubsub#subscriber_jid'><value>%s</value></field>"
                "</x></message>" % (esc(to), esc(me), ns_x, esc(node),
                                    esc(subscriber)))
            self.log('sent the authorization form of %s on %r'
                     % (subscriber, node))
        for i, who in enumerate(('one', 'two')):
            subscriber = '%s@%s' % (who, self.srv.domain)
            self.later(0.1 * (i + 1), lambda s=subscriber: form(s))
        self.log('%s: get-pending of %r answered; forms follow' % (what, node))

    # Hostile pubsub services: what a broken or malicious server may send
    # in the middle of a session.  Stateless: each page is computed from
    # the request (its node and RSM 'after').
    def answer_hostile(self, kind, el, iq_id, to, what):
        child = el[0] if len(el) else None
        tag = child.tag if child is not None else ''
        node = child.get('node') if child is not None else None
        head = "<iq type='result' id='%s' from='%s'>" % (esc(iq_id), esc(to))
        after = None
        rsm_set = el.find('.//{%s}set' % NS_RSM)
        if rsm_set is not None:
            a = rsm_set.find('{%s}after' % NS_RSM)
            if a is not None:
                after = a.text or ''
        items = None
        if tag == '{%s}pubsub' % NS_PUBSUB:
            items = child.find('{%s}items' % NS_PUBSUB)
            if items is not None:
                node = items.get('node')

        if tag == '{%s}query' % NS_DISCO_INFO:
            if node is None:
                feats = ''.join("<feature var='%s'/>" % f for f in HOSTILE_FEATURES)
                self.send(head + "<query xmlns='%s'><identity category='pubsub' "
                          "type='service' name='%s'/>%s</query></iq>"
                          % (NS_DISCO_INFO, esc(kind), feats))
            else:
                self.send(head + "<query xmlns='%s' node='%s'><identity "
                          "category='pubsub' type='leaf'/></query></iq>"
                          % (NS_DISCO_INFO, esc(node)))
            self.log('%s: disco#info of the hostile service %s' % (what, kind))
            return

        if kind in ('mismatch', 'badbytes', 'badentity'):
            body = {
                'mismatch': b"<query xmlns='urn:test:hostile'><open></query>",
                'badbytes': b"<query xmlns='urn:test:hostile'>caf\xc3\x28 \xff\xfe</query>",
                'badentity': b"<query xmlns='urn:test:hostile'>&bogus;</query>",
            }[kind]
            self.send_raw(head.encode() + body + b'</iq>')
            self.log('%s: answered with XML that is not well-formed (%s); '
                     'carrying on as if nothing happened' % (what, kind))
            return

        if kind == 'wrongid':
            self.send("<iq type='result' id='%s-not' from='%s'/>" % (esc(iq_id), esc(to)))
            self.send("<iq type='result' from='%s'/>" % esc(to))
            self.send("<iq type='error' id='x%s' from='%s'><error type='cancel'>"
                      "<item-not-found xmlns='%s'/></error></iq>"
                      % (esc(iq_id), esc(to), NS_STANZAS))
            self.log('%s: answered with other ids only' % what)
            return

        if kind == 'manyfields' and tag == '{%s}pubsub' % NS_PUBSUB_OWNER:
            n = 5000
            fields = ''.join(
                "<field var='x-hostile#f%d' type='text-single' label='Field %d'>"
                "<value>v%d</value></field>" % (i, i, i) for i in range(n))
            inner = child[0] if len(child) else None
            wrapper = local(inner.tag) if inner is not None else 'configure'
            nattr = " node='%s'" % esc(node or inner.get('node') or '') \
                if inner is not None and inner.get('node') else ''
            self.send(head + "<pubsub xmlns='%s'><%s%s><x xmlns='jabber:x:data' "
                      "type='form'><field var='FORM_TYPE' type='hidden'><value>"
                      "%s#node_config</value></field>%s</x></%s></pubsub></iq>"
                      % (NS_PUBSUB_OWNER, wrapper, nattr, NS_PUBSUB, fields, wrapper))
            self.log('%s: a form of %d fields' % (what, n))
            return

        if items is not None and kind in ('huge', 'streamerror', 'endless', 'samepage'):
            self.hostile_items(kind, head, node or '', after, what)
            return
        if tag == '{%s}query' % NS_DISCO_ITEMS and \
                kind in ('streamerror', 'endless', 'samepage'):
            self.hostile_nodes(kind, head, node, after, what)
            return

        self.send("<iq type='result' id='%s' from='%s'/>" % (esc(iq_id), esc(to)))
        self.log('%s: hostile service %s: empty result' % (what, kind))

    def stream_error_close(self, condition, text):
        t = ("<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>%s</text>" % esc(text)
             if text else '')
        self.send("<stream:error><%s xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>%s"
                  "</stream:error></stream:stream>" % (condition, t))
        self.close('sent a stream error (%s) and closed' % condition)
        raise Dropped()

    @staticmethod
    def rsm(first, last, count=None):
        c = '<count>%d</count>' % count if count is not None else ''
        return ("<set xmlns='%s'><first>%s</first><last>%s</last>%s</set>"
                % (NS_RSM, esc(first), esc(last), c))

    def hostile_items(self, kind, head, node, after, what):
        def item(i, payload=None):
            return "<item id='%s'>%s</item>" % (
                esc(i), payload or "<entry xmlns='urn:test:hostile'>%s</entry>" % esc(i))

        def page(ids, rsm):
            self.send(head + "<pubsub xmlns='%s'><items node='%s'>%s</items>%s"
                      "</pubsub></iq>" % (NS_PUBSUB, esc(node),
                                          ''.join(item(i) for i in ids), rsm))

        if kind == 'huge':
            size = 10 * 1024 * 1024
            if node == 'one-text':
                payload = "<blob xmlns='urn:test:hostile'>%s</blob>" % ('A' * size)
            elif node == 'many-lines':
                payload = "<blob xmlns='urn:test:hostile'>%s</blob>" % (
                    ('B' * 99 + '\n') * (size // 100))
            else:
                payload = "<blob xmlns='urn:test:hostile'>%s</blob>" % (
                    '<v>0123456789abcdef0123456789abcdef</v>' * (size // 38))
            self.send(head + "<pubsub xmlns='%s'><items node='%s'>%s%s</items>"
                      "%s</pubsub></iq>" % (NS_PUBSUB, esc(node), item('big', payload),
                                            item('small'), self.rsm('big', 'small', 2)))
            self.log('%s: an items page of %d bytes (%s)' % (what, len(payload), node))
        elif kind == 'streamerror':
            if after is None:
                page(['s1', 's2', 's3'], self.rsm('s1', 's3', 9))
                self.log('%s: the first page of items' % what)
            else:
                self.log('%s: the next page: stream error instead' % what)
                self.stream_error_close('system-shutdown',
                                        'The server is going down for maintenance')
        elif kind == 'endless':
            n = int(after[2:]) + 1 if after and after.startswith('e-') and \
                after[2:].isdigit() else 1
            i = 'e-%d' % n
            page([i], self.rsm(i, i))
            if n % 500 == 0 or n < 3:
                self.log('%s: endless page %d' % (what, n))
        else:
            page(['a1', 'a2'], self.rsm('a1', 'a2'))
            self.log('%s: the same page again (after=%r)' % (what, after))

    def hostile_nodes(self, kind, head, node, after, what):
        nattr = " node='%s'" % esc(node) if node is not None else ''
        svc = head.split("from='", 1)[1].split("'", 1)[0]

        def page(names, rsm):
            self.send(head + "<query xmlns='%s'%s>%s%s</query></iq>" % (
                NS_DISCO_ITEMS, nattr,
                ''.join("<item jid='%s' node='%s'/>" % (svc, esc(n)) for n in names),
                rsm))

        if kind == 'streamerror':
            if after is None:
                page(['t1', 't2', 't3'], self.rsm('t1', 't3', 9))
                self.log('%s: the first page of nodes' % what)
            else:
                self.log('%s: the next page of nodes: stream error instead' % what)
                self.stream_error_close('internal-server-error', None)
        elif kind == 'endless':
            n = int(after[6:]) + 1 if after and after.startswith('topic-') and \
                after[6:].isdigit() else 1
            name = 'topic-%d' % n
            page([name], self.rsm(name, name))
            if n % 500 == 0 or n < 3:
                self.log('%s: endless page %d of nodes' % (what, n))
        else:
            page(['n1', 'n2'], self.rsm('n1', 'n2'))
            self.log('%s: the same page of nodes again (after=%r)' % (what, after))

    # XEP-0248: no server available here nests collections, so this
    # service answers with the XEP's own example stanzas (ids, to and from
    # rewritten to fit the request).
    def answer_xep0248(self, el, iq_id, to, what):
        ns_info = 'http://jabber.org/protocol/disco#info'
        ns_items = 'http://jabber.org/protocol/disco#items'
        ns_pubsub = 'http://jabber.org/protocol/pubsub'
        ns_owner = ns_pubsub + '#owner'
        child = el[0] if len(el) else None
        name = None
        if child is not None and child.tag == '{%s}query' % ns_info and child.get('node') is None:
            name = '002-service-responds-with-support-for-collections.xml'
        elif child is not None and child.tag == '{%s}query' % ns_items:
            node = child.get('node')
            if node is None:
                name = '004-service-returns-all-first-level-nodes.xml'
            elif node == 'blogs':
                name = '006-service-returns-second-level-nodes.xml'
            else:
                self.send("<iq type='result' id='%s' from='%s'><query xmlns='%s' node='%s'/></iq>"
                          % (esc(iq_id), esc(to), ns_items, esc(node)))
                self.log('%s: no children of %r' % (what, node))
                return
        elif child is not None and child.tag == '{%s}pubsub' % ns_owner:
            coll = child.find('{%s}collection' % ns_owner)
            assoc = coll.find('{%s}associate' % ns_owner) if coll is not None else None
            dissoc = coll.find('{%s}dissociate' % ns_owner) if coll is not None else None
            if assoc is not None:
                name = ('038-service-associates-the-node.xml'
                        if assoc.get('node') == 'new-child-node'
                        else '041-cycle-created-in-node-graph.xml')
            elif dissoc is not None:
                name = ('043-service-dissociates-the-node.xml'
                        if dissoc.get('node') == 'old-child-node'
                        else '044-node-is-not-associated.xml')
        elif child is not None and child.tag == '{%s}pubsub' % ns_pubsub and \
                child.find('{%s}create' % ns_pubsub) is not None:
            name = '021-service-responds-with-success.xml'
        if name is None:
            self.send("<iq type='error' id='%s' from='%s'><error type='cancel'>"
                      "<feature-not-implemented xmlns='%s'/></error></iq>"
                      % (esc(iq_id), esc(to), NS_STANZAS))
            self.log('%s: no XEP-0248 example for this' % what)
            return
        with open(os.path.join(self.srv.examples, 'xep-0248-' + name), encoding='utf-8') as f:
            text = f.read()
        text = re.sub(r'^<!--.*?-->\s*', '', text, flags=re.S)
        jid = '%s/%s' % (self.user if '@' in self.user else '%s@%s' % (self.user, self.srv.domain),
                         self.resource)

        def fix(m):
            tag = m.group(0)
            tag = re.sub(r"\bid='[^']*'", "id='%s'" % esc(iq_id), tag, count=1)
            tag = re.sub(r"\bto='[^']*'", "to='%s'" % esc(jid), tag, count=1)
            tag = re.sub(r"\bfrom='[^']*'", "from='%s'" % esc(to), tag, count=1)
            return tag
        text = re.sub(r'^<iq\b[^>]*>', fix, text, count=1)
        self.send(text)
        self.log('%s: answered with XEP-0248 example %s' % (what, name))


# ---------------------------------------------------------------------------
# Server

class Server:
    def __init__(self, args):
        self.mode = args.mode
        self.domain = args.domain
        self.examples = args.examples
        self.ssl_ctx = None
        self.switch_ctx = None
        self.downgrade = args.downgrade
        self.offer_digest = args.offer_digest
        if self.mode == 'tls':
            self.ssl_ctx = self.make_ctx(args, args.cert, args.key)
            if args.switch_cert:
                self.switch_ctx = self.make_ctx(args, args.switch_cert,
                                                args.switch_key)

    @staticmethod
    def make_ctx(args, cert, key):
        versions = {'1.1': ssl.TLSVersion.TLSv1_1,
                    '1.2': ssl.TLSVersion.TLSv1_2,
                    '1.3': ssl.TLSVersion.TLSv1_3}
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', DeprecationWarning)
            if args.tls_min == '1.1':
                ctx.set_ciphers('DEFAULT@SECLEVEL=0')
            if args.tls_min:
                ctx.minimum_version = versions[args.tls_min]
            if args.tls_max:
                ctx.maximum_version = versions[args.tls_max]
        return ctx


def main():
    ap = argparse.ArgumentParser(description='scripted fake XMPP server')
    ap.add_argument('--mode', required=True,
                    choices=['silent', 'stall-after-proceed', 'tls'])
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--cert')
    ap.add_argument('--key')
    ap.add_argument('--domain', default='xgb.test')
    ap.add_argument('--examples', help='folder of the XEP-0248 example stanzas '
                    '(tests/fixtures); enables the service collections.DOMAIN')
    ap.add_argument('--tls-min', choices=['1.1', '1.2', '1.3'])
    ap.add_argument('--tls-max', choices=['1.1', '1.2', '1.3'])
    ap.add_argument('--switch-cert', help='from the second connection on, '
                    'present this certificate (chain) instead of --cert')
    ap.add_argument('--switch-key')
    ap.add_argument('--downgrade', action='store_true',
                    help='offer PLAIN only from the second connection on')
    ap.add_argument('--offer-digest', action='store_true',
                    help='offer SCRAM-SHA-1 and DIGEST-MD5 (which always fails)')
    args = ap.parse_args()
    if bool(args.switch_cert) != bool(args.switch_key):
        ap.error('--switch-cert and --switch-key go together')
    if args.mode == 'tls' and not (args.cert and args.key):
        ap.error('--mode tls needs --cert and --key')

    try:
        srv = Server(args)
    except (OSError, ssl.SSLError, ValueError) as e:
        log('cannot set up TLS: %s' % (e,))
        return 1

    def on_signal(signum, _frame):
        log('got signal %d, exiting' % signum)
        os._exit(0)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(('127.0.0.1', 0))
    lsock.listen(64)
    port = lsock.getsockname()[1]
    tmp = args.port_file + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % port)
    os.replace(tmp, args.port_file)
    log('mode %s, domain %s, listening on 127.0.0.1:%d%s' % (
        args.mode, args.domain, port,
        ' (TLS %s..%s)' % (args.tls_min or 'default', args.tls_max or 'default')
        if args.mode == 'tls' else ''))

    while True:
        try:
            conn, addr = lsock.accept()
        except OSError as e:
            log('accept failed: %s' % (e,))
            time.sleep(0.1)
            continue
        s = Session(srv, conn, addr)
        threading.Thread(target=s.run, name='conn-%d' % s.n,
                         daemon=True).start()


if __name__ == '__main__':
    sys.exit(main())
