#!/usr/bin/env bash
# TAP: every xgb-cli operation against the real server of with-server.sh
# (ejabberd or Prosody).  Where a server lacks a feature, the test asserts
# the clean error and names the server.
#   pubsub-cli.sh PATH-TO-xgb-cli
set -uo pipefail

cli_bin=${1:?path to xgb-cli}
server=${XGB_TEST_SERVER:?run under tests/servers/with-server.sh}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xgb-cli-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

export XGB_PASSWORD=$XGB_TEST_ADMIN_PASSWORD
common=(--jid "$XGB_TEST_ADMIN_JID" --host "$XGB_TEST_HOST" --port "$XGB_TEST_PORT" --ca-file "$XGB_TEST_CA_FILE")
cli() { "$cli_bin" "${common[@]}" "$@"; }

n=0
ok()     { n=$((n + 1)); echo "ok $n - $server: $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $server: $1"; shift; for l in "$@"; do echo "# $l"; done; }
check()  { # check DESCRIPTION COMMAND...: ok when COMMAND succeeds
    local d=$1; shift
    if "$@" >"$tmp/check.out" 2>&1; then ok "$d"; else not_ok "$d" "$(head -c 600 "$tmp/check.out")"; fi
}
json()   { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

topic="sacm/ipsec/host-$RANDOM"

cli features --json >"$tmp/features.json"
check "features lists the pubsub service and its capabilities" \
    json "$tmp/features.json" "assert any(i['category']=='pubsub' and i['type']=='service' for i in d['identities']); assert d['capabilities']['create-nodes'] is True; assert d['jid']=='$XGB_TEST_PUBSUB'"

# Prosody keeps 20 items by default: room for the 25 below
check "create a topic" cli create "$topic" --set max_items=1000
cli nodes --json >"$tmp/nodes.json"
check "the new topic is listed" json "$tmp/nodes.json" "assert '$topic' in [x['node'] for x in d['nodes']]"

check "create with configuration" cli create "$topic-cfg" --set max_items=500 --set "title=Grid <topic> & co"
cli config get "$topic-cfg" --json >"$tmp/config.json"
check "the configuration given at creation is in effect" \
    json "$tmp/config.json" "f={x['var']:x['values'] for x in d['fields']}; assert f['pubsub#max_items']==['500'], f['pubsub#max_items']; assert f['pubsub#title']==['Grid <topic> & co'], f['pubsub#title']"

check "configuration set" cli config set "$topic-cfg" "title=Renamed"
cli config get "$topic-cfg" --json >"$tmp/config2.json"
check "the changed field is read back" json "$tmp/config2.json" "f={x['var']:x['values'] for x in d['fields']}; assert f['pubsub#title']==['Renamed']"

cli config set "$topic-cfg" access_model=bogus max_items=many >"$tmp/badcfg.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "access_model" "$tmp/badcfg.out" && grep -q "not one of the choices" "$tmp/badcfg.out"; then
    ok "an invalid configuration value is refused per field before sending (exit 2)"
else
    not_ok "an invalid configuration value is refused per field before sending (exit 2)" "rc=$rc" "$(cat "$tmp/badcfg.out")"
fi

cli info "$topic" --json >"$tmp/info.json"
check "info says a topic is a leaf" json "$tmp/info.json" "assert d['type']=='leaf'"

printf '%s' '<entry xmlns="urn:xgb:test">a &lt; b &amp; "c"</entry>' >"$tmp/payload.xml"
check "publish with an id" cli publish "$topic" --id first --file "$tmp/payload.xml"
cli items "$topic" --json >"$tmp/items1.json"
check "the payload comes back as published" \
    json "$tmp/items1.json" "i=[x for x in d['items'] if x['id']=='first'][0]; assert i['payload']=='<entry xmlns=\"urn:xgb:test\">a &lt; b &amp; \"c\"</entry>', i['payload']; assert i['time'] is None"

printf '%s' '<entry xmlns="urn:x">unclosed' >"$tmp/bad.xml"
cli publish "$topic" --file "$tmp/bad.xml" >"$tmp/bad.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "well-formed" "$tmp/bad.out"; then ok "malformed payload refused before sending (exit 2)"; else not_ok "malformed payload refused before sending (exit 2)" "rc=$rc" "$(cat "$tmp/bad.out")"; fi

for i in $(seq -w 1 24); do
    echo "<entry xmlns='urn:xgb:test'><n>$i</n><published>2026-11-26T10:$i:00Z</published></entry>" |
        cli publish "$topic" --id "item-$i" >/dev/null || break
done
cli items "$topic" --page-size 10 --json --stats >"$tmp/items.json" 2>"$tmp/items.stats"
check "25 items, each exactly once" \
    json "$tmp/items.json" "ids=[x['id'] for x in d['items']]; assert len(ids)==25 and len(set(ids))==25, ids; assert d['count']==25"
check "a payload time is read from the payload, not the clock" \
    json "$tmp/items.json" "i=[x for x in d['items'] if x['id']=='item-07'][0]; assert i['time'].startswith('2026-11-26T10:07:00'), i['time']"
requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' "$tmp/items.stats")
if [ "$server" = ejabberd ]; then
    check "ejabberd: RSM pages of 10, oldest first" \
        json "$tmp/items.json" "ids=[x['id'] for x in d['items']]; assert ids[1:]==['item-%02d'%i for i in range(1,25)], ids"
    if [ "${requests:-0}" -ge 5 ]; then ok "ejabberd: more than one request for 25 items ($requests)"; else not_ok "ejabberd: more than one request" "$(cat "$tmp/items.stats")"; fi
else
    # Prosody has no RSM: ids from disco#items, then batches of 10
    if [ "${requests:-0}" -ge 6 ]; then ok "$server: no RSM, ids then batches ($requests requests)"; else not_ok "$server: ids then batches" "$(cat "$tmp/items.stats")"; fi
fi

check "affiliation set" cli affiliations set "$topic" "$XGB_TEST_ALICE_JID=publisher"
cli affiliations get "$topic" --json >"$tmp/aff.json"
check "the affiliation is read back" \
    json "$tmp/aff.json" "a={x['jid']:x['affiliation'] for x in d['affiliations']}; assert a.get('$XGB_TEST_ALICE_JID')=='publisher', a"

check "subscribe another JID" cli subscribe "$topic" "$XGB_TEST_BOB_JID"
cli subscriptions get "$topic" --json >"$tmp/subs.json"
check "the subscription is listed" \
    json "$tmp/subs.json" "s={x['jid']:x['subscription'] for x in d['subscriptions']}; assert s.get('$XGB_TEST_BOB_JID')=='subscribed', s"
check "unsubscribe it" cli unsubscribe "$topic" "$XGB_TEST_BOB_JID"
cli subscriptions get "$topic" --json >"$tmp/subs2.json"
check "the subscription is gone" \
    json "$tmp/subs2.json" "assert '$XGB_TEST_BOB_JID' not in [x['jid'] for x in d['subscriptions'] if x['subscription']=='subscribed']"

cli subscribe "$topic" --json >"$tmp/self.json"
check "subscribe oneself (a Consumer's own request)" json "$tmp/self.json" "assert d['subscription']=='subscribed', d"
cli options get "$topic" "$XGB_TEST_ADMIN_JID" --json >"$tmp/options.json" 2>"$tmp/options.err"
rc=$?
if [ "$server" = ejabberd ]; then
    # ejabberd's flat nodes have no subscription options
    if [ $rc -eq 5 ] && grep -q "subscription-options" "$tmp/options.err"; then
        ok "ejabberd: no subscription options, said so (exit 5)"
    else
        not_ok "ejabberd: no subscription options, said so (exit 5)" "rc=$rc" "$(cat "$tmp/options.err")"
    fi
else
    check "$server: subscription options form" json "$tmp/options.json" "assert any(f['var']=='pubsub#include_body' for f in d['fields']), d"
    check "$server: subscription options set" cli options set "$topic" "$XGB_TEST_ADMIN_JID" include_body=1
    cli options get "$topic" "$XGB_TEST_ADMIN_JID" --json >"$tmp/options2.json"
    check "$server: the option is read back" \
        json "$tmp/options2.json" "f={x['var']:x['values'] for x in d['fields']}; assert f['pubsub#include_body'] in (['1'], ['true']), f"
fi

cli retract "$topic" item-01 no-such-item --json >"$tmp/retract.json"
rc=$?
if [ $rc -eq 4 ] && json "$tmp/retract.json" "r={x['id']:x['retracted'] for x in d['results']}; assert r=={'item-01':True,'no-such-item':False}, r"; then
    ok "retract reports per item; partial failure exits 4"
else
    not_ok "retract reports per item; partial failure exits 4" "rc=$rc" "$(cat "$tmp/retract.json")"
fi

check "purge" cli purge "$topic"
cli items "$topic" --json >"$tmp/items-after.json"
check "no items after purge" json "$tmp/items-after.json" "assert d['count']==0, d['count']"

check "delete" cli delete "$topic"
cli nodes --json >"$tmp/nodes2.json"
check "the deleted topic is not listed" json "$tmp/nodes2.json" "assert '$topic' not in [x['node'] for x in d['nodes']]"
cli delete "$topic" >"$tmp/del.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -qi "item not found" "$tmp/del.out"; then ok "deleting a missing node: a clear error, exit 1"; else not_ok "deleting a missing node: a clear error, exit 1" "rc=$rc" "$(cat "$tmp/del.out")"; fi

cli create "$topic-coll" --collection >"$tmp/coll.out" 2>&1
rc=$?
if [ $rc -eq 0 ] || grep -q "The server refused" "$tmp/coll.out"; then ok "create a collection: done or refused cleanly (rc=$rc)"; else not_ok "create a collection" "rc=$rc" "$(cat "$tmp/coll.out")"; fi

XGB_PASSWORD=wrong "$cli_bin" "${common[@]}" features >"$tmp/login.out" 2>&1
rc=$?
if [ $rc -eq 3 ] && grep -q "Authentication failed" "$tmp/login.out"; then ok "wrong password: exit 3 with the reason"; else not_ok "wrong password: exit 3" "rc=$rc" "$(cat "$tmp/login.out")"; fi

env -u XGB_PASSWORD "$cli_bin" "${common[@]}" features >"$tmp/nopw.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "password" "$tmp/nopw.out"; then ok "no password: exit 2, asks for a file or the environment"; else not_ok "no password: exit 2" "rc=$rc" "$(cat "$tmp/nopw.out")"; fi

# Audit trail: every change in the local log (0600), and on the audit
# topic when one is named
export XDG_STATE_HOME=$tmp/state
audit="audit/trail-$RANDOM"
cli create "$audit" >/dev/null 2>&1
cli --audit-topic "$audit" create "$topic-audited" >/dev/null 2>&1
cli --audit-topic "$audit" delete "$topic-audited" >/dev/null 2>&1
log=$XDG_STATE_HOME/xgb-broker/audit.jsonl
check "changes are in the local audit log" python3 -c "
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
acts = [(e['action'], e['target'], e['result']) for e in lines]
assert ('create', '$topic-audited', 'ok') in acts and ('delete', '$topic-audited', 'ok') in acts, acts
assert all(e['account'].startswith('$XGB_TEST_ADMIN_JID') for e in lines)
" "$log"
check "the audit log is 0600 in a 0700 folder" \
    test "$(stat -c %a "$log")" = 600 -a "$(stat -c %a "$(dirname "$log")")" = 700
cli items "$audit" --json >"$tmp/audit.json" 2>&1
check "the audit topic holds both entries" json "$tmp/audit.json" "
p = [i['payload'] for i in d['items']]
assert len(p) == 2, p
assert '<action>create</action>' in p[0] or '<action>create</action>' in p[1]
assert all('urn:xmpp-grid-broker:audit:1' in x and '$topic-audited' in x for x in p)"

# Without --audit-topic, a saved account's audit topic (its GSettings, as
# the app saved it) is used
gs() { GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME=$tmp/config gsettings "$@"; }
account=org.xgb.Broker.Account:/org/xgb/Broker/accounts/cli-test/
gs set org.xgb.Broker accounts "['cli-test']"
gs set "$account" jid "$XGB_TEST_ADMIN_JID"
gs set "$account" host "$XGB_TEST_HOST"
gs set "$account" audit-topic "$audit"
GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME=$tmp/config cli create "$topic-by-account" >/dev/null 2>&1
cli items "$audit" --json >"$tmp/audit.json" 2>&1
check "a saved account's audit topic is used without --audit-topic" json "$tmp/audit.json" "
p = [i['payload'] for i in d['items']]
assert len(p) == 3 and sum('$topic-by-account' in x for x in p) == 1, p"
cli delete "$topic-by-account" >/dev/null 2>&1
unset XDG_STATE_HOME

"$cli_bin" no-such-command >"$tmp/cmd.out" 2>&1
rc=$?
if [ $rc -eq 2 ]; then ok "unknown command: exit 2"; else not_ok "unknown command: exit 2" "rc=$rc"; fi

echo "1..$n"
