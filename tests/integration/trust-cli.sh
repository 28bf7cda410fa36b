#!/usr/bin/env bash
# TAP: xgb-cli's whoami, --pin and --allow-weak-mechanisms against the real
# server of with-server.sh (ejabberd, Prosody, or Prosody offering PLAIN
# only when $XGB_TEST_EXPECT_PLAIN_ONLY is set).
#   trust-cli.sh PATH-TO-xgb-cli
set -uo pipefail

cli_bin=${1:?path to xgb-cli}
server=${XGB_TEST_SERVER:?run under tests/servers/with-server.sh}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xgb-trust-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

export XGB_PASSWORD=$XGB_TEST_ALICE_PASSWORD
base=(--jid "$XGB_TEST_ALICE_JID" --host "$XGB_TEST_HOST" --port "$XGB_TEST_PORT")

n=0
ok()     { n=$((n + 1)); echo "ok $n - $server: $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $server: $1"; shift; for l in "$@"; do echo "# $l"; done; }
json()   { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
expect() { # expect DESCRIPTION RC FILE PATTERN: exit status RC and PATTERN in FILE
    local d=$1 want=$2 file=$3 pattern=$4
    if [ "$rc" -eq "$want" ] && grep -q -- "$pattern" "$file"; then ok "$d"; else not_ok "$d" "rc=$rc" "$(head -c 800 "$file")"; fi
}
sha256() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/^.*=//'; }

if [ -n "${XGB_TEST_EXPECT_PLAIN_ONLY:-}" ]; then
    "$cli_bin" "${base[@]}" --ca-file "$XGB_TEST_CA_FILE" whoami >"$tmp/out" 2>&1
    rc=$?
    expect "PLAIN only: refused (exit 3) with the way out" 3 "$tmp/out" "allow-weak-mechanisms"
    "$cli_bin" "${base[@]}" --ca-file "$XGB_TEST_CA_FILE" --allow-weak-mechanisms whoami --json >"$tmp/weak.json" 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 0 ] && json "$tmp/weak.json" "assert d['mechanism']=='PLAIN', d; assert d['offered-mechanisms']==['PLAIN']"; then
        ok "PLAIN only: --allow-weak-mechanisms logs in with PLAIN"
    else
        not_ok "PLAIN only: --allow-weak-mechanisms logs in with PLAIN" "rc=$rc" "$(cat "$tmp/err" "$tmp/weak.json")"
    fi
    echo "1..$n"
    exit 0
fi

case $server in
    ejabberd) mech=SCRAM-SHA-512 ;;
    *) mech=SCRAM-SHA-256 ;;
esac
leaf=$(sha256 "$XGB_TEST_CERT_DIR/server.crt")

"$cli_bin" "${base[@]}" --ca-file "$XGB_TEST_CA_FILE" whoami --json >"$tmp/who.json" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && json "$tmp/who.json" "
c=d['server-certificate']
assert d['jid'].startswith('$XGB_TEST_ALICE_JID/'), d
assert d['broker']=='$XGB_TEST_PUBSUB', d
assert d['mechanism']=='$mech', d
assert d['tls-version']=='TLSv1.3', d
assert d['cipher'].startswith('TLS_'), d
assert '$mech' in d['offered-mechanisms'], d
assert c['sha256']=='$leaf', c
assert c['verified'] is True and c['pinned'] is False, c"; then
    ok "whoami: mechanism, TLS version, cipher and the verified certificate"
else
    not_ok "whoami: mechanism, TLS version, cipher and the verified certificate" "rc=$rc" "$(cat "$tmp/err" "$tmp/who.json")"
fi

"$cli_bin" "${base[@]}" whoami >"$tmp/who.txt" 2>&1
rc=$?
expect "unknown CA: refused (exit 3), the fingerprint to check and --pin named" 3 "$tmp/who.txt" "with --pin $leaf"

"$cli_bin" "${base[@]}" --pin "$leaf" whoami --json >"$tmp/pinned.json" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && json "$tmp/pinned.json" "c=d['server-certificate']; assert c['pinned'] is True and c['verified'] is False, c; assert d['mechanism']=='$mech', d"; then
    ok "--pin with the leaf's fingerprint: logged in, the certificate pinned"
else
    not_ok "--pin with the leaf's fingerprint: logged in, the certificate pinned" "rc=$rc" "$(cat "$tmp/err" "$tmp/pinned.json")"
fi

ca=$(sha256 "$XGB_TEST_CERT_DIR/ca.crt")
"$cli_bin" "${base[@]}" --pin "$ca" whoami >"$tmp/capin.txt" 2>&1
rc=$?
expect "--pin with the CA's fingerprint: refused, the certificate changed" 3 "$tmp/capin.txt" "changed since you trusted it"

"$cli_bin" "${base[@]}" --pin "not-a-fingerprint" whoami >"$tmp/bad.txt" 2>&1
rc=$?
expect "--pin with something else: usage error (exit 2)" 2 "$tmp/bad.txt" "not a SHA-256 fingerprint"

echo "1..$n"
