#!/usr/bin/env bash
# bench.sh - what `make bench` does: install what the comparisons need
# (vdirsyncer), start the test server, run every benchmark, and print one
# table of figures against their targets and alternatives.
# Raw output is kept in bench.out for benchstat; BENCH_COUNT (default 3)
# repeats the quick local benchmarks so the table shows medians.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
scripts/deps.sh bench
. scripts/sogo/peer.sh
out=bench.out
: > "$out"
t0=$SECONDS
failed=()
# step NAME go-test-args...: run one go test, keep its output, time it. A
# failing step is reported and the run goes on: its rows show as missing.
step() {
  local name=$1; shift
  local s=$SECONDS
  if ! go test -run '^$' "$@" 2>&1 | tee -a "$out"; then
    failed+=("$name")
  fi
  echo "[bench] $name: $((SECONDS - s)) s" >&2
}
# Benchmarks that talk to SOGo wait on real heartbeats and pushes: a fixed
# number of rounds each, chosen to keep the whole run under 30 minutes.
step "idle bytes vs scheduled sync" -bench 'SOGo' -benchtime 3x ./push/session/
step "initial sync (in-process server)" -bench 'InitialSync' -benchtime 1x ./bridge/reconcile/
step "initial sync from SOGo + start-up" -bench 'SOGoInitialSync' -benchtime 1x -timeout 25m ./bridge/engine/
step "push to file" -bench 'SOGoPushToFile' -benchtime 1x -timeout 15m ./bridge/engine/
step "local save to server" -bench 'SOGoLocalSave' -benchtime 10x ./bridge/engine/
step "daemon idle" -bench 'DaemonIdle' -benchtime 1x ./internal/e2e/
step "vdirsyncer" -bench 'Vdirsyncer' -benchtime 2x -timeout 20m ./bridge/watch/
# Each round of this one first syncs 15,000 items from the in-process
# server: a fixed count of starts instead of -count.
step "start-up (in-process server)" -bench 'Startup15000Items' -benchtime 3x ./bridge/engine/
step "local benchmarks" -bench . -benchmem -count "${BENCH_COUNT:-3}" -skip 'SOGo|InitialSync|DaemonIdle|Vdirsyncer|Startup15000Items' ./...
echo "[bench] total: $((SECONDS - t0)) s" >&2
echo
go run ./internal/benchtable < "$out"
if [ ${#failed[@]} -gt 0 ]; then
  echo "[bench] failed: ${failed[*]} (see $out)" >&2
  exit 1
fi
