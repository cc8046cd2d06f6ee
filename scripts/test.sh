#!/usr/bin/env bash
# test.sh - what `make test` does: install what the tests need, start the
# project's SOGo peer, run formatting/vet checks, every test with the race
# detector, and a short fuzz pass; then stop what it started (by pid).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
scripts/deps.sh test

. scripts/sogo/peer.sh

echo "[test] gofmt"
bad=$(gofmt -l $(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go') 2>/dev/null || true)
[ -z "$bad" ] || { echo "gofmt needed:"; echo "$bad"; exit 1; }
echo "[test] go vet"
go vet ./...
echo "[test] windows build"
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -o "$(mktemp -d)/cradle.exe" .
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go vet ./...
echo "[test] go test -race"
go test -race -count=1 -timeout 30m $(go list ./... | grep -v '/internal/crash$')
echo "[test] crash harness (${CRADLE_CRASH_KILLS:-20} kills; full output in /tmp/cradle-crash-test.out)"
CI=true go test -race -count=1 -timeout 20m -v ./internal/crash 2>&1 | tee /tmp/cradle-crash-test.out |
  grep -E '^kills=|seed|^--- |^(ok|FAIL)'
# Stopping SOGo would break tests running beside it: this one runs alone.
echo "[test] SOGo outage (alone)"
$SUDO env "PATH=$PATH" CRADLE_OUTAGE_TEST=1 go test -race -count=1 -timeout 10m ./internal/outage
echo "[test] fuzz (short)"
FUZZ_REPORT_ONLY=1 FUZZ_STRICT="push/internal/wbxml" \
  scripts/fuzz.sh "${FUZZTIME:-10s}" "push/internal/wbxml=${WBXML_FUZZTIME:-30s}"
