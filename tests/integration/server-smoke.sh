#!/usr/bin/env bash
# server-smoke.sh — TAP smoke test of a private test server's TLS and SASL
# setup.  Run it under tests/servers/with-server.sh (ejabberd or prosody):
#   bash tests/servers/with-server.sh ejabberd -- bash tests/integration/server-smoke.sh
# Uses openssl s_client/s_server only.  Every openssl call is bounded by
# timeout(1); a failing check prints "not ok" and the script exits 1.
set -uo pipefail

for v in XGB_TEST_DOMAIN XGB_TEST_HOST XGB_TEST_PORT XGB_TEST_CA_FILE XGB_TEST_CERT_DIR; do
    if [ -z "${!v:-}" ]; then
        echo "Bail out! $v is not set (run under tests/servers/with-server.sh)"
        exit 1
    fi
done
cert_port=${XGB_TEST_CERT_PORT:-}
D=$XGB_TEST_DOMAIN
H=$XGB_TEST_HOST
CA=$XGB_TEST_CA_FILE
CD=$XGB_TEST_CERT_DIR
T=15   # seconds, per openssl call

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xgb-smoke-XXXXXX")
sserver_pid=
cleanup() {
    [ -n "$sserver_pid" ] && kill "$sserver_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# --- TAP ---------------------------------------------------------------
n=0
failed=0
planned=8
[ -n "$cert_port" ] && planned=$((planned + 3))
echo "TAP version 13"
echo "1..$planned"

diag() {
    # shellcheck disable=SC2001
    printf '%s\n' "$*" | sed 's/^/# /'
}
ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    [ $# -gt 0 ] && diag "$@"
}

# --- helpers -----------------------------------------------------------
# A client config that lets OpenSSL offer TLS 1.0/1.1 (Debian's system
# config refuses them client-side, which would make a refusal meaningless).
cat >"$tmp/permissive.cnf" <<'EOF'
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1
CipherString = DEFAULT@SECLEVEL=0
EOF

# tls PORT [s_client args...]: STARTTLS handshake, brief output on stdout,
# exit status of s_client
tls() {
    local port=$1
    shift
    timeout "$T" openssl s_client -brief -starttls xmpp -xmpphost "$D" \
        -connect "$H:$port" "$@" </dev/null 2>&1
}

protocol_of() {
    sed -n 's/^Protocol version: //p' <<<"$1" | head -n1
}

STREAM_HEADER="<?xml version='1.0'?><stream:stream to='$D' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

# read_features FD: read from FD until </stream:features> (<= 10 s)
read_features() {
    local fd=$1 buf='' chunk deadline=$((SECONDS + 10))
    while [ "$SECONDS" -lt "$deadline" ] && IFS= read -r -t 2 -d '>' -u "$fd" chunk; do
        buf+="$chunk>"
        case $buf in *"</stream:features>"*) break ;; esac
    done
    printf '%s' "$buf"
}

# features_plain PORT: stream features before TLS (raw TCP)
features_plain() (
    exec 3<>"/dev/tcp/$H/$1" || exit 1
    printf '%s' "$STREAM_HEADER" >&3
    read_features 3
    printf '</stream:stream>' >&3
) 2>/dev/null

# features_tls PORT [s_client args...]: stream features after STARTTLS+TLS
features_tls() {
    local port=$1 out
    shift
    coproc SC {
        exec timeout "$T" openssl s_client -quiet -starttls xmpp -xmpphost "$D" \
            -connect "$H:$port" -CAfile "$CA" -verify_return_error "$@" 2>/dev/null
    }
    local to=${SC[1]} from=${SC[0]}
    printf '%s' "$STREAM_HEADER" 1>&"$to"
    out=$(read_features "$from")
    { printf '</stream:stream>' 1>&"$to"; } 2>/dev/null
    kill "$SC_PID" 2>/dev/null
    wait "$SC_PID" 2>/dev/null
    printf '%s' "$out"
}

mechanisms_of() {
    grep -o '<mechanism>[^<]*</mechanism>' <<<"$1" | sed 's/<[^>]*>//g' | tr '\n' ' '
}

# --- (a) TLS 1.2 explicitly ---------------------------------------------
out=$(tls "$XGB_TEST_PORT" -CAfile "$CA" -verify_return_error -tls1_2)
rc=$?
if [ $rc = 0 ] && [ "$(protocol_of "$out")" = TLSv1.2 ] && grep -q '^Verification: OK' <<<"$out"; then
    ok "STARTTLS with -tls1_2 negotiates TLSv1.2, chain verifies"
else
    not_ok "STARTTLS with -tls1_2 negotiates TLSv1.2, chain verifies" "rc=$rc" "$out"
fi

# --- (b) default version, chain + host name verify ------------------------
out=$(tls "$XGB_TEST_PORT" -CAfile "$CA" -verify_return_error -verify_hostname "$D")
rc=$?
proto=$(protocol_of "$out")
if [ $rc = 0 ] && { [ "$proto" = TLSv1.2 ] || [ "$proto" = TLSv1.3 ]; } &&
    grep -q '^Verification: OK' <<<"$out"; then
    ok "STARTTLS default negotiates $proto, chain and host name $D verify"
else
    not_ok "STARTTLS default negotiates TLSv1.2+, chain and host name verify" "rc=$rc" "$out"
fi

# --- (b') the verification is real: another CA does not verify it -------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=XGB other CA" -days 1 -keyout "$tmp/other.key" \
    -out "$tmp/other.crt" >/dev/null 2>&1
out=$(tls "$XGB_TEST_PORT" -CAfile "$tmp/other.crt" -verify_return_error)
rc=$?
if [ $rc != 0 ] && grep -q 'certificate verify failed\|unable to get local issuer' <<<"$out"; then
    ok "server certificate does not verify against a foreign CA"
else
    not_ok "server certificate does not verify against a foreign CA" "rc=$rc" "$out"
fi

# --- (c) TLS 1.1 is refused by the server ---------------------------------
# positive control: this client config can do TLS 1.1 with a local s_server
# (-quiet: without it s_server drops the connection on EOF of its stdin)
ctl_ok=0
for _ in 1 2 3 4 5; do
    p=$((20000 + RANDOM % 12768))
    OPENSSL_CONF=$tmp/permissive.cnf timeout 60 openssl s_server -quiet \
        -accept "127.0.0.1:$p" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' \
        -cert "$CD/server.crt" -key "$CD/server.key" </dev/null >"$tmp/s_server.out" 2>&1 &
    sserver_pid=$!
    up=0
    for _ in $(seq 60); do
        kill -0 "$sserver_pid" 2>/dev/null || break   # bind failed: next port
        if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            up=1
            break
        fi
        sleep 0.05
    done
    if [ $up = 1 ]; then
        out=$(OPENSSL_CONF=$tmp/permissive.cnf timeout "$T" openssl s_client -brief \
            -connect "127.0.0.1:$p" -tls1_1 -CAfile "$CA" -verify_return_error </dev/null 2>&1)
        rc=$?
        [ $rc = 0 ] && [ "$(protocol_of "$out")" = TLSv1.1 ] && ctl_ok=1
    fi
    kill "$sserver_pid" 2>/dev/null
    wait "$sserver_pid" 2>/dev/null
    sserver_pid=
    [ $up = 1 ] && break
done
if [ $ctl_ok = 1 ]; then
    ok "control: the permissive client negotiates TLSv1.1 with openssl s_server -tls1_1"
else
    not_ok "control: the permissive client negotiates TLSv1.1 with openssl s_server -tls1_1" \
        "rc=${rc:-}" "${out:-}" "$(cat "$tmp/s_server.out" 2>/dev/null)"
fi

# control: the same client config and flags minus the version work
out=$(OPENSSL_CONF=$tmp/permissive.cnf tls "$XGB_TEST_PORT" -CAfile "$CA" -verify_return_error -tls1_2)
rc=$?
if [ $rc = 0 ] && [ "$(protocol_of "$out")" = TLSv1.2 ]; then
    ok "control: the permissive client negotiates TLSv1.2 with the server"
else
    not_ok "control: the permissive client negotiates TLSv1.2 with the server" "rc=$rc" "$out"
fi

out=$(OPENSSL_CONF=$tmp/permissive.cnf tls "$XGB_TEST_PORT" -CAfile "$CA" -tls1_1)
rc=$?
if [ $ctl_ok = 1 ] && [ $rc != 0 ] && ! grep -q '^Protocol version: TLSv1.1' <<<"$out" &&
    ! grep -q 'no protocols available' <<<"$out"; then
    ok "server refuses a TLSv1.1 handshake"
    diag "$(grep -m1 -i 'error\|alert' <<<"$out")"
else
    not_ok "server refuses a TLSv1.1 handshake" "rc=$rc (control ok: $ctl_ok)" "$out"
fi

# --- (e) stream features --------------------------------------------------
f=$(features_plain "$XGB_TEST_PORT")
if grep -q "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>\|<starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"><required/></starttls>" <<<"$f" &&
    ! grep -q '<mechanism>' <<<"$f"; then
    ok "before TLS: STARTTLS required, no SASL mechanism offered"
else
    not_ok "before TLS: STARTTLS required, no SASL mechanism offered" "$f"
fi

f=$(features_tls "$XGB_TEST_PORT")
mechs=$(mechanisms_of "$f")
if grep -qE '(^| )SCRAM-SHA-(1|256)( |$)' <<<"$mechs" && ! grep -q 'EXTERNAL' <<<"$mechs"; then
    ok "after TLS: SCRAM offered, no EXTERNAL ($mechs)"
else
    not_ok "after TLS: SCRAM offered, no EXTERNAL" "mechanisms: $mechs" "$f"
fi

# --- (d) client-certificate port (ejabberd) -------------------------------
if [ -n "$cert_port" ]; then
    ca_subject=$(openssl x509 -in "$CA" -noout -subject | sed 's/^subject=//')
    out=$(timeout "$T" openssl s_client -starttls xmpp -xmpphost "$D" \
        -connect "$H:$cert_port" -CAfile "$CA" </dev/null 2>&1)
    names=$(sed -n '/^Acceptable client certificate CA names/,/^Requested Signature/p' <<<"$out")
    if grep -qxF "$ca_subject" <<<"$names"; then
        ok "cert port requests a client certificate from the test CA"
    else
        not_ok "cert port requests a client certificate from the test CA" \
            "want: $ca_subject" "${names:-(no CA names in the handshake)}"
    fi

    out=$(tls "$cert_port" -CAfile "$CA" -verify_return_error \
        -cert "$CD/admin.crt" -key "$CD/admin.key")
    rc=$?
    if [ $rc = 0 ] && grep -q '^Verification: OK' <<<"$out"; then
        ok "cert port: handshake with admin's client certificate"
    else
        not_ok "cert port: handshake with admin's client certificate" "rc=$rc" "$out"
    fi

    f=$(features_tls "$cert_port" -cert "$CD/admin.crt" -key "$CD/admin.key")
    mechs=$(mechanisms_of "$f")
    if grep -qE '(^| )EXTERNAL( |$)' <<<"$mechs"; then
        ok "cert port with client certificate: EXTERNAL offered ($mechs)"
    else
        not_ok "cert port with client certificate: EXTERNAL offered" "mechanisms: $mechs" "$f"
    fi
fi

if [ "$n" != "$planned" ]; then
    diag "ran $n checks, planned $planned"
    exit 1
fi
[ "$failed" = 0 ]
