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
#   future.crt future.key         client cert for admin@DOMAIN, valid only from 2099 on
#   admin-enc.key                 admin.key encrypted (PKCS#8) with admin.p12.pass
#   ca.crl                        CRL of the test CA (PEM, 30 days): revokes
#                                 revoked.crt and revoked-dp.crt
#   revoked.crt revoked.key       client cert for admin@DOMAIN, revoked, no CRL
#                                 distribution point (check it with ca.crl)
#   revoked-dp.crt revoked-dp.key likewise, CRL distribution point file://DIR/certs/ca.crl
#   crldp.crt crldp.key           client cert for admin@DOMAIN, not revoked, CRL
#                                 distribution point file://DIR/certs/ca.crl and an
#                                 OCSP responder http://ocsp.DOMAIN/ (never answers)
#   other-ca.crt other-ca.key     a second CA, unknown to the servers
#   admin-other-ca.crt .key       client cert for admin@DOMAIN from that other CA
# Keys, .pem, .p12 and .pass are 0600, certificates and the CRL 0644.
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

# Where the CRL lives, as a file: URI (percent-encoded where needed).
crl_path=$(cd "$out" && pwd)/ca.crl
uri_path=
for ((i = 0; i < ${#crl_path}; i++)); do
    c=${crl_path:i:1}
    case $c in
        [A-Za-z0-9._~/-]) uri_path+=$c ;;
        *) uri_path+=$(printf '%%%02X' "'$c") ;;
    esac
done
crl_uri=file://$uri_path

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

[revoked_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:admin@${domain}

[revoked_dp_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:admin@${domain}
crlDistributionPoints = URI:${crl_uri}

[crldp_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:admin@${domain}
crlDistributionPoints = URI:${crl_uri}
authorityInfoAccess = OCSP;URI:http://ocsp.${domain}/

[crl_ext]
authorityKeyIdentifier = keyid

[noxmppaddr_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# 'openssl ca' is used for the certificates it must know: the expired one
# (explicit dates), the revoked ones and the CRL.
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
default_crl_days = 30
crl_extensions = crl_ext
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

# not yet valid: from 2099 on
ossl req -config "$work/openssl.cnf" -new "${newkey[@]}" \
    -subj "/O=XGB Test/CN=future admin@$domain" \
    -keyout "$out/future.key" -out "$work/future.csr"
ossl ca -config "$work/openssl.cnf" -batch -notext -extensions admin_ext \
    -startdate 20990101000000Z -enddate 20991231000000Z \
    -in "$work/future.csr" -out "$out/future.crt"

# admin.key encrypted with the PKCS#12 passphrase
ossl pkcs8 -topk8 -v2 aes-256-cbc -in "$out/admin.key" \
    -passout "file:$out/admin.p12.pass" -out "$out/admin-enc.key"

# signed by the CA's database: revoked, revoked-dp (both revoked), crldp (good)
for name in revoked revoked-dp crldp; do
    ossl req -config "$work/openssl.cnf" -new "${newkey[@]}" \
        -subj "/O=XGB Test/CN=$name admin@$domain" \
        -keyout "$out/$name.key" -out "$work/$name.csr"
    ossl ca -config "$work/openssl.cnf" -batch -notext -days 30 \
        -extensions "${name//-/_}_ext" -in "$work/$name.csr" -out "$out/$name.crt"
done
ossl ca -config "$work/openssl.cnf" -batch -revoke "$out/revoked.crt" -crl_reason keyCompromise
ossl ca -config "$work/openssl.cnf" -batch -revoke "$out/revoked-dp.crt" -crl_reason keyCompromise
ossl ca -config "$work/openssl.cnf" -batch -gencrl -out "$out/ca.crl"

# another CA, and a client cert for admin@DOMAIN that it signed
ossl req -config "$work/openssl.cnf" -x509 "${newkey[@]}" -sha256 -days 30 \
    -subj "/O=XGB Other/CN=XGB Other CA $tag" -extensions ca_ext \
    -keyout "$out/other-ca.key" -out "$out/other-ca.crt"
ossl req -config "$work/openssl.cnf" -new "${newkey[@]}" -subj "/O=XGB Other/CN=admin@$domain" \
    -keyout "$out/admin-other-ca.key" -out "$work/admin-other-ca.csr"
ossl x509 -req -in "$work/admin-other-ca.csr" -CA "$out/other-ca.crt" -CAkey "$out/other-ca.key" \
    -CAcreateserial -CAserial "$work/other-ca.srl" -sha256 -days 30 \
    -extfile "$work/openssl.cnf" -extensions admin_ext -out "$out/admin-other-ca.crt"

chmod 0600 "$out"/*.key "$out"/*.pem "$out"/*.p12 "$out"/*.pass
chmod 0644 "$out"/*.crt "$out"/*.crl
chmod 0755 "$out"
