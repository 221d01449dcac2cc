# shellcheck shell=bash
# Sourced by tools/kafka-local: small helpers every part uses (clock, ports, detached processes).

now() { date +%s; }
T0_MS=$(date +%s%3N)
elapsed() { local ms=$(($(date +%s%3N) - T0_MS)); printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }

port_listening() { # something accepts TCP connections on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_in_use() { # a listener on PORT on any address, or 127.0.0.1:PORT accepts
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ] && return 0
  fi
  port_listening "$1"
}

# Run CMD... in the background with its pid in PIDFILE and its output appended
# to LOG, detached from our stdin/stdout/stderr and session, so that it
# outlives this script and `$(kafka-local start)` returns.
spawn_detached() { # PIDFILE LOG CMD...
  local pidfile=$1 log=$2 setsid=; shift 2
  command -v setsid >/dev/null 2>&1 && setsid=setsid
  # shellcheck disable=SC2016
  $setsid nohup bash -c '
      pidfile=$1; shift
      # Close inherited fds > 2 (a caller'"'"'s pipe must not stay open). No
      # redirections on this loop: bash would park fd 2 on a high fd, which
      # the loop would then close, losing stderr.
      for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
      done
      echo $$ >"$pidfile"
      exec "$@"' kafka-local-node "$pidfile" "$@" </dev/null >>"$log" 2>&1 &
}
