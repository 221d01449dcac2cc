# shellcheck shell=bash
# Sourced by tools/kafka-local: the subcommands (cmd_*); each one checks its arguments.

cmd_setup() {
  [ $# -eq 0 ] || die "setup takes no arguments"
  ensure_setup
}

abort_start() { # NODE_ID(S) to report, message
  local ids=$1 id; shift
  say "start failed: $*"
  for id in $ids; do log_tail "$id"; done
  stop_all_nodes 10
  oauth_server_stop
  say "stopped the nodes that were started; logs kept in $DATA (removed by the next start/stop)"
  exit 1
}

cmd_start() {
  local n=1 secure=
  while [ $# -gt 0 ]; do
    case $1 in
      --brokers) [ $# -ge 2 ] || die "--brokers needs a number"; n=$2; shift 2 ;;
      --brokers=*) n=${1#--brokers=}; shift ;;
      --secure) secure=1; shift ;;
      *) die "unknown start argument '$1' (see --help)" ;;
    esac
  done
  is_uint "$n" && [ "$n" -ge 1 ] && [ "$n" -le 32 ] || die "--brokers must be 1..32, got '$n'"
  [ $((BASE + n)) -le 65535 ] || die "base $BASE + $n brokers exceeds port 65535"
  if [ -n "$secure" ]; then
    [ "$n" -le "$SECURE_MAX_BROKERS" ] || die "--secure supports at most $SECURE_MAX_BROKERS brokers, got $n"
    [ $((BASE + OAUTH_HTTPS_PORT_OFFSET)) -le 65535 ] || die "base $BASE + $OAUTH_HTTPS_PORT_OFFSET (secure ports) exceeds port 65535"
    is_uint "$REAUTH_MS" || die "SLUICE_KAFKA_REAUTH_MS must be an integer (milliseconds)"
    check_secure_tools
    oauth_check_settings
  fi

  find_java
  check_java_version
  ensure_setup
  cds_init

  if any_running; then
    die "a Kafka cluster from base $BASE is already running (data dir $DATA, bootstrap $(bootstrap_list)); run '$PROG --base $BASE stop' first"
  fi
  local id p
  for ((id = 0; id <= n; id++)); do
    p=$((BASE + id))
    if port_in_use "$p"; then
      die "port $p (needed by node $id, $(node_role "$id")) is already in use on this machine; pick another base with --base or SLUICE_KAFKA_BASE"
    fi
  done
  SECURE=$secure   # (set only now: any_running -> load_cluster resets it)
  local l
  if [ -n "$SECURE" ]; then
    for ((id = 1; id <= n; id++)); do
      for l in $SECURE_LISTENERS; do
        p=$(secure_port "$l" "$id")
        if port_in_use "$p"; then
          die "port $p (needed by the $l listener of broker $id) is already in use on this machine; pick another base with --base or SLUICE_KAFKA_BASE"
        fi
      done
    done
    for p in $(oauth_port) $(oauth_https_port); do
      port_in_use "$p" && die "port $p (needed by the OAuth token server) is already in use on this machine; pick another base with --base or SLUICE_KAFKA_BASE"
    done
  fi

  if [ -e "$DATA" ]; then
    if [ -f "$MARKER" ]; then
      rm -rf "$DATA"
    elif [ -d "$DATA" ] && [ -z "$(ls -A "$DATA")" ]; then
      rmdir "$DATA"
    else
      die "data dir $DATA exists and was not created by $PROG; refusing to touch it (set SLUICE_KAFKA_DATA)"
    fi
  fi
  mkdir -p "$DATA" || die "cannot create data dir $DATA"
  echo "base=$BASE" >"$MARKER"
  BROKERS=$n
  local cid
  cid=$(random_cluster_id)
  printf 'BASE=%s\nBROKERS=%s\nCLUSTER_ID=%s\nKAFKA_VERSION=%s\n' "$BASE" "$n" "$cid" "$KAFKA_VERSION" >"$DATA/cluster.env"
  if [ -n "$SECURE" ]; then
    echo "SECURE=1" >>"$DATA/cluster.env"
    say "[$(elapsed)] secure mode: making test certificates in $(tls_dir)"
    make_tls_material
    oauth_make_material
    write_oauth_client_config
  fi
  write_configs "$n"
  if cds_want_training; then CDS_TRAIN=$DATA/cds-train; mkdir -p "$CDS_TRAIN"; fi
  say "[$(elapsed)] formatting storage for controller + $n broker(s), cluster id $cid"
  format_nodes "$cid" || { say "data dir kept for inspection: $DATA"; exit 1; }

  trap 'say "interrupted"; stop_all_nodes 10; oauth_server_stop; exit 130' INT TERM
  if [ -n "$SECURE" ]; then  # before the brokers: they fetch its JWKS when they start
    oauth_server_start
    say "[$(elapsed)] secure mode: OAuth token server on $(oauth_url) and https://127.0.0.1:$(oauth_https_port)"
  fi
  say "[$(elapsed)] starting controller (node $CONTROLLER_ID) on 127.0.0.1:$BASE and $n broker(s) on $(bootstrap_list)"
  for id in $(all_nodes); do
    launch_node "$id" || abort_start "$id" "could not launch node $id"
  done

  local deadline=$(($(now) + TIMEOUT)) pending
  # 1. every node alive and accepting TCP connections
  while :; do
    pending=
    for id in $(all_nodes); do
      node_pid "$id" >/dev/null || abort_start "$id" "node $id ($(node_role "$id")) exited during startup"
      port_listening "$(node_port "$id")" || pending+=" $id"
    done
    [ -z "$pending" ] && break
    [ "$(now)" -ge "$deadline" ] && abort_start "$pending" "node(s)$pending not accepting connections after ${TIMEOUT}s"
    sleep 0.2
  done
  say "[$(elapsed)] all nodes accept connections; creating topic _sluice_ready"

  # 2. a check topic with one RF-1 partition per broker (partition i-1 on broker i):
  #    creation succeeds only once every broker is registered and unfenced.
  local assign brokers_ids out
  brokers_ids=$(all_nodes | grep -vx "$CONTROLLER_ID" | tr '\n' ' ')
  assign=$(all_nodes | grep -vx "$CONTROLLER_ID" | paste -sd, -)
  while :; do
    for id in $(all_nodes); do
      node_pid "$id" >/dev/null || abort_start "$id" "node $id ($(node_role "$id")) exited during startup"
    done
    if out=$(topic_cmd --create --if-not-exists --topic _sluice_ready --replica-assignment "$assign" 2>&1); then
      break
    fi
    printf '%s\n' "$out" >"$DATA/last-admin.out"
    [ "$(now)" -ge "$deadline" ] && { cat "$DATA/last-admin.out" >&2
      abort_start "$CONTROLLER_ID $brokers_ids" "could not create the _sluice_ready topic within ${TIMEOUT}s"; }
    sleep 0.5
  done
  say "[$(elapsed)] _sluice_ready created; waiting for its leaders"

  # 3. poll until every partition has its broker as leader
  while :; do
    if pending=$(unready_brokers "$brokers_ids"); then
      [ -z "$pending" ] && break
    else
      pending=$brokers_ids
    fi
    for id in $(all_nodes); do
      node_pid "$id" >/dev/null || abort_start "$id" "node $id ($(node_role "$id")) exited during startup"
    done
    [ "$(now)" -ge "$deadline" ] && { cat "$DATA/last-admin.out" >&2
      abort_start "$pending" "no leader for _sluice_ready on broker(s) $pending within ${TIMEOUT}s"; }
    sleep 0.3
  done

  if [ -n "$SECURE" ]; then
    say "[$(elapsed)] secure mode: probing the TLS/SASL listeners"
    wait_secure_listeners "$deadline"
    say "[$(elapsed)] secure mode: creating topics $TOPIC_ALLOWED, $TOPIC_DENIED and their ACLs"
    write_admin_scram_config
    # Retrying is safe: --if-not-exists, and adding an existing ACL is a no-op.
    until secure_create_topics_and_acls; do
      [ "$(now)" -ge "$deadline" ] \
        && abort_start "$CONTROLLER_ID $brokers_ids" "could not create the secure-mode topics/ACLs within ${TIMEOUT}s"
      say "retrying the secure-mode topics/ACLs"
      sleep 1
    done
    write_secure_info
    say "[$(elapsed)] secure listeners ready: see '$PROG --base $BASE secure-info'"
  fi
  trap - INT TERM

  bootstrap_list >"$DATA/bootstrap"
  cds_build
  say "[$(elapsed)] cluster ready (data dir $DATA)"
  bootstrap_list; echo
}

cmd_stop() {
  [ $# -eq 0 ] || die "stop takes no arguments"
  if [ ! -e "$DATA" ]; then
    say "no cluster for base $BASE ($DATA does not exist); nothing to stop"
    return 0
  fi
  [ -f "$MARKER" ] || die "$DATA was not created by $PROG; not touching it"
  if load_cluster; then
    stop_all_nodes 30
    oauth_server_stop
  else
    say "no cluster.env in $DATA; nothing was running"
  fi
  if load_cluster && any_running; then
    die "some nodes are still running; data dir $DATA kept"
  fi
  rm -rf "$DATA"
  say "stopped base $BASE; removed $DATA"
}

cmd_pid() {
  [ $# -eq 1 ] && is_uint "$1" || die "usage: $PROG pid NODE_ID"
  load_cluster || die "no cluster for base $BASE (no $DATA/cluster.env)"
  [ "$1" -le "$BROKERS" ] || die "node $1 does not exist (controller $CONTROLLER_ID, brokers 1..$BROKERS)"
  local pid
  pid=$(node_pid "$1") || { say "node $1 is not running"; exit 1; }
  echo "$pid"
}

cmd_bootstrap() {
  [ $# -eq 0 ] || die "bootstrap takes no arguments"
  load_cluster || die "no cluster for base $BASE (no $DATA/cluster.env)"
  local i up=
  for ((i = 1; i <= BROKERS; i++)); do node_pid "$i" >/dev/null && up=1; done
  [ -n "$up" ] || die "no broker of base $BASE is running"
  bootstrap_list; echo
}

cmd_status() {
  [ $# -eq 0 ] || die "status takes no arguments"
  if ! load_cluster; then
    echo "base $BASE: no cluster ($DATA)"
    return 1
  fi
  local id pid rc=0
  for id in $(all_nodes); do
    if pid=$(node_pid "$id"); then
      printf 'node %s %-10s 127.0.0.1:%s running (pid %s)\n' "$id" "$(node_role "$id")" "$(node_port "$id")" "$pid"
    else
      printf 'node %s %-10s 127.0.0.1:%s not running\n' "$id" "$(node_role "$id")" "$(node_port "$id")"
      rc=1
    fi
  done
  return $rc
}

cmd_run_class() {
  [ $# -ge 1 ] || die "usage: $PROG run-class CLASS [ARGS...]"
  find_java
  ensure_setup
  # shellcheck disable=SC2086
  cds_init
  # a secure cluster's token server: let Kafka's OAuth login reach it (before
  # TOOL_JVM_OPTS, so SLUICE_KAFKA_TOOL_OPTS can override it: the last -D wins)
  local -a oauth=()
  if load_cluster && [ -n "$SECURE" ]; then oauth=("$(oauth_jvm_opt)"); fi
  exec "$JAVA" "${oauth[@]}" $TOOL_JVM_OPTS "${CDS_ARGS[@]}" "$(kv_log_opt "$TOOLS_LOG4J")" -cp "$LIB/*" "$@"
}

cmd_secure_info() {
  [ $# -eq 0 ] || die "secure-info takes no arguments"
  load_cluster || die "no cluster for base $BASE (no $DATA/cluster.env)"
  [ -n "$SECURE" ] || die "the cluster of base $BASE was not started with --secure"
  [ -f "$DATA/secure-info" ] || die "the secure cluster of base $BASE is not ready (no $DATA/secure-info)"
  cat "$DATA/secure-info"
}

cmd_restart_node() {
  [ $# -eq 1 ] && is_uint "$1" || die "usage: $PROG restart-node NODE_ID"
  local id=$1 deadline p
  load_cluster || die "no cluster for base $BASE (no $DATA/cluster.env)"
  [ "$id" -le "$BROKERS" ] && [ -f "$(node_dir "$id")/server.properties" ] \
    || die "node $id does not exist (controller $CONTROLLER_ID, brokers 1..$BROKERS)"
  # Right after `kill -9` the old process may still be exiting: give it a moment.
  local t=0
  while p=$(node_pid "$id") && [ $t -lt 30 ]; do sleep 0.1; t=$((t + 1)); done
  if p=$(node_pid "$id"); then die "node $id is already running (pid $p)"; fi
  p=$(node_port "$id")
  t=0
  while port_in_use "$p" && [ $t -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
  if port_in_use "$p"; then die "port $p (node $id) is already in use"; fi
  if [ -n "$SECURE" ] && [ "$id" != "$CONTROLLER_ID" ] && ! oauth_server_pid >/dev/null; then
    die "the OAuth token server of base $BASE is not running, and a broker fetches its JWKS when it starts: run '$PROG --base $BASE oauth start' first"
  fi
  find_java
  ensure_setup
  cds_init
  printf '\n==== restart-node %s at %s ====\n' "$id" "$(date -u +%FT%TZ)" >>"$(node_dir "$id")/server.log"
  say "restarting node $id ($(node_role "$id")) on 127.0.0.1:$p"
  launch_node "$id" || { log_tail "$id"; die "could not launch node $id"; }
  deadline=$(($(now) + TIMEOUT))
  while ! port_listening "$p"; do
    if ! node_pid "$id" >/dev/null; then log_tail "$id"; die "node $id exited during restart"; fi
    if [ "$(now)" -ge "$deadline" ]; then
      log_tail "$id"; stop_nodes "$id" 10; die "node $id not accepting connections after ${TIMEOUT}s"
    fi
    sleep 0.2
  done
  # Kafka 4.3 brokers open their listener only after the controller has
  # unfenced them, so "accepts connections" already means registered + serving.
  # A secure broker opens all its listeners together; check them all anyway.
  if [ -n "$SECURE" ] && [ "$id" != "$CONTROLLER_ID" ]; then
    local l
    for l in $SECURE_LISTENERS; do
      while ! port_listening "$(secure_port "$l" "$id")"; do
        if ! node_pid "$id" >/dev/null; then log_tail "$id"; die "node $id exited during restart"; fi
        if [ "$(now)" -ge "$deadline" ]; then
          log_tail "$id"; stop_nodes "$id" 10
          die "node $id: $l listener not accepting connections after ${TIMEOUT}s"
        fi
        sleep 0.2
      done
    done
  fi
  say "[$(elapsed)] node $id is back (pid $(node_pid "$id"))"
}
