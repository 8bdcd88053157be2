#!/bin/bash
# mkchain.sh DIR [N] - a certificate chain of N certificates (default 20) for fakesrv's tlschain
# scenario, made with the openssl CLI (EC P-256 keys, valid for 30 days):
#   DIR/root.pem    the self-signed root (trust anchor for --ca-file)
#   DIR/chain.pem   leaf first, then the N-2 intermediates, then the root: N certificates
#   DIR/key.pem     the leaf's private key
# The leaf is for fakesrv.test, with subjectAltName DNS:fakesrv.test and IP:127.0.0.1.
# Prints nothing on success; on failure the openssl output and a non-zero exit status.
set -u

dir=${1:?usage: mkchain.sh DIR [N]}
n=${2:-20}
[ "$n" -ge 2 ] || { echo "mkchain.sh: N must be at least 2" >&2; exit 2; }
command -v openssl >/dev/null 2>&1 || { echo "mkchain.sh: openssl not found" >&2; exit 2; }
mkdir -p "$dir/work" || exit 1
w=$dir/work
log=$w/openssl.log
: >"$log"

ossl() {
	openssl "$@" >>"$log" 2>&1 || { echo "mkchain.sh: openssl $1 failed:" >&2; cat "$log" >&2; exit 1; }
}

printf '[ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n'\
'subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n'\
'[leaf]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n'\
'extendedKeyUsage = serverAuth\nsubjectAltName = DNS:fakesrv.test, IP:127.0.0.1\n'\
'subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n' >"$w/ext.cnf"

# certificate 0 is the root, n-1 the leaf
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$w/k0.pem"
ossl req -x509 -new -key "$w/k0.pem" -subj "/O=mailprobe tests/CN=fakesrv root CA" -days 30 \
	-sha256 -set_serial 1 -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$w/c0.pem"
for ((i = 1; i < n; i++)); do
	if ((i == n - 1)); then
		subj="/O=mailprobe tests/CN=fakesrv.test"
		ext=leaf
	else
		subj="/O=mailprobe tests/CN=fakesrv intermediate CA $i"
		ext=ca
	fi
	ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$w/k$i.pem"
	ossl req -new -key "$w/k$i.pem" -subj "$subj" -out "$w/r$i.csr"
	ossl x509 -req -in "$w/r$i.csr" -CA "$w/c$((i - 1)).pem" -CAkey "$w/k$((i - 1)).pem" \
		-set_serial $((i + 1)) -days 30 -sha256 -extfile "$w/ext.cnf" -extensions "$ext" \
		-out "$w/c$i.pem"
done

cp "$w/c0.pem" "$dir/root.pem" || exit 1
cp "$w/k$((n - 1)).pem" "$dir/key.pem" || exit 1
: >"$dir/chain.pem"
for ((i = n - 1; i >= 0; i--)); do
	cat "$w/c$i.pem" >>"$dir/chain.pem" || exit 1
done
rm -rf "$w"
exit 0
