#!/usr/bin/env bash
# certs.sh DIR DOMAIN
#
# Makes a throw-away PKI for one test server in DIR/certs/ (EC P-256, fast):
#   ca.crt ca.key                 test CA (basicConstraints CA:TRUE)
#   server.crt server.key         server cert, SAN: DOMAIN *.DOMAIN pubsub.DOMAIN
#                                 localhost IP:127.0.0.1
#   server.pem                    cert + CA chain + key (for ejabberd certfiles)
#   admin.crt admin.key           client cert (clientAuth, id-on-xmppAddr admin@DOMAIN)
#   admin.p12 admin.p12.pass      the same as PKCS#12 (cert+key+CA), passphrase file
#   alice.*                       likewise for alice@DOMAIN
#   expired.crt expired.key       client cert for expired@DOMAIN, valid 2020-01..2020-02
#   noxmppaddr.crt noxmppaddr.key client cert (clientAuth) without any xmppAddr
# Keys, .pem, .p12 and .pass are 0600, certificates 0644.
set -euo pipefail

if [ $# -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
    echo "usage: $0 DIR DOMAIN" >&2
    exit 2
fi
dir=$1
domain=$2
out=$dir/certs

umask 077
mkdir -p "$out"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A unique CA name per run: a cert from another run can never chain to it.
tag=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')

cat >"$work/openssl.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:${domain}, DNS:*.${domain}, DNS:pubsub.${domain}, DNS:localhost, IP:127.0.0.1

[admin_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:admin@${domain}

[alice_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:alice@${domain}

[expired_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:expired@${domain}

[noxmppaddr_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# 'openssl ca' is only used for the expired certificate (explicit dates).
[ca]
default_ca = test_ca
[test_ca]
database = $work/index.txt
new_certs_dir = $work
certificate = $out/ca.crt
private_key = $out/ca.key
rand_serial = yes
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
[policy_any]
commonName = supplied
organizationName = optional
EOF
: >"$work/index.txt"
export OPENSSL_CONF="$work/openssl.cnf"   # never pick up the system defaults

ossl() {
    local log
    if ! log=$(openssl "$@" 2>&1); then
        echo "certs.sh: openssl $1 failed:" >&2
        echo "$log" >&2
        exit 1
    fi
}

newkey=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

# CA
ossl req -config "$work/openssl.cnf" -x509 "${newkey[@]}" -sha256 -days 30 \
    -subj "/O=XGB Test/CN=XGB Test CA $tag" -extensions ca_ext \
    -keyout "$out/ca.key" -out "$out/ca.crt"

# issue NAME SUBJECT EXTSECTION: key + CSR, then sign with the CA
issue() {
    local name=$1 subj=$2 ext=$3
    ossl req -config "$work/openssl.cnf" -new "${newkey[@]}" -subj "$subj" \
        -keyout "$out/$name.key" -out "$work/$name.csr"
    ossl x509 -req -in "$work/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
        -CAcreateserial -CAserial "$work/ca.srl" -sha256 -days 30 \
        -extfile "$work/openssl.cnf" -extensions "$ext" -out "$out/$name.crt"
}

issue server "/O=XGB Test/CN=$domain" server_ext
cat "$out/server.crt" "$out/ca.crt" "$out/server.key" >"$out/server.pem"

for user in admin alice; do
    issue "$user" "/O=XGB Test/CN=$user@$domain" "${user}_ext"
    od -An -N12 -tx1 /dev/urandom | tr -d ' \n' >"$out/$user.p12.pass"
    echo >>"$out/$user.p12.pass"
    ossl pkcs12 -export -in "$out/$user.crt" -inkey "$out/$user.key" \
        -certfile "$out/ca.crt" -name "$user@$domain" \
        -passout "file:$out/$user.p12.pass" -out "$out/$user.p12"
done

issue noxmppaddr "/O=XGB Test/CN=noxmppaddr@$domain" noxmppaddr_ext

# expired: valid January 2020 only
ossl req -config "$work/openssl.cnf" -new "${newkey[@]}" \
    -subj "/O=XGB Test/CN=expired@$domain" \
    -keyout "$out/expired.key" -out "$work/expired.csr"
ossl ca -config "$work/openssl.cnf" -batch -notext -extensions expired_ext \
    -startdate 20200101000000Z -enddate 20200201000000Z \
    -in "$work/expired.csr" -out "$out/expired.crt"

chmod 0600 "$out"/*.key "$out"/*.pem "$out"/*.p12 "$out"/*.pass
chmod 0644 "$out"/*.crt
chmod 0755 "$out"
