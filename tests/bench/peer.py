#!/usr/bin/python3
"""peer.py - the benchmarks' peer: the same work done by a plain slixmpp
client (Debian's python3-slixmpp), so that the app's figures can be
told apart from the server's.

Run under tests/servers/with-server.sh ejabberd, with Debian's python3
(/usr/bin/python3, where python3-slixmpp is installed):

  peer.py nodes PAGE                    list every node, RSM pages of PAGE
  peer.py items NODE SIZES              walk the topic: pages of SIZES (e.g.
                                        10,100,1000: the last size repeats)
  peer.py first NODE SIZES              the first page only
  peer.py retract NODE COUNT IN_FLIGHT  retract r-00000… , IN_FLIGHT at once

Requests are sent one after the other (one in flight), as the app's
models send them, except for retract.  Times run from the session's
start; KEY=VALUE lines on stdout, as tests/bench/xgb-bench.c prints.

SPDX-License-Identifier: AGPL-3.0-or-later
"""
import asyncio
import logging
import os
import resource
import sys
import time
import xml.etree.ElementTree as ET

import slixmpp

PUBSUB = 'http://jabber.org/protocol/pubsub'
DISCO_ITEMS = 'http://jabber.org/protocol/disco#items'
RSM = 'http://jabber.org/protocol/rsm'


def out(key, value):
    print('%s=%.3f' % (key, value), flush=True)


def rss_mb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024.0
    return 0.0


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rsm_set(max_, after=None):
    s = '<set xmlns="%s"><max>%d</max>' % (RSM, max_)
    if after is not None:
        s += '<after>%s</after>' % escape(after)
    return s + '</set>'


def escape(text):
    return (text.replace('&', '&amp;').replace('<', '&lt;')
            .replace('>', '&gt;').replace("'", '&apos;').replace('"', '&quot;'))


def rsm_of(parent):
    """(last, count) of the RSM set in @parent; (None, -1) without one"""
    if parent is None:
        return None, -1
    s = parent.find('{%s}set' % RSM)
    if s is None:
        return None, -1
    last = s.findtext('{%s}last' % RSM)
    count = s.findtext('{%s}count' % RSM)
    return last, int(count) if count is not None else -1


class Peer(slixmpp.ClientXMPP):
    def __init__(self, work):
        super().__init__(os.environ['XGB_TEST_ADMIN_JID'], os.environ['XGB_TEST_ADMIN_PASSWORD'])
        self.ca_certs = os.environ['XGB_TEST_CA_FILE']
        self.service = os.environ['XGB_TEST_PUBSUB']
        self.work = work
        self.requests = 0
        self.failed = None
        self.add_event_handler('session_start', self.session_start)

    async def session_start(self, event):
        try:
            await self.work(self)
        except Exception as e:   # reported, then the process fails
            self.failed = e
        self.disconnect()

    async def query(self, itype, payload):
        iq = self.Iq()
        iq['to'] = self.service
        iq['type'] = itype
        iq.xml.append(ET.fromstring(payload))
        self.requests += 1
        return await iq.send(timeout=300)


def nodes(page):
    async def work(peer):
        start = time.monotonic()
        rss_before = rss_mb()
        seen = 0
        first = -1.0
        after = None
        while True:
            reply = await peer.query('get', '<query xmlns="%s">%s</query>' % (DISCO_ITEMS, rsm_set(page, after)))
            q = reply.xml.find('{%s}query' % DISCO_ITEMS)
            items = q.findall('{%s}item' % DISCO_ITEMS)
            seen += len(items)
            if first < 0 and seen >= 50:
                first = (time.monotonic() - start) * 1000
            after, count = rsm_of(q)
            if after is None or not items or (0 <= count <= seen):
                break
        out('all_ms', (time.monotonic() - start) * 1000)
        out('first_ms', first)
        out('n', seen)
        out('requests', peer.requests)
        out('rss_before_mb', rss_before)
        out('rss_after_mb', rss_mb())
    return work


def items(node, sizes, first_only=False):
    async def work(peer):
        rss_before = rss_mb()
        start = time.monotonic()
        seen = 0
        first = -1.0
        after = None
        page = 0
        while True:
            size = sizes[min(page, len(sizes) - 1)]
            page += 1
            reply = await peer.query('get', '<pubsub xmlns="%s"><items node="%s"/>%s</pubsub>'
                                     % (PUBSUB, escape(node), rsm_set(size, after)))
            p = reply.xml.find('{%s}pubsub' % PUBSUB)
            got = p.find('{%s}items' % PUBSUB).findall('{%s}item' % PUBSUB)
            seen += len(got)
            if first < 0:
                first = (time.monotonic() - start) * 1000
                if first_only:
                    break
            after, count = rsm_of(p)
            if after is None or not got or (0 <= count <= seen):
                break
        out('first_ms', first)
        if not first_only:
            out('walk_ms', (time.monotonic() - start) * 1000)
        out('n', seen)
        out('requests', peer.requests)
        out('rss_before_mb', rss_before)
        out('rss_after_mb', rss_mb())
        out('rss_peak_mb', peak_mb())
    return work


def retract(node, count, in_flight):
    async def work(peer):
        limit = asyncio.Semaphore(in_flight)
        failed = 0

        async def one(k):
            nonlocal failed
            async with limit:
                try:
                    await peer.query('set', '<pubsub xmlns="%s"><retract node="%s"><item id="r-%05d"/>'
                                     '</retract></pubsub>' % (PUBSUB, escape(node), k))
                except slixmpp.exceptions.IqError:
                    failed += 1

        start = time.monotonic()
        await asyncio.gather(*(one(k) for k in range(count)))
        ms = (time.monotonic() - start) * 1000
        out('retract_ms', ms)
        out('failed', failed)
        out('per_s', count / (ms / 1000))
    return work


def main(argv):
    logging.basicConfig(level=logging.ERROR)
    what = argv[1] if len(argv) > 1 else ''
    if what == 'nodes' and len(argv) == 3:
        work = nodes(int(argv[2]))
    elif what in ('items', 'first') and len(argv) == 4:
        work = items(argv[2], [int(n) for n in argv[3].split(',')], first_only=what == 'first')
    elif what == 'retract' and len(argv) == 5:
        work = retract(argv[2], int(argv[3]), int(argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        return 2

    peer = Peer(work)
    peer.connect((os.environ['XGB_TEST_HOST'], int(os.environ['XGB_TEST_PORT'])))
    peer.process(forever=False)
    if peer.failed is not None:
        print('peer.py: %s failed: %r' % (what, peer.failed), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
