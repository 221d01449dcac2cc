# shellcheck shell=bash
# Sourced by tools/kafka-local: the test PKI of secure mode, made fresh by every
# `start --secure` in $DATA/tls.

# EC P-256 keys: generating one takes milliseconds (RSA-2048: ~0.4 s here).
# Kafka reads PEM directly (ssl.keystore.type=PEM: the unencrypted PKCS#8 key
# and the certificate chain in one file), so there is no keytool/JKS step.

TLS_LOG= TLS_CONF=
tls_run() { # openssl ARGS...: output to the log; on failure show it and stop
  openssl "$@" >>"$TLS_LOG" 2>&1 && return 0
  tail -n 20 "$TLS_LOG" >&2
  die "openssl $1 failed while making the test certificates (log: $TLS_LOG)"
}

write_openssl_conf() { # WORKDIR: extension profiles, plus the `openssl ca` setup
  local w=$1                                 # used only for the expired cert
  mkdir -p "$w/ca-db"
  : >"$w/ca-db/index.txt"
  openssl rand -hex 8 >"$w/ca-db/serial"
  cat >"$w/openssl.cnf" <<EOF
# Written by tools/kafka-local (secure mode).
[ca_ext]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[oauth_server_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
# 'openssl ca' (OpenSSL 3.0 has no 'x509 -not_before/-not_after'; 'ca' takes
# -startdate/-enddate) signs the expired certificate with the real CA.
[ca]
default_ca = test_ca
[test_ca]
database = $w/ca-db/index.txt
new_certs_dir = $w/ca-db
serial = $w/ca-db/serial
default_md = sha256
policy = any_name
unique_subject = no
[any_name]
commonName = supplied
EOF
}

tls_key() { tls_run genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; chmod 600 "$1"; }

tls_make_ca() { # PREFIX CN -> PREFIX.key PREFIX.crt (self-signed, 30 days)
  tls_key "$1.key"
  tls_run req -x509 -new -key "$1.key" -subj "/CN=$2" -days 30 \
    -config "$TLS_CONF" -extensions ca_ext -out "$1.crt"
}

tls_csr() { # PREFIX CN -> PREFIX.key PREFIX.csr
  tls_key "$1.key"
  tls_run req -new -key "$1.key" -subj "/CN=$2" -config "$TLS_CONF" -out "$1.csr"
}

tls_issue() { # PREFIX CN CA_PREFIX EXT_SECTION -> PREFIX.key PREFIX.crt (30 days)
  tls_csr "$1" "$2"
  tls_run x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 30 -extfile "$TLS_CONF" -extensions "$4" -out "$1.crt"
}

tls_issue_expired() { # PREFIX CA_PREFIX -> a localhost server cert valid only on 2020-01-01
  tls_csr "$1" localhost
  tls_run ca -batch -config "$TLS_CONF" -cert "$2.crt" -keyfile "$2.key" -in "$1.csr" \
    -startdate 20200101000000Z -enddate 20200102000000Z -extensions server_ext -notext -out "$1.crt"
}

tls_pem_keystore() { # PREFIX -> PREFIX.pem: key + certificate, as Kafka's PEM keystore reads it
  cat "$1.key" "$1.crt" >"$1.pem"  # (no CA in the chain: clients must have it themselves)
  chmod 600 "$1.pem"
}

make_tls_material() {
  local d
  d=$(tls_dir)
  mkdir -p "$d/openssl"
  TLS_LOG=$d/openssl/openssl.log
  TLS_CONF=$d/openssl/openssl.cnf
  write_openssl_conf "$d/openssl"
  tls_make_ca "$d/ca" "Sluice kafka-local test CA"
  tls_make_ca "$d/untrusted-ca" "Sluice kafka-local untrusted CA"
  tls_issue "$d/broker" localhost "$d/ca" server_ext
  tls_issue "$d/client" "$CLIENT_CN" "$d/ca" client_ext
  # the OAuth token server's https listener (oauth.sh): reached as 127.0.0.1 or localhost
  tls_issue "$d/oauth-server" localhost "$d/ca" oauth_server_ext
  tls_issue "$d/untrusted-broker" localhost "$d/untrusted-ca" server_ext
  tls_issue_expired "$d/expired-broker" "$d/ca"
  # the same client key, encrypted (PKCS#8, PBES2 + AES-256-CBC)
  tls_run pkcs8 -topk8 -v2 aes-256-cbc -in "$d/client.key" -out "$d/client-encrypted.key" \
    -passout "pass:$CLIENT_KEY_PASSWORD"
  tls_pem_keystore "$d/broker"
  tls_pem_keystore "$d/untrusted-broker"
  tls_pem_keystore "$d/expired-broker"
  mv "$d"/*.csr "$d/openssl/"
}
