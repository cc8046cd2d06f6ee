#!/usr/bin/env bash
# crash-test.sh - what `make crash-test` does: SIGKILL `cradle run` against
# SOGo CRADLE_CRASH_KILLS times (default 100) while both sides change, then
# compare the two sides; prints kills=N lost=0 duplicated=0. SOGo is started
# if it is not running, and stopped afterwards only if this script started it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
scripts/deps.sh test
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
started=0
if ! curl -s -o /dev/null -m 3 -X OPTIONS -u user1:user1pass http://127.0.0.1:${SOGO_PORT:-20000}/SOGo/Microsoft-Server-ActiveSync; then
  $SUDO scripts/sogo/start.sh >/dev/null
  started=1
fi
cleanup() { if [ "$started" = 1 ]; then $SUDO scripts/sogo/stop.sh || true; fi; }
trap cleanup EXIT
CI=true CRADLE_CRASH_KILLS="${CRADLE_CRASH_KILLS:-100}" \
  go test -count=1 -timeout 90m -run 'TestCrash$' -v ./internal/crash 2>&1 | tee /tmp/cradle-crash-test.out |
  grep -E '^kills=|seed|^--- |^(ok|FAIL)'
