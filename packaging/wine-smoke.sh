#!/usr/bin/env bash
# wine-smoke.sh - start the Windows build under Wine and check that what is
# Windows-specific works there: start-up, the Run-key autostart, the
# control socket (loopback TCP + token file) and the single-instance check.
#
#   packaging/wine-smoke.sh CRADLE_EXE|ZIP
#
# The argument is cradle.exe or the zip windows.sh writes; a
# cradle-ui.exe next to cradle.exe is checked to start as well.
#
# Needs wine64 and x86_64-w64-mingw32-gcc (scripts/deps.sh windows). Uses a
# throw-away Wine prefix and data directory; stops everything it started.
# Debian's Wine 8.0 lacks bcryptprimitives.dll, whose ProcessPrng Go's
# runtime needs; wine/processprng.c stands in for it (real Windows 10+
# has the DLL).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exe=$(realpath "${1:?usage: $0 CRADLE_EXE|ZIP}")
# Debian's wine64 package keeps its programs out of PATH.
export PATH=$PATH:/usr/lib/wine
wine=$(command -v wine64 || command -v wine || true)
[ -n "$wine" ] || { echo "$0: wine64 not found (scripts/deps.sh windows installs it)" >&2; exit 1; }
wineserver=$(command -v wineserver64 || command -v wineserver || echo true)
cc=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
command -v "$cc" >/dev/null || { echo "$0: $cc not found" >&2; exit 1; }

work=$(mktemp -d)
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export WINEARCH=win64
unset DISPLAY WAYLAND_DISPLAY # nothing here needs a window
daemon=
cleanup() {
  [ -z "$daemon" ] || kill "$daemon" 2>/dev/null || true
  "$wineserver" -k 2>/dev/null || true # this prefix's server only
  rm -rf "$work"
}
trap cleanup EXIT
if [[ $exe == *.zip ]]; then
  unzip -q "$exe" -d "$work/zip"
  exe=$work/zip/cradle/cradle.exe
fi
[ -f "$exe" ] || { echo "$0: no $exe" >&2; exit 1; }

fail() { echo "wine-smoke: FAIL: $*" >&2; exit 1; }
step() { echo "wine-smoke: $*" >&2; }

step "preparing a Wine prefix"
"$wine" wineboot -i >/dev/null 2>&1 || fail "wineboot"
"$cc" -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  "$here/wine/processprng.c" "$here/wine/processprng.def" -ladvapi32

# Windows paths for the throw-away directories (Wine maps Z: to /).
winpath() { local p=${1//\//\\}; echo "Z:$p"; }
mkdir -p "$work/data" "$work/config"
export CRADLE_DATA_DIR=$(winpath "$work/data") CRADLE_CONFIG_DIR=$(winpath "$work/config")
export CRADLE_SECRETS=file
cradle() { "$wine" "$exe" "$@" 2>&1 | tr -d '\r'; return "${PIPESTATUS[0]}"; }

step "cradle --version"
out=$(cradle --version) || fail "--version: $out"
case $out in *version*) ;; *) fail "--version printed: $out" ;; esac
step "  $out"

step "autostart through HKCU\\...\\Run"
run_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
[ "$(cradle autostart status)" = off ] || fail "autostart is on in a fresh prefix"
[ "$(cradle autostart on)" = on ] || fail "autostart on"
value=$("$wine" reg query "$run_key" /v Cradle 2>/dev/null | tr -d '\r')
case $value in *'cradle'*'.exe" run'*) ;; *) fail "Run value: $value" ;; esac
step "  $(echo "$value" | grep Cradle)"
[ "$(cradle autostart off)" = off ] || fail "autostart off"
if "$wine" reg query "$run_key" /v Cradle >/dev/null 2>&1; then fail "Run value left behind"; fi

step "daemon and control socket"
"$wine" "$exe" run --no-tray >"$work/daemon.log" 2>&1 &
daemon=$!
# Wait for the daemon to say it runs (it listens before it says so), not
# for a fixed time.
for _ in $(seq 1 240); do
  kill -0 "$daemon" 2>/dev/null || { cat "$work/daemon.log" >&2; fail "daemon exited"; }
  grep -q "cradle running" "$work/daemon.log" && break
  sleep 0.5
done
grep -q "cradle running" "$work/daemon.log" || { cat "$work/daemon.log" >&2; fail "daemon did not start"; }
[ -s "$work/data/control.sock" ] || fail "no control file"

# Listen dials the address in the control file: "already running"
# proves the daemon answers on loopback TCP.
step "a second run reports the first"
if out=$(cradle run --no-tray); then fail "second run started: $out"; fi
case $out in *"already running"*) ;; *) fail "second run said: $out" ;; esac
step "  $out"

step "status from the daemon"
cradle status >"$work/status" || { cat "$work/status" >&2; fail "status"; }
grep -q "local" "$work/status" || { cat "$work/status" >&2; fail "status lacks the local account"; }

ui=$(dirname "$exe")/cradle-ui.exe
if [ -f "$ui" ]; then
  # Loads OpenGL32 and the rest of what Fyne links, without a window.
  step "cradle-ui.exe starts"
  out=$("$wine" "$ui" --help 2>&1 | tr -d '\r') || fail "cradle-ui --help: $out"
  case $out in *Usage*) ;; *) fail "cradle-ui --help printed: $out" ;; esac
fi

step "ok"
