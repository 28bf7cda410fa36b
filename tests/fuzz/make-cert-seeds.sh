#!/bin/bash
# Makes the certificate seeds of the fuzz corpus (run once; the output is
# committed).  Test keys only: a CA, an admin's client certificate for
# admin@grid.test (xmppAddr, a local and a remote CRL distribution
# point, an OCSP responder), its key in clear and under the passphrase
# the targets use ("fuzz-pass"), PKCS#12 files (modern, legacy, without
# passphrase, with an iteration count of 1 so that the fuzzer runs
# fast), CRLs signed by the CA, and a second, RSA certificate.
#
# Usage: tests/fuzz/make-cert-seeds.sh   (from anywhere)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

pass=fuzz-pass

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = grid_ca
[ grid_ca ]
dir = .
database = index.txt
serial = serial
crlnumber = crlnumber
default_md = sha256
default_crl_days = 36500
policy = anything
certificate = ca.pem
private_key = ca.key
[ anything ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:admin@grid.test, otherName:1.3.6.1.5.5.7.8.5;UTF8:ops@grid.test
crlDistributionPoints = URI:file:///nonexistent/grid-ca.crl, URI:http://ca.grid.test/grid-ca.crl
authorityInfoAccess = OCSP;URI:http://ocsp.grid.test/
CNF
touch index.txt
echo 1000 > serial
echo 1000 > crlnumber

openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -new -x509 -key ca.key -subj "/CN=Grid Test CA" -days 36500 \
  -config ca.cnf -extensions v3_ca -out ca.pem

openssl ecparam -name prime256v1 -genkey -noout -out leaf.key
openssl req -new -key leaf.key -subj "/CN=Grid Admin" -out leaf.csr
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 4242 -days 36500 \
  -extfile ca.cnf -extensions v3_leaf -out leaf.pem

# A second certificate: RSA, no extensions, self-signed
openssl req -x509 -newkey rsa:1024 -nodes -keyout rsa.key -subj "/CN=consumer@grid.test" \
  -days 36500 -out rsa.pem 2>/dev/null

cert=$here/corpus/cert
crl=$here/corpus/crl
keystore=$here/corpus/keystore
data=$here/data
mkdir -p "$cert" "$crl" "$keystore" "$data"

cp leaf.pem "$cert/leaf-cert-only.pem"
cat leaf.pem leaf.key > "$cert/leaf-with-key.pem"
openssl pkey -in leaf.key -aes256 -passout pass:$pass -out leaf-enc.key
cat leaf.pem leaf-enc.key > "$cert/leaf-with-encrypted-key.pem"
cat leaf.pem leaf.key ca.pem > "$cert/leaf-key-chain.pem"
openssl x509 -in leaf.pem -outform DER -out "$cert/leaf.der"
openssl pkcs12 -export -in leaf.pem -inkey leaf.key -certfile ca.pem -passout pass:$pass \
  -iter 1 -out "$cert/leaf.p12"
openssl pkcs12 -export -in leaf.pem -inkey leaf.key -passout pass: -iter 1 -out "$cert/leaf-no-passphrase.p12"
openssl pkcs12 -export -legacy -in leaf.pem -inkey leaf.key -passout pass:$pass -iter 1 \
  -out "$cert/leaf-legacy.p12"
openssl pkcs12 -export -nokeys -in leaf.pem -passout pass:$pass -iter 1 -out "$cert/leaf-no-key.p12"
cp ca.pem "$cert/ca.pem"
cat rsa.pem rsa.key > "$cert/rsa-with-key.pem"

# CRLs of the CA: one that lists nothing, one that revokes the leaf
openssl ca -config ca.cnf -gencrl -out crl-empty.pem 2>/dev/null
openssl ca -config ca.cnf -revoke leaf.pem -crl_reason keyCompromise 2>/dev/null || \
  { openssl ca -config ca.cnf -ss_cert leaf.pem -batch >/dev/null 2>&1 || true; openssl ca -config ca.cnf -revoke leaf.pem 2>/dev/null; }
openssl ca -config ca.cnf -gencrl -out crl-revoked.pem 2>/dev/null
cp crl-empty.pem "$crl/crl-empty.pem"
cp crl-revoked.pem "$crl/crl-revoked.pem"
openssl crl -in crl-revoked.pem -outform DER -out "$crl/crl-revoked.der"
cp ca.pem "$crl/ca.pem"

# The keystore sees both
cp "$cert/leaf-with-key.pem" "$cert/leaf.p12" "$cert/leaf-legacy.p12" "$crl/crl-revoked.pem" "$keystore/"

# Fixed inputs of the CRL target
cat leaf.pem leaf.key > "$data/leaf-with-key.pem"
cp ca.pem "$data/ca.pem"
cp crl-empty.pem "$data/crl-empty.pem"

ls -l "$cert" "$crl" "$keystore" "$data"
