#!/usr/bin/env bash
# fuzz.sh - run every Fuzz* target in the module for a while each.
#   scripts/fuzz.sh [DEFAULT_TIME] [PKG_PATTERN=TIME ...]
# e.g. scripts/fuzz.sh 10s push/internal/wbxml=30s
# go test -fuzz takes one target per run, so targets are run one after another.
set -euo pipefail
cd "$(dirname "$0")/.."
default=${1:-10s}; shift || true
declare -A override=()
for kv in "$@"; do override[${kv%%=*}]=${kv#*=}; done
fail=0; n=0
while IFS= read -r f; do
  dir=$(dirname "$f")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
    t=$default
    for k in "${!override[@]}"; do [[ "$dir" == ./$k* || "$dir" == $k* ]] && t=${override[$k]}; done
    echo "[fuzz] $dir $target $t"
    n=$((n+1))
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$t" "./$dir" >/tmp/cradle-fuzz.log 2>&1; then
      tail -40 /tmp/cradle-fuzz.log; echo "[fuzz] FAIL $dir $target"; fail=1
    fi
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sed 's|^\./||' | sort)
echo "[fuzz] $n targets run"
exit $fail
