#!/usr/bin/env bash
# crash-test.sh - what `make crash-test` does: SIGKILL `cradle run` against
# SOGo CRADLE_CRASH_KILLS times (default 100) while both sides change, then
# compare the two sides; prints kills=N lost=0 duplicated=0. SOGo is started
# if it is not running, and stopped afterwards only if this script started it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
scripts/deps.sh test
. scripts/sogo/peer.sh
CI=true CRADLE_CRASH_KILLS="${CRADLE_CRASH_KILLS:-100}" \
  go test -count=1 -timeout 90m -run 'TestCrash$' -v ./internal/crash 2>&1 | tee /tmp/cradle-crash-test.out |
  grep -E '^kills=|seed|^--- |^(ok|FAIL)'
