#!/usr/bin/env bash
# with-fake.sh -- COMMAND [ARGS...]
#
# Starts the scripted server (fake-xmpp.py) once per mode, for faults no
# real server produces, runs COMMAND with these variables and always
# stops the servers and removes the temp dir afterwards:
#   XGB_FAKE_DOMAIN          xgb.test
#   XGB_FAKE_CA_FILE         the test CA (signs the fake's certificate)
#   XGB_FAKE_SILENT_PORT     accepts TCP, never says anything
#   XGB_FAKE_STALL_PORT      answers STARTTLS with <proceed/>, then stalls
#   XGB_FAKE_TLS_PORT        full login (password "secret"), scripted IQs;
#                            collections.xgb.test answers XEP-0248 requests
#                            with the XEP's example stanzas; hostile pubsub
#                            services (mismatch., badbytes., badentity.,
#                            wrongid., huge., streamerror., endless.,
#                            samepage., manyfields.xgb.test: see the header
#                            of fake-xmpp.py)
#   XGB_FAKE_TLS11_PORT      the same, TLS 1.1 only (SECLEVEL 0)
#   XGB_FAKE_SWITCH_PORT     the same, but only its first connection gets
#                            the test CA's certificate; later ones get a
#                            certificate for the same domain from another CA
#                            (chain included): a certificate that changes
#                            between the probe and the login
#   XGB_FAKE_SWITCH_LOG      that server's log (what the client sent)
#   XGB_FAKE_DOWNGRADE_PORT  like XGB_FAKE_TLS_PORT, but only the first
#                            connection is offered SCRAM-SHA-1 (and PLAIN);
#                            later ones PLAIN only
#   XGB_FAKE_DOWNGRADE_LOG   that server's log
#   XGB_FAKE_DIGEST_PORT     like XGB_FAKE_TLS_PORT, but offering SCRAM-SHA-1
#                            and DIGEST-MD5 (which always fails); its log in
#                            XGB_FAKE_DIGEST_LOG
#   XGB_FAKE_PERMISSIVE_CONF an OpenSSL config that allows TLS 1.0+
# A fake that does not start is a TAP bail-out, never a skip.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

[ "${1:-}" = "--" ] || { echo "usage: $0 -- COMMAND [ARGS...]" >&2; exit 2; }
shift

dir=
pids=()
cleanup() {
    local rc=$?
    trap '' INT TERM HUP
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    [ -n "$dir" ] && rm -rf "$dir"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

command -v python3 >/dev/null || { echo "Bail out! python3 is not installed"; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/xgb-fake-XXXXXX")
domain=xgb.test
"$here/certs.sh" "$dir" "$domain" >/dev/null 2>"$dir/certs.err" ||
    { echo "Bail out! making test certificates failed"; cat "$dir/certs.err" >&2; exit 1; }
# Another CA and a server certificate for the same domain (the switch)
other_chain() {
    local o=$dir/other
    mkdir -p "$o"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
        -keyout "$o/ca.key" -out "$o/ca.crt" -subj "/O=XGB Test/CN=XGB Other CA $(xgb_random 8)" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$o/server.key" -out "$o/server.csr" -subj "/O=XGB Test/CN=$domain" &&
    openssl x509 -req -in "$o/server.csr" -CA "$o/ca.crt" -CAkey "$o/ca.key" -CAcreateserial \
        -days 30 -out "$o/server.crt" \
        -extfile <(printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$domain") &&
    cat "$o/server.crt" "$o/ca.crt" >"$o/server.pem"
}
other_chain >/dev/null 2>>"$dir/certs.err" ||
    { echo "Bail out! making test certificates failed"; cat "$dir/certs.err" >&2; exit 1; }
xgb_openssl_cnf "$dir/permissive.cnf"

start() {   # start NAME MODE [ARGS...]
    local name=$1 mode=$2
    shift 2
    OPENSSL_CONF="$dir/permissive.cnf" python3 "$here/fake-xmpp.py" --mode "$mode" \
        --port-file "$dir/$name.port" --domain "$domain" "$@" 2>"$dir/$name.log" &
    pids+=($!)
}

start silent silent
start stall stall-after-proceed
start tls tls --cert "$dir/certs/server.crt" --key "$dir/certs/server.key" \
    --examples "$here/../fixtures"
start tls11 tls --cert "$dir/certs/server.crt" --key "$dir/certs/server.key" \
    --tls-min 1.1 --tls-max 1.1
start switch tls --cert "$dir/certs/server.crt" --key "$dir/certs/server.key" \
    --switch-cert "$dir/other/server.pem" --switch-key "$dir/other/server.key"
start downgrade tls --cert "$dir/certs/server.crt" --key "$dir/certs/server.key" --downgrade
start digest tls --cert "$dir/certs/server.crt" --key "$dir/certs/server.key" --offer-digest

for name in silent stall tls tls11 switch downgrade digest; do
    for _ in $(seq 200); do
        [ -s "$dir/$name.port" ] && break
        sleep 0.02
    done
    [ -s "$dir/$name.port" ] ||
        { echo "Bail out! the scripted server ($name) did not start"; cat "$dir/$name.log" >&2; exit 1; }
done

export XGB_FAKE_DOMAIN=$domain
export XGB_FAKE_CA_FILE=$dir/certs/ca.crt
export XGB_FAKE_PERMISSIVE_CONF=$dir/permissive.cnf
XGB_FAKE_SILENT_PORT=$(cat "$dir/silent.port")
XGB_FAKE_STALL_PORT=$(cat "$dir/stall.port")
XGB_FAKE_TLS_PORT=$(cat "$dir/tls.port")
XGB_FAKE_TLS11_PORT=$(cat "$dir/tls11.port")
XGB_FAKE_SWITCH_PORT=$(cat "$dir/switch.port")
XGB_FAKE_DOWNGRADE_PORT=$(cat "$dir/downgrade.port")
XGB_FAKE_DIGEST_PORT=$(cat "$dir/digest.port")
export XGB_FAKE_SILENT_PORT XGB_FAKE_STALL_PORT XGB_FAKE_TLS_PORT XGB_FAKE_TLS11_PORT XGB_FAKE_SWITCH_PORT
export XGB_FAKE_SWITCH_LOG=$dir/switch.log
export XGB_FAKE_DOWNGRADE_PORT XGB_FAKE_DOWNGRADE_LOG=$dir/downgrade.log
export XGB_FAKE_DIGEST_PORT XGB_FAKE_DIGEST_LOG=$dir/digest.log

rc=0
"$@" &
cmd=$!
wait "$cmd" || rc=$?
if [ "$rc" != 0 ]; then
    for name in silent stall tls tls11 switch downgrade digest; do
        echo "--- tail of the scripted server's log ($name)" >&2
        tail -n 15 "$dir/$name.log" >&2 || true
    done
fi
exit "$rc"
