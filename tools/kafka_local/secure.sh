# shellcheck shell=bash
# Sourced by tools/kafka-local: secure mode (`start --secure`) apart from the certificates
# (tls.sh) and OAuth (oauth.sh): listeners, SASL users (PLAIN, SCRAM), ACLs,
# the readiness probes of the secure listeners and secure-info.

# `start --secure` gives every broker i eight listeners next to PLAINTEXT, which
# stays the listener for inter-broker traffic and for this script's readiness
# checks and topic creation (its principal, User:ANONYMOUS, is a super user,
# like the brokers' on the controller's PLAINTEXT listener; the ACLs go in over
# SASL_SSL, see acl_cmd):
#   SSL            BASE+10+i  TLS, server authentication only
#   SASL_PLAINTEXT BASE+20+i  SASL PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512, no TLS
#   SASL_SSL       BASE+30+i  the same SASL mechanisms over TLS
#   MTLS           BASE+40+i  TLS with ssl.client.auth=required
#   UNTRUSTED      BASE+50+i  TLS with a certificate from a CA clients are not given
#   EXPIRED        BASE+60+i  TLS with a certificate (from the real CA) that expired in 2020
#   OAUTH          BASE+70+i  SASL OAUTHBEARER only, no TLS (tokens: oauth.sh)
#   OAUTH_SSL      BASE+80+i  SASL OAUTHBEARER only, over TLS
# They bind 127.0.0.1 and are advertised as localhost, the only name in the
# certificates (SAN DNS:localhost).
SECURE_LISTENERS="SSL SASL_PLAINTEXT SASL_SSL MTLS UNTRUSTED EXPIRED OAUTH OAUTH_SSL"
SASL_MECHANISMS=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
SECURE_USERS="admin alice bob"        # each user's password is "<user>-secret"
SUPER_USERS="User:ANONYMOUS;User:admin"
CLIENT_CN=sluice-client               # mTLS principal: User:sluice-client
CLIENT_KEY_PASSWORD=client-key-secret # of tls/client-encrypted.key
TOPIC_ALLOWED=secure-allowed
TOPIC_DENIED=secure-denied
SECURE_TOPIC_PARTITIONS=3
REAUTH_MS=${SLUICE_KAFKA_REAUTH_MS:-10000}

secure_offset() {
  case $1 in
    SSL) echo 10 ;; SASL_PLAINTEXT) echo 20 ;; SASL_SSL) echo 30 ;;
    MTLS) echo 40 ;; UNTRUSTED) echo 50 ;; EXPIRED) echo 60 ;;
    OAUTH) echo 70 ;; OAUTH_SSL) echo 80 ;;
    *) die "internal error: unknown listener $1" ;;
  esac
}
secure_port() { echo $((BASE + $(secure_offset "$1") + $2)); } # LISTENER BROKER_ID
secure_protocol() {
  case $1 in SASL_PLAINTEXT|SASL_SSL) echo "$1" ;; OAUTH) echo SASL_PLAINTEXT ;; OAUTH_SSL) echo SASL_SSL ;;
    *) echo SSL ;; esac
}
lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
user_password() { printf '%s-secret' "$1"; }
tls_dir() { printf '%s/tls' "$DATA"; }

secure_bootstrap() { # LISTENER: its localhost:port list over all brokers
  local i out=
  for ((i = 1; i <= BROKERS; i++)); do out+=${out:+,}localhost:$(secure_port "$1" "$i"); done
  printf '%s' "$out"
}

check_secure_tools() {
  command -v openssl >/dev/null 2>&1 \
    || die "--secure needs the openssl command (Debian package openssl) to make the test certificates"
  command -v kcat >/dev/null 2>&1 \
    || die "--secure needs kcat (Debian package kcat, see tools/setup) to check the SASL listeners"
}

# --- configs

secure_controller_config() {
  cat <<EOF

# ---- secure mode (start --secure). Brokers reach the controller over
# PLAINTEXT as User:ANONYMOUS, which must therefore be a super user.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=$SUPER_USERS
EOF
}

secure_broker_config() {
  local tls l lc u plain_jaas scram_jaas
  tls=$(tls_dir)
  plain_jaas='org.apache.kafka.common.security.plain.PlainLoginModule required'
  for u in $SECURE_USERS; do plain_jaas+=" user_$u=\"$(user_password "$u")\""; done
  plain_jaas+=';'
  scram_jaas='org.apache.kafka.common.security.scram.ScramLoginModule required;'
  cat <<EOF

# ---- secure mode (start --secure), see docs/KAFKA-LOCAL-SECURE.md.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
# User:ANONYMOUS = PLAINTEXT clients: inter-broker traffic, the script's admin calls.
super.users=$SUPER_USERS
allow.everyone.if.no.acl.found=false
# TLS defaults for every TLS listener (PEM files, no keytool)...
ssl.keystore.type=PEM
ssl.keystore.location=$tls/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.crt
ssl.client.auth=none
# mTLS principal = the certificate's CN (User:$CLIENT_CN) instead of the whole DN.
ssl.principal.mapping.rules=RULE:^CN=([a-zA-Z0-9._-]+)\$/\$1/,DEFAULT
# ...and the per-listener exceptions.
listener.name.mtls.ssl.client.auth=required
listener.name.untrusted.ssl.keystore.location=$tls/untrusted-broker.pem
listener.name.expired.ssl.keystore.location=$tls/expired-broker.pem
sasl.enabled.mechanisms=$SASL_MECHANISMS
EOF
  for l in SASL_PLAINTEXT SASL_SSL; do
    lc=$(lower "$l")
    cat <<EOF
listener.name.$lc.plain.sasl.jaas.config=$plain_jaas
listener.name.$lc.scram-sha-256.sasl.jaas.config=$scram_jaas
listener.name.$lc.scram-sha-512.sasl.jaas.config=$scram_jaas
# KIP-368: sessions last at most this long; the client must re-authenticate.
listener.name.$lc.connections.max.reauth.ms=$REAUTH_MS
EOF
  done
  oauth_broker_config
}

# SCRAM credentials go into the controller's bootstrap metadata at format time,
# so they exist before any broker serves (no race with a later kafka-configs).
scram_format_args() {
  local u m
  for u in $SECURE_USERS; do
    for m in SCRAM-SHA-256 SCRAM-SHA-512; do
      printf -- '--add-scram\0%s=[name=%s,password=%s]\0' "$m" "$u" "$(user_password "$u")"
    done
  done
}

# --- topics and ACLs

# A Java client config for User:admin over SASL_SSL + SCRAM-SHA-512 (also
# listed by secure-info, for Kafka's own tools against the secure listeners).
write_admin_scram_config() {
  cat >"$DATA/admin-sasl-ssl.properties" <<EOF
# Written by tools/kafka-local: User:admin (a super user), SASL_SSL + SCRAM-SHA-512.
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(user_password admin)";
ssl.truststore.type=PEM
ssl.truststore.location=$(tls_dir)/ca.crt
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

# The ACLs go in through SASL_SSL as User:admin with SCRAM-SHA-512: this is
# also start's check that SCRAM works, done by Kafka's own Java client (kcat
# cannot do SCRAM against Kafka 4.x, see docs/KAFKA-LOCAL-SECURE.md).
acl_cmd() {
  admin "$KV_ACL_CLASS" --bootstrap-server "$(secure_bootstrap SASL_SSL)" \
    --command-config "$DATA/admin-sasl-ssl.properties" "$@"
}

# Both topics (through PLAINTEXT) and the ACLs: four admin JVMs, in parallel.
#   alice, sluice-client: --producer --idempotent on secure-allowed = Write,
#     Describe, Create on the topic and IdempotentWrite on the cluster.
#   bob: Describe on secure-allowed only. No Write on any topic matters: since
#     KIP-679, Write on any topic also allows InitProducerId, so bob would not
#     see CLUSTER_AUTHORIZATION_FAILED if he had it.
#   Nobody but the super users has anything on secure-denied.
secure_create_topics_and_acls() {
  local r=$((BROKERS < 3 ? BROKERS : 3)) d=$DATA/secure-admin k rc=0
  local -a pids=() logs=()
  mkdir -p "$d"
  topic_cmd --create --if-not-exists --topic "$TOPIC_ALLOWED" --partitions "$SECURE_TOPIC_PARTITIONS" \
    --replication-factor "$r" >"$d/topic-$TOPIC_ALLOWED.log" 2>&1 &
  pids+=($!); logs+=("$d/topic-$TOPIC_ALLOWED.log")
  topic_cmd --create --if-not-exists --topic "$TOPIC_DENIED" --partitions "$SECURE_TOPIC_PARTITIONS" \
    --replication-factor "$r" >"$d/topic-$TOPIC_DENIED.log" 2>&1 &
  pids+=($!); logs+=("$d/topic-$TOPIC_DENIED.log")
  acl_cmd --add --allow-principal User:alice --allow-principal "User:$CLIENT_CN" \
    --allow-principal "User:$OAUTH_CLIENT" --allow-principal "User:$OAUTH_SHORT_CLIENT" \
    --producer --idempotent --topic "$TOPIC_ALLOWED" >"$d/acl-producers.log" 2>&1 &
  pids+=($!); logs+=("$d/acl-producers.log")
  acl_cmd --add --allow-principal User:bob --operation Describe --topic "$TOPIC_ALLOWED" \
    >"$d/acl-bob.log" 2>&1 &
  pids+=($!); logs+=("$d/acl-bob.log")
  for k in "${!pids[@]}"; do
    if ! wait "${pids[$k]}"; then
      say "admin command failed (log ${logs[$k]}):"
      tail -n 20 "${logs[$k]}" >&2
      rc=1
    fi
  done
  return $rc
}

# --- readiness of the secure listeners

# Probe helpers: 0 if the output has WANT (and none of the NOT words), else 1;
# the output of a failed probe is kept in $DATA/last-secure-probe.out.
probe_result() { # WHAT OUTPUT WANT [MUST_NOT_HAVE]
  if [[ $2 == *"$3"* ]] && { [ -z "${4:-}" ] || [[ $2 != *"$4"* ]]; }; then return 0; fi
  printf '%s: wanted "%s"%s, got:\n%s\n' "$1" "$3" "${4:+ without \"$4\"}" "$2" \
    >"$DATA/last-secure-probe.out"
  return 1
}

probe_tls() { # PORT WANT [s_client ARGS]: one handshake, as a client would do it
  local port=$1 want=$2 err=$DATA/s_client.err out; shift 2
  # stderr apart: s_client writes "DONE" there, which can land mid-line in stdout
  out=$(timeout 10 openssl s_client -connect "localhost:$port" -servername localhost \
          -verify_hostname localhost "$@" </dev/null 2>"$err"; sed 's/^/(stderr) /' "$err")
  probe_result "openssl s_client localhost:$port $*" "$out" "$want"
}

# kcat logs in with PLAIN: librdkafka 2.0.2's SCRAM repeats the client nonce in
# its client-final-message, which Kafka 4.x rejects (SCRAM is checked by acl_cmd).
probe_sasl_plain() { # PROTOCOL PORT: log in as admin, then a Metadata request
  local out
  local -a tls=()
  [ "$1" = SASL_SSL ] && tls=(-X "ssl.ca.location=$(tls_dir)/ca.crt")
  out=$(timeout 15 kcat -L -b "localhost:$2" -t _sluice_ready -m 5 -X "security.protocol=$1" \
          -X sasl.mechanisms=PLAIN -X sasl.username=admin -X "sasl.password=$(user_password admin)" \
          "${tls[@]}" </dev/null 2>&1) || out+=$'\n(kcat failed)'
  probe_result "kcat -L $1 PLAIN localhost:$2" "$out" ' brokers:' '(kcat failed)'
}

# One probe of listener LISTENER on broker ID (no waiting): does it serve what
# it is meant to serve?
secure_listener_ok() { # LISTENER ID
  local port tls ok='Verify return code: 0 (ok)'
  port=$(secure_port "$1" "$2")
  tls=$(tls_dir)
  case $1 in
    SSL) probe_tls "$port" "$ok" -CAfile "$tls/ca.crt" ;;
    SASL_SSL) probe_tls "$port" "$ok" -CAfile "$tls/ca.crt" && probe_sasl_plain SASL_SSL "$port" ;;
    SASL_PLAINTEXT) probe_sasl_plain SASL_PLAINTEXT "$port" ;;
    # the server must also ask for a client certificate
    MTLS) probe_tls "$port" "$ok" -CAfile "$tls/ca.crt" -cert "$tls/client.crt" -key "$tls/client.key" \
            && probe_tls "$port" 'Acceptable client certificate CA names' -CAfile "$tls/ca.crt" ;;
    # serves the untrusted CA's certificate: verifies with that CA only
    UNTRUSTED) probe_tls "$port" "$ok" -CAfile "$tls/untrusted-ca.crt" ;;
    EXPIRED) probe_tls "$port" 'Verify return code: 10 (certificate has expired)' -CAfile "$tls/ca.crt" ;;
    # (a login is tested by test/security/oauth-check: kcat's librdkafka has no OIDC)
    OAUTH) port_listening "$port" ;;
    OAUTH_SSL) probe_tls "$port" "$ok" -CAfile "$tls/ca.crt" ;;
  esac
}

# Poll every secure listener of every broker until each passes its probe.
wait_secure_listeners() { # DEADLINE (epoch s)
  local id l pending
  while :; do
    pending=
    for id in $(all_nodes); do
      node_pid "$id" >/dev/null || abort_start "$id" "node $id ($(node_role "$id")) exited during startup"
      [ "$id" = "$CONTROLLER_ID" ] && continue
      for l in $SECURE_LISTENERS; do
        secure_listener_ok "$l" "$id" || pending+=" $l@$id"
      done
    done
    [ -z "$pending" ] && return 0
    if [ "$(now)" -ge "$1" ]; then
      cat "$DATA/last-secure-probe.out" >&2
      abort_start "$(all_nodes | grep -vx "$CONTROLLER_ID" | tr '\n' ' ')" \
        "secure listener(s)$pending not serving as expected within ${TIMEOUT}s"
    fi
    sleep 0.5
  done
}

# The key=value listing printed by `secure-info`.
write_secure_info() {
  local tls l u
  tls=$(tls_dir)
  {
    echo "base=$BASE"
    echo "brokers=$BROKERS"
    echo "kafka.version=$KAFKA_VERSION"
    echo "bootstrap.plaintext=$(bootstrap_list)"
    for l in $SECURE_LISTENERS; do echo "bootstrap.$(lower "$l")=$(secure_bootstrap "$l")"; done
    echo "sasl.mechanisms=$SASL_MECHANISMS"
    echo "sasl.reauth.ms=$REAUTH_MS"
    echo "ca.file=$tls/ca.crt"
    echo "client.cert.file=$tls/client.crt"
    echo "client.key.file=$tls/client.key"
    echo "client.key.encrypted.file=$tls/client-encrypted.key"
    echo "client.key.password=$CLIENT_KEY_PASSWORD"
    echo "client.principal=User:$CLIENT_CN"
    echo "untrusted.ca.file=$tls/untrusted-ca.crt"
    echo "expired.cert.file=$tls/expired-broker.crt"
    echo "super.users=$SUPER_USERS"
    echo "java.admin.config=$DATA/admin-sasl-ssl.properties"
    for u in $SECURE_USERS; do echo "user.$u.password=$(user_password "$u")"; done
    echo "topic.allowed=$TOPIC_ALLOWED"
    echo "topic.denied=$TOPIC_DENIED"
    oauth_secure_info
  } >"$DATA/secure-info"
}
