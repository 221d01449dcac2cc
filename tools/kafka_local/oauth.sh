# shellcheck shell=bash
# Sourced by tools/kafka-local: SASL/OAUTHBEARER of `start --secure` (KIP-768).
# A token server (oauth_server.py beside this file: OIDC client-credentials
# token endpoint + JWKS, on http://127.0.0.1:BASE+90, and the same over https
# on BASE+91 with a certificate of the test CA, tls.sh) is started before the brokers,
# because a broker's OAuthBearerValidatorCallbackHandler fetches the JWKS when
# it starts (and refuses to start without it on Kafka 4.x). Two listeners
# accept OAUTHBEARER only (see secure_offset): OAUTH (SASL_PLAINTEXT) and
# OAUTH_SSL (SASL_SSL). Java clients and brokers of Kafka >= 3.9.1 reach a URL
# only if it is in the JVM system property
# org.apache.kafka.sasl.oauthbearer.allowed.urls (empty by default on 4.x).

OAUTH_PORT_OFFSET=90
OAUTH_HTTPS_PORT_OFFSET=91   # the highest port of a secure base
OAUTH_AUDIENCE=kafka-local
OAUTH_CLIENT=sluice-oauth-client            # the normal client
OAUTH_SHORT_CLIENT=sluice-oauth-short       # short-lived tokens (refresh tests)
OAUTH_EXPIRED_CLIENT=sluice-oauth-expired   # every token already expired (negative tests)
OAUTH_SCOPES="kafka kafka.produce"          # allowed scopes; the first is the default
OAUTH_LIFETIME_S=${SLUICE_KAFKA_OAUTH_LIFETIME_S:-3600}
OAUTH_SHORT_LIFETIME_S=${SLUICE_KAFKA_OAUTH_SHORT_LIFETIME_S:-20}
OAUTH_SERVER_PY=$(dirname "${BASH_SOURCE[0]}")/oauth_server.py

oauth_dir() { printf '%s/oauth' "$DATA"; }
oauth_port() { echo $((BASE + OAUTH_PORT_OFFSET)); }
oauth_url() { printf 'http://127.0.0.1:%s' "$(oauth_port)"; }
oauth_token_url() { printf '%s/token' "$(oauth_url)"; }
oauth_https_port() { echo $((BASE + OAUTH_HTTPS_PORT_OFFSET)); }
oauth_https_token_url() { printf 'https://127.0.0.1:%s/token' "$(oauth_https_port)"; }
oauth_jwks_url() { printf '%s/jwks' "$(oauth_url)"; }
oauth_secret() { printf '%s-secret' "$1"; } # CLIENT_ID
oauth_allowed_urls() { printf '%s,%s,%s' "$(oauth_token_url)" "$(oauth_jwks_url)" "$(oauth_https_token_url)"; }
# For every JVM of a secure cluster (brokers fetch the JWKS, clients the token).
oauth_jvm_opt() { printf -- '-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=%s' "$(oauth_allowed_urls)"; }

oauth_check_settings() {
  is_uint "$OAUTH_LIFETIME_S" && [ "$OAUTH_LIFETIME_S" -ge 1 ] \
    || die "SLUICE_KAFKA_OAUTH_LIFETIME_S must be a positive integer (seconds), got '$OAUTH_LIFETIME_S'"
  is_uint "$OAUTH_SHORT_LIFETIME_S" && [ "$OAUTH_SHORT_LIFETIME_S" -ge 1 ] \
    || die "SLUICE_KAFKA_OAUTH_SHORT_LIFETIME_S must be a positive integer (seconds), got '$OAUTH_SHORT_LIFETIME_S'"
  command -v python3 >/dev/null 2>&1 \
    || die "--secure needs python3 (Debian package python3, see tools/setup) for the OAuth token server"
}

# The signing key (RSA-2048: Kafka's validator accepts RS256 by default) and
# the clients, made fresh by every `start --secure`; `oauth start` reuses them.
oauth_make_material() {
  local d scopes
  d=$(oauth_dir)
  mkdir -p "$d"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/signing.key" 2>"$d/openssl.log" \
    || { cat "$d/openssl.log" >&2; die "openssl could not make the OAuth signing key (log: $d/openssl.log)"; }
  chmod 600 "$d/signing.key"
  scopes=$(printf '"%s",' $OAUTH_SCOPES)
  scopes=[${scopes%,}]
  cat >"$d/clients.json" <<EOF
{
  "$OAUTH_CLIENT": {"secret": "$(oauth_secret "$OAUTH_CLIENT")", "lifetime_s": $OAUTH_LIFETIME_S,
    "scopes": $scopes, "default_scope": "${OAUTH_SCOPES%% *}"},
  "$OAUTH_SHORT_CLIENT": {"secret": "$(oauth_secret "$OAUTH_SHORT_CLIENT")", "lifetime_s": $OAUTH_SHORT_LIFETIME_S,
    "scopes": $scopes, "default_scope": "${OAUTH_SCOPES%% *}"},
  "$OAUTH_EXPIRED_CLIENT": {"secret": "$(oauth_secret "$OAUTH_EXPIRED_CLIENT")", "lifetime_s": 60,
    "scopes": $scopes, "default_scope": "${OAUTH_SCOPES%% *}", "expired": true}
}
EOF
  chmod 600 "$d/clients.json"
}

# PID of this base's token server if it runs (checked like node_pid).
oauth_server_pid() {
  local pid a script= key=
  local -a argv=()
  pid=$(cat "$(oauth_dir)/pid" 2>/dev/null) || return 1
  is_uint "$pid" || return 1
  { mapfile -d '' -t argv <"/proc/$pid/cmdline"; } 2>/dev/null || return 1
  for a in "${argv[@]}"; do
    [[ $a == */oauth_server.py ]] && script=1
    [ "$a" = "$(oauth_dir)/signing.key" ] && key=1
  done
  [ -n "$script" ] && [ -n "$key" ] || return 1
  printf '%s' "$pid"
}

oauth_server_start() {
  local d port https_port pid t=0
  d=$(oauth_dir) port=$(oauth_port) https_port=$(oauth_https_port)
  [ -f "$d/signing.key" ] || die "no OAuth signing key in $d: was the cluster started with --secure?"
  [ -f "$(tls_dir)/oauth-server.crt" ] || die "no certificate for the token server's https listener in $(tls_dir)"
  if pid=$(oauth_server_pid); then say "the OAuth token server already runs (pid $pid)"; return 0; fi
  port_in_use "$port" && die "port $port (the OAuth token server) is already in use on this machine; pick another base"
  port_in_use "$https_port" \
    && die "port $https_port (the OAuth token server's https) is already in use on this machine; pick another base"
  spawn_detached "$d/pid" "$d/server.log" python3 "$OAUTH_SERVER_PY" serve --port "$port" \
    --key "$d/signing.key" --clients "$d/clients.json" --issuer "$(oauth_url)" --audience "$OAUTH_AUDIENCE" \
    --https-port "$https_port" --cert "$(tls_dir)/oauth-server.crt" --cert-key "$(tls_dir)/oauth-server.key"
  # ready once both listen (the keys are read before the sockets are bound)
  while ! port_listening "$port" || ! port_listening "$https_port"; do
    if ! oauth_server_pid >/dev/null && [ $t -gt 20 ]; then
      tail -n 20 "$d/server.log" >&2; die "the OAuth token server exited at start (log: $d/server.log)"
    fi
    [ $t -ge 200 ] && { tail -n 20 "$d/server.log" >&2; die "the OAuth token server is not listening on $port and $https_port after 10 s"; }
    sleep 0.05; t=$((t + 1))
  done
}

oauth_server_stop() {
  local pid t=0
  pid=$(oauth_server_pid) || return 0
  say "stopping the OAuth token server (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while oauth_server_pid >/dev/null && [ $t -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
  if pid=$(oauth_server_pid); then kill -KILL "$pid" 2>/dev/null || true; fi
}

oauth_listener_config() { # LISTENER (lower case): the OAUTHBEARER-only listener's settings
  cat <<EOF
listener.name.$1.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.$1.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;
listener.name.$1.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler
listener.name.$1.connections.max.reauth.ms=$REAUTH_MS
EOF
}

oauth_broker_config() {
  cat <<EOF
# OAUTHBEARER: tokens from the token server at $(oauth_url), checked against its JWKS.
sasl.oauthbearer.jwks.endpoint.url=$(oauth_jwks_url)
sasl.oauthbearer.expected.issuer=$(oauth_url)
sasl.oauthbearer.expected.audience=$OAUTH_AUDIENCE
EOF
  oauth_listener_config oauth
  oauth_listener_config oauth_ssl
}

# A Java client config for OAUTH (SASL_PLAINTEXT) with Kafka's own OIDC login
# (client-credentials grant); run the JVM with $(oauth_jvm_opt).
write_oauth_client_config() {
  cat >"$DATA/oauth-client.properties" <<EOF
# Written by tools/kafka-local: $OAUTH_CLIENT over OAUTH (SASL_PLAINTEXT), OIDC client credentials.
# The JVM needs $(oauth_jvm_opt)
security.protocol=SASL_PLAINTEXT
sasl.mechanism=OAUTHBEARER
sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler
sasl.oauthbearer.token.endpoint.url=$(oauth_token_url)
sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="$OAUTH_CLIENT" clientSecret="$(oauth_secret "$OAUTH_CLIENT")" scope="${OAUTH_SCOPES%% *}";
EOF
}

oauth_secure_info() { # lines of secure-info
  local c
  echo "oauth.token.url=$(oauth_token_url)"
  echo "oauth.https.token.url=$(oauth_https_token_url)"
  echo "oauth.jwks.url=$(oauth_jwks_url)"
  echo "oauth.issuer=$(oauth_url)"
  echo "oauth.audience=$OAUTH_AUDIENCE"
  echo "oauth.scopes=$OAUTH_SCOPES"
  echo "oauth.scope=${OAUTH_SCOPES%% *}"
  echo "oauth.allowed.urls=$(oauth_allowed_urls)"
  echo "oauth.client.id=$OAUTH_CLIENT"
  echo "oauth.client.secret=$(oauth_secret "$OAUTH_CLIENT")"
  echo "oauth.lifetime.s=$OAUTH_LIFETIME_S"
  echo "oauth.principal=User:$OAUTH_CLIENT"
  echo "oauth.short.client.id=$OAUTH_SHORT_CLIENT"
  echo "oauth.short.client.secret=$(oauth_secret "$OAUTH_SHORT_CLIENT")"
  echo "oauth.short.lifetime.s=$OAUTH_SHORT_LIFETIME_S"
  echo "oauth.expired.client.id=$OAUTH_EXPIRED_CLIENT"
  echo "oauth.expired.client.secret=$(oauth_secret "$OAUTH_EXPIRED_CLIENT")"
  echo "java.oauth.config=$DATA/oauth-client.properties"
}

cmd_oauth() {
  local action=${1:-} sq client=$OAUTH_CLIENT scope=
  [ -n "$action" ] || die "usage: $PROG oauth env|token|start|stop|status"
  shift
  load_cluster || die "no cluster for base $BASE (no $DATA/cluster.env)"
  [ -n "$SECURE" ] || die "the cluster of base $BASE was not started with --secure (the OAuth token server comes with it)"
  case $action in
    env)
      [ $# -eq 0 ] || die "oauth env takes no arguments"
      for sq in "SLUICE_OAUTH_TOKEN_URL=$(oauth_token_url)" "SLUICE_OAUTH_JWKS_URL=$(oauth_jwks_url)" \
          "SLUICE_OAUTH_HTTPS_TOKEN_URL=$(oauth_https_token_url)" \
          "SLUICE_OAUTH_CLIENT_ID=$OAUTH_CLIENT" "SLUICE_OAUTH_CLIENT_SECRET=$(oauth_secret "$OAUTH_CLIENT")" \
          "SLUICE_OAUTH_SCOPE=${OAUTH_SCOPES%% *}" "SLUICE_OAUTH_BOOTSTRAP=$(secure_bootstrap OAUTH)" \
          "SLUICE_OAUTH_SSL_BOOTSTRAP=$(secure_bootstrap OAUTH_SSL)" "SLUICE_OAUTH_CA_FILE=$(tls_dir)/ca.crt" \
          "SLUICE_OAUTH_UNTRUSTED_CA_FILE=$(tls_dir)/untrusted-ca.crt" \
          "SLUICE_OAUTH_SHORT_CLIENT_ID=$OAUTH_SHORT_CLIENT" "SLUICE_OAUTH_SHORT_CLIENT_SECRET=$(oauth_secret "$OAUTH_SHORT_CLIENT")" \
          "SLUICE_OAUTH_EXPIRED_CLIENT_ID=$OAUTH_EXPIRED_CLIENT" \
          "SLUICE_OAUTH_EXPIRED_CLIENT_SECRET=$(oauth_secret "$OAUTH_EXPIRED_CLIENT")"; do
        printf 'export %s=%q\n' "${sq%%=*}" "${sq#*=}"
      done ;;
    token)
      local url ca=
      url=$(oauth_token_url)
      while [ $# -gt 0 ]; do
        case $1 in
          --https) url=$(oauth_https_token_url) ca=$(tls_dir)/ca.crt; shift ;;
          --short) client=$OAUTH_SHORT_CLIENT; shift ;;
          --expired) client=$OAUTH_EXPIRED_CLIENT; shift ;;
          --scope) [ $# -ge 2 ] || die "--scope needs a value"; scope=$2; shift 2 ;;
          *) die "unknown oauth token argument '$1' (--short, --expired, --scope S, --https)" ;;
        esac
      done
      python3 "$OAUTH_SERVER_PY" token --url "$url" --client-id "$client" \
        --client-secret "$(oauth_secret "$client")" ${scope:+--scope "$scope"} ${ca:+--ca-file "$ca"} ;;
    start) [ $# -eq 0 ] || die "oauth start takes no arguments"
      oauth_server_start; say "OAuth token server on $(oauth_url) and $(oauth_https_token_url) (pid $(oauth_server_pid))" ;;
    stop) [ $# -eq 0 ] || die "oauth stop takes no arguments"
      oauth_server_stop; say "OAuth token server of base $BASE stopped: $(oauth_token_url) is unreachable" ;;
    status) [ $# -eq 0 ] || die "oauth status takes no arguments"
      if sq=$(oauth_server_pid); then echo "oauth server $(oauth_url) running (pid $sq)"
      else echo "oauth server $(oauth_url) not running"; return 1; fi ;;
    *) die "unknown oauth action '$action' (env, token, start, stop, status)" ;;
  esac
}
