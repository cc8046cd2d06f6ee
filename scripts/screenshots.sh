#!/usr/bin/env bash
# screenshots.sh - what `make screenshots` does: open each of Cradle's
# windows on a private virtual display against a demo daemon (made-up
# data, app/ui/internal/demod) and write docs/screenshots/WINDOW.png.
# Everything it starts is stopped by pid; nothing else is touched.
#
# Needs: xvfb, xdotool, x11-apps (xwd), imagemagick (convert), and the
# Fyne build packages (see scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
for p in Xvfb xdotool xwd go; do
  command -v "$p" >/dev/null || { echo "$0: $p not found (Debian: xvfb xdotool x11-apps)" >&2; exit 1; }
done
# ImageMagick's own convert: a different "convert" may come first on PATH.
CONVERT=${CONVERT:-/usr/bin/convert}
[ -x "$CONVERT" ] || { echo "$0: $CONVERT not found (Debian: imagemagick)" >&2; exit 1; }

out=docs/screenshots
mkdir -p "$out"
dir=$(mktemp -d "${TMPDIR:-/tmp}/cradle-shots.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "[screenshots] build"
go build -o "$dir/cradle" .
CGO_ENABLED=1 go build -o "$dir/cradle-ui" ./app/ui/cmd/cradle-ui
go build -o "$dir/demod" ./app/ui/internal/demod

# -displayfd: Xvfb picks a free display and reports it once it accepts
# clients.
mkfifo "$dir/displayfd"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dir/displayfd" >"$dir/xvfb.log" 2>&1 &
pids+=($!)
n=
read -r -t 30 n <"$dir/displayfd" || true
[ -n "$n" ] || { echo "$0: Xvfb did not start" >&2; cat "$dir/xvfb.log" >&2; exit 1; }
export DISPLAY=":$n"
# No session bus: the windows need none, and must not reach the desktop's.
export DBUS_SESSION_BUS_ADDRESS=disabled:
unset WAYLAND_DISPLAY

sock="$dir/run/control.sock"
"$dir/demod" --socket "$sock" 2>"$dir/demod.log" &
pids+=($!)
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { echo "$0: demo daemon did not start" >&2; cat "$dir/demod.log" >&2; exit 1; }

shoot() { # window, title
  local win=$1 title=$2 pid wid
  "$dir/cradle" ui "$win" --socket "$sock" >"$dir/$win.log" 2>&1 &
  pid=$!
  pids+=($pid)
  wid=$(timeout 60 xdotool search --sync --onlyvisible --name "^Cradle — $title\$" | head -n1) || {
    echo "$0: no $win window" >&2; cat "$dir/$win.log" >&2; exit 1; }
  case $win in
    conflicts) # choose the first conflict so both versions show
      sleep 1; xdotool mousemove --window "$wid" 80 20 click 1 ;;
  esac
  # The window is mapped before its first answer from the daemon is
  # drawn; there is no X event for "content is ready".
  sleep 2
  xwd -silent -id "$wid" | "$CONVERT" xwd:- "$out/$win.png"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "[screenshots] $out/$win.png"
}
shoot activity Activity
shoot conflicts Conflicts
shoot devices Devices
shoot export Export
shoot setup "Add an account"
