#!/usr/bin/env bash
# bench.sh - what `make bench` does: start the test server, run every
# benchmark, and print one table of figures against their targets.
# Raw output is kept in bench.out for benchstat.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
scripts/deps.sh bench
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
started=0
if ! curl -s -o /dev/null -m 3 -X OPTIONS -u user1:user1pass http://127.0.0.1:${SOGO_PORT:-20000}/SOGo/Microsoft-Server-ActiveSync; then
  $SUDO scripts/sogo/start.sh >/dev/null
  started=1
fi
cleanup() { if [ "$started" = 1 ]; then $SUDO scripts/sogo/stop.sh || true; fi; }
trap cleanup EXIT
out=bench.out
: > "$out"
# Benchmarks that talk to SOGo wait on real heartbeats: a few rounds each.
go test -run '^$' -bench 'SOGo' -benchtime 3x ./push/session/ | tee -a "$out"
go test -run '^$' -bench 'InitialSync' -benchtime 1x ./bridge/reconcile/ | tee -a "$out"
go test -run '^$' -bench 'SOGoInitialSync' -benchtime 1x -timeout 20m ./bridge/engine/ | tee -a "$out"
go test -run '^$' -bench 'SOGoLocalSave' -benchtime 10x ./bridge/engine/ | tee -a "$out"
go test -run '^$' -bench 'DaemonIdle' -benchtime 1x ./internal/e2e/ | tee -a "$out"
go test -run '^$' -bench . -benchmem -skip 'SOGo|InitialSync|DaemonIdle' ./... | tee -a "$out"
echo
go run ./internal/benchtable < "$out"
