#!/usr/bin/env bash
# fuzz.sh - run every Fuzz* target in the module for a while each.
#   scripts/fuzz.sh [DEFAULT_TIME] [PKG_PATTERN=TIME ...]
# e.g. scripts/fuzz.sh 10s push/internal/wbxml=30s
# go test -fuzz takes one target per run, so targets are run one after another.
# FUZZ_REPORT_ONLY=1 (make test's short pass): a new crash is printed and its
# input kept in the package's testdata/fuzz (so every later `go test` fails
# on it until it is fixed), but only targets named in FUZZ_STRICT (space-
# separated package paths) fail this run. `make fuzz` fails on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."
default=${1:-10s}; shift || true
declare -A override=()
for kv in "$@"; do override[${kv%%=*}]=${kv#*=}; done
fail=0; n=0; found=0
while IFS= read -r f; do
  dir=$(dirname "$f")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
    t=$default
    for k in "${!override[@]}"; do [[ "$dir" == ./$k* || "$dir" == $k* ]] && t=${override[$k]}; done
    echo "[fuzz] $dir $target $t"
    n=$((n+1))
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$t" "./$dir" >/tmp/cradle-fuzz.log 2>&1; then
      tail -40 /tmp/cradle-fuzz.log; echo "[fuzz] FAIL $dir $target"
      if [ "${FUZZ_REPORT_ONLY:-}" != 1 ] || [[ " ${FUZZ_STRICT:-} " == *" $dir "* ]]; then fail=1; else found=$((found+1)); fi
    fi
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sed 's|^\./||' | sort)
echo "[fuzz] $n targets run"
[ "$found" = 0 ] || echo "[fuzz] $found new crash(es) reported above; inputs kept under testdata/fuzz: fix them (make fuzz fails on them)"
exit $fail
