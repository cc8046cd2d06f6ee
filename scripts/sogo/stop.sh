#!/usr/bin/env bash
# stop.sh - stop only the daemons that scripts/sogo/start.sh started (by their pid files under $PEER_DIR/run).
# Never kills by process name. Data under $PEER_DIR/data is kept (start.sh --fresh wipes it).
#   stop.sh                 # stop everything start.sh started
#   stop.sh sogod [...]     # stop only the named ones (sogod memcached postgres)
set -uo pipefail
PEER_DIR="${PEER_DIR:-/tmp/cradle-sogo}"
RUN="$PEER_DIR/run"; DATA="$PEER_DIR/data"
PG_BIN=/usr/lib/postgresql/15/bin
log() { printf '[sogo/stop.sh] %s\n' "$*" >&2; }
is_ours() { [[ "$(readlink "/proc/$1/exe" 2>/dev/null)" == *"$2"* ]]; }
wait_gone() { local pid=$1 n=$2; for ((i=0;i<n;i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done; return 1; }

# stop_pid NAME PIDFILE EXE_SUBSTRING
stop_pid() {
  local name=$1 f=$2 want=$3 pid
  [ -s "$f" ] || { log "$name: no pid file"; return 0; }
  pid=$(head -n1 "$f" | tr -dc 0-9)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then log "$name: not running"; rm -f "$f"; return 0; fi
  if ! is_ours "$pid" "$want"; then log "$name: pid $pid is not $want - leaving it"; rm -f "$f"; return 0; fi
  log "$name: TERM $pid"; kill -TERM "$pid" 2>/dev/null
  wait_gone "$pid" 100 || { log "$name: KILL $pid"; kill -KILL "$pid" 2>/dev/null; wait_gone "$pid" 30; }
  rm -f "$f"
}

# sogod = watchdog parent + WOWorkersCount children. A worker that has served an EAS
# request installs its own SIGTERM handler (it only sets a flag to end Ping/Sync loops),
# so the parent may wait forever for it: TERM parent, then KILL leftover workers (the
# children of *our* parent pid, recorded before signalling), then the parent.
stop_sogod() {
  local f="$RUN/sogod.pid" pid kids k
  [ -s "$f" ] || { log "sogod: no pid file"; return 0; }
  pid=$(head -n1 "$f" | tr -dc 0-9)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || ! is_ours "$pid" sogod; then log "sogod: not running"; rm -f "$f"; return 0; fi
  kids=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -s ' \n' ' ')
  log "sogod: TERM $pid (workers: $kids)"; kill -TERM "$pid" 2>/dev/null
  if ! wait_gone "$pid" 30; then
    for k in $kids; do kill -0 "$k" 2>/dev/null && is_ours "$k" sogod && { log "sogod: KILL worker $k"; kill -KILL "$k" 2>/dev/null; }; done
    wait_gone "$pid" 30 || { log "sogod: KILL $pid"; kill -KILL "$pid" 2>/dev/null; wait_gone "$pid" 30; }
  fi
  for k in $kids; do kill -0 "$k" 2>/dev/null && is_ours "$k" sogod && kill -KILL "$k" 2>/dev/null; done
  rm -f "$f"
}
stop_postgres() {
  if [ -s "$DATA/pg/postmaster.pid" ] && kill -0 "$(head -1 "$DATA/pg/postmaster.pid")" 2>/dev/null; then
    log "postgres: pg_ctl stop -m fast"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA/pg" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || stop_pid postgres "$RUN/postgres.pid" postgres
  else
    log "postgres: not running"
  fi
  rm -f "$RUN/postgres.pid"
}

what=("$@"); [ ${#what[@]} -eq 0 ] && what=(sogod memcached postgres)
for w in "${what[@]}"; do
  case $w in
    sogod) stop_sogod ;;
    memcached) stop_pid memcached "$RUN/memcached.pid" memcached ;;
    postgres) stop_postgres ;;
    *) log "unknown: $w" ;;
  esac
done
log "done"
