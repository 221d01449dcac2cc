# shellcheck shell=bash
# Sourced by tools/kafka-local: the nodes as processes: where they are, whether they run,
# launching and stopping them, and the admin calls that check readiness.

node_dir() { printf '%s/node-%s' "$DATA" "$1"; }
node_port() { printf '%s' $((BASE + $1)); }
node_role() { if [ "$1" = "$CONTROLLER_ID" ]; then echo controller; else echo broker; fi; }

load_cluster() { # sets BROKERS (and SECURE) from the data dir; fails if there is no cluster
  BROKERS= SECURE=
  [ -f "$DATA/cluster.env" ] || return 1
  BROKERS=$(sed -n 's/^BROKERS=//p' "$DATA/cluster.env")
  SECURE=$(sed -n 's/^SECURE=//p' "$DATA/cluster.env")
  is_uint "$BROKERS"
}

all_nodes() { local i; echo "$CONTROLLER_ID"; for ((i = 1; i <= BROKERS; i++)); do echo "$i"; done; }

bootstrap_list() {
  local i out=
  for ((i = 1; i <= BROKERS; i++)); do out+=${out:+,}127.0.0.1:$((BASE + i)); done
  printf '%s' "$out"
}

# PID of a node if it is alive and really is our kafka.Kafka for that node's
# config (guards against stale pid files and PID reuse); else return 1.
node_pid() {
  local dir pid a main= conf=
  local -a argv=()
  dir=$(node_dir "$1")
  [ -f "$dir/pid" ] || return 1
  pid=$(cat "$dir/pid" 2>/dev/null) || return 1
  is_uint "$pid" || return 1
  # (no pipelines here: `set -o pipefail` + an early-exiting reader = SIGPIPE)
  { mapfile -d '' -t argv <"/proc/$pid/cmdline"; } 2>/dev/null || return 1
  [ ${#argv[@]} -gt 0 ] || return 1          # gone, or a zombie
  case ${argv[0]} in *java) ;; *) return 1 ;; esac
  for a in "${argv[@]}"; do
    [ "$a" = kafka.Kafka ] && main=1
    [ "$a" = "$dir/server.properties" ] && conf=1
  done
  [ -n "$main" ] && [ -n "$conf" ] || return 1
  printf '%s' "$pid"
}

any_running() {
  local n
  load_cluster || return 1
  for n in $(all_nodes); do node_pid "$n" >/dev/null && return 0; done
  return 1
}

log_tail() { # NODE_ID
  local log
  log=$(node_dir "$1")/server.log
  printf '%s: ---- last 40 lines of node %s (%s) log %s ----\n' "$PROG" "$1" "$(node_role "$1")" "$log" >&2
  if [ -s "$log" ]; then tail -n 40 "$log" >&2
  else echo "(log is empty or missing: the JVM died before logging; its command line is in $(node_dir "$1")/java-cmdline)" >&2; fi
  printf '%s: ---- end of node %s log ----\n' "$PROG" "$1" >&2
}

# Launch a node in the background, detached from our stdin/stdout/stderr and
# session, so that it outlives this script and `$(kafka-local start)` returns.
launch_node() { # NODE_ID
  local id=$1 dir opts
  local -a extra=("${CDS_ARGS[@]}")
  dir=$(node_dir "$id")
  if [ "$id" = "$CONTROLLER_ID" ]; then opts=$CONTROLLER_JVM_OPTS; else opts=$BROKER_JVM_OPTS; fi
  [ -n "$CDS_TRAIN" ] && extra+=("-XX:DumpLoadedClassList=$CDS_TRAIN/node-$id.lst")
  [ -n "$SECURE" ] && extra+=("$(oauth_jvm_opt)")
  rm -f "$dir/pid"
  # shellcheck disable=SC2086
  printf '%q ' "$JAVA" $opts "${extra[@]}" "$(kv_log_opt "$BROKER_LOG4J")" \
    -Dkafka.logs.dir="$dir" -cp "$LIB/*" kafka.Kafka "$dir/server.properties" >"$dir/java-cmdline"
  echo >>"$dir/java-cmdline"
  # shellcheck disable=SC2086
  spawn_detached "$dir/pid" "$dir/server.log" \
    "$JAVA" $opts "${extra[@]}" "$(kv_log_opt "$BROKER_LOG4J")" \
      -Dkafka.logs.dir="$dir" -cp "$LIB/*" kafka.Kafka "$dir/server.properties"
  # Wait (<= 10 s) for the wrapper to write its pid and exec into java, so that
  # node_pid right after this does not mistake the wrapper for a dead node.
  local t=0 pid=
  while [ $t -lt 200 ]; do
    pid=$(cat "$dir/pid" 2>/dev/null) || pid=
    if [ -n "$pid" ]; then
      node_pid "$id" >/dev/null && return 0
      [ -e "/proc/$pid" ] || return 0         # died already: callers see that
    fi
    sleep 0.05; t=$((t + 1))
  done
  say "node $id: no java process after 10s (pid file: ${pid:-none})"
  return 1
}

# SIGTERM the given nodes, wait up to $2 s, then SIGKILL what is left.
stop_nodes() { # "IDS" DEADLINE_S
  local ids=$1 limit=$2 id pid pids=() left end
  for id in $ids; do
    if pid=$(node_pid "$id"); then
      say "stopping node $id ($(node_role "$id"), pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$id")
    fi
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  end=$(($(now) + limit))
  while :; do
    left=
    for id in "${pids[@]}"; do node_pid "$id" >/dev/null && left+=" $id"; done
    [ -z "$left" ] && return 0
    [ "$(now)" -ge "$end" ] && break
    sleep 0.2
  done
  for id in $left; do
    if pid=$(node_pid "$id"); then
      say "node $id did not exit within ${limit}s: SIGKILL pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  sleep 0.2
}

stop_all_nodes() { # DEADLINE_S; brokers first, then the controller
  local brokers limit=$1 id
  brokers=$(all_nodes | grep -vx "$CONTROLLER_ID" || true)
  # A broker's SIGTERM handler does a controlled shutdown, which waits (up to
  # 5 min) for the controller to approve it: without a controller, don't wait.
  if ! node_pid "$CONTROLLER_ID" >/dev/null && [ "$limit" -gt 5 ]; then
    for id in $brokers; do
      if node_pid "$id" >/dev/null; then
        say "controller is not running, so brokers cannot shut down cleanly: waiting only 5s"
        limit=5; break
      fi
    done
  fi
  stop_nodes "$brokers" "$limit"
  stop_nodes "$CONTROLLER_ID" "$1"
}

admin() { # run a Kafka CLI class quietly (for our own readiness checks)
  local -a extra=("${CDS_ARGS[@]}")
  [ -n "$CDS_TRAIN" ] && extra+=("-XX:DumpLoadedClassList=$CDS_TRAIN/admin-$BASHPID-$RANDOM.lst")
  # shellcheck disable=SC2086
  timeout 60 "$JAVA" $ADMIN_JVM_OPTS "${extra[@]}" "$(kv_log_opt "$TOOLS_LOG4J")" \
    -cp "$LIB/*" "$@" </dev/null
}

topic_cmd() {
  admin org.apache.kafka.tools.TopicCommand --bootstrap-server "$(bootstrap_list)" \
    --command-config "$DATA/admin.properties" "$@"
}

# Print the broker ids (among $1) whose _sluice_ready partition has no leader
# equal to its only replica; empty output = all ready. Non-zero: describe failed.
unready_brokers() { # "IDS"
  local out id p re
  out=$(topic_cmd --describe --topic _sluice_ready 2>&1) || { printf '%s\n' "$out" >"$DATA/last-admin.out"; return 1; }
  printf '%s\n' "$out" >"$DATA/last-admin.out"
  for id in $1; do
    p=$((id - 1))
    re="Partition: $p[[:space:]]+Leader: $id([[:space:]]|\$)"
    [[ $out =~ $re ]] || echo "$id"
  done
}
