# shellcheck shell=bash
# Sourced by tools/kafka-local: the configuration of a new cluster: server.properties of
# the controller and each broker, and the formatted storage.

write_configs() { # N
  local n=$1 r i dir
  r=$((n < 3 ? n : 3))
  local quorum=127.0.0.1:$BASE
  local log_level=${SLUICE_KAFKA_LOG_LEVEL:-INFO}

  kv_broker_log_config "$log_level" >"$BROKER_LOG4J"

  cat >"$DATA/admin.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF

  dir=$(node_dir "$CONTROLLER_ID")
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<EOF
# Written by tools/kafka-local: dedicated KRaft controller.
process.roles=controller
node.id=$CONTROLLER_ID
listeners=CONTROLLER://$quorum
advertised.listeners=CONTROLLER://$quorum
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT
controller.quorum.bootstrap.servers=$quorum
log.dirs=$dir/data
num.network.threads=1
num.io.threads=2
background.threads=2
# Kafka 4.3 reads topic-creation defaults on the controller (a broker-side
# setting is deprecated and logs a WARN).
num.partitions=1
default.replication.factor=1
# Fence a dead broker after 3 s (brokers heartbeat every 500 ms).
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
EOF
  if [ -n "$SECURE" ]; then secure_controller_config >>"$dir/server.properties"; fi

  for ((i = 1; i <= n; i++)); do
    dir=$(node_dir "$i")
    mkdir -p "$dir"
    cat >"$dir/server.properties" <<EOF
# Written by tools/kafka-local: broker $i of $n.
process.roles=broker
node.id=$i
listeners=$(broker_listeners "$i" 127.0.0.1)
advertised.listeners=$(broker_listeners "$i" localhost)
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=$(broker_protocol_map)
controller.quorum.bootstrap.servers=$quorum
log.dirs=$dir/data
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
num.replica.fetchers=1
background.threads=4
auto.create.topics.enable=true
offsets.topic.replication.factor=$r
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=$r
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=$r
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=5
group.initial.rebalance.delay.ms=0
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
EOF
    if [ -n "$SECURE" ]; then secure_broker_config >>"$dir/server.properties"; fi
  done
}

# listeners= / advertised.listeners= value of broker $1. PLAINTEXT always binds
# and advertises 127.0.0.1; the secure listeners bind 127.0.0.1 too but are
# advertised under HOST (localhost: the name in the broker certificates).
broker_listeners() { # BROKER_ID HOST
  local out=PLAINTEXT://127.0.0.1:$((BASE + $1)) l
  if [ -n "$SECURE" ]; then
    for l in $SECURE_LISTENERS; do out+=,$l://$2:$(secure_port "$l" "$1"); done
  fi
  printf '%s' "$out"
}

broker_protocol_map() {
  local out=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT l
  if [ -n "$SECURE" ]; then
    for l in $SECURE_LISTENERS; do out+=,$l:$(secure_protocol "$l"); done
  fi
  printf '%s' "$out"
}

random_cluster_id() { # same shape as `StorageTool random-uuid`: base64url, no padding
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    case $id in -*) ;; *) printf '%s' "$id"; return ;; esac
  done
}

format_nodes() { # CLUSTER_ID; formats all nodes in parallel
  local cid=$1 id dir pids=() ids=() k rc=0
  local -a scram=()
  # secure mode: SCRAM users go into the controller's bootstrap metadata
  if [ -n "$SECURE" ]; then mapfile -d '' -t scram < <(scram_format_args); fi
  for id in $(all_nodes); do
    dir=$(node_dir "$id")
    if [ "$id" = "$CONTROLLER_ID" ]; then
      # Single dynamic-quorum voter: --standalone writes the voter set.
      admin kafka.tools.StorageTool format -t "$cid" -c "$dir/server.properties" --standalone \
        "${scram[@]}" >"$dir/format.log" 2>&1 &
    else
      admin kafka.tools.StorageTool format -t "$cid" -c "$dir/server.properties" \
        >"$dir/format.log" 2>&1 &
    fi
    pids+=($!); ids+=("$id")
  done
  for k in "${!pids[@]}"; do
    if ! wait "${pids[$k]}"; then
      say "formatting storage of node ${ids[$k]} failed:"
      tail -n 40 "$(node_dir "${ids[$k]}")/format.log" >&2
      rc=1
    fi
  done
  return $rc
}
