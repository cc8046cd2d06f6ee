#!/usr/bin/env bash
# xvfb-session.sh - run a command inside a throw-away desktop session: a
# virtual X display (Xvfb) and a private D-Bus session bus, both stopped
# by pid when the command ends. Nothing else on the machine is touched.
#
#   scripts/xvfb-session.sh go test -race ./app/tray/...
#   scripts/xvfb-session.sh sh -c 'echo $DISPLAY $DBUS_SESSION_BUS_ADDRESS'
#
# Needs xvfb and dbus (dbus-daemon). Do not install dbus-x11: with it,
# D-Bus libraries silently start stray buses when none is set.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 command [args...]" >&2; exit 2; }
for p in Xvfb dbus-daemon; do
  command -v "$p" >/dev/null || { echo "$0: $p not found (Debian: apt-get install xvfb dbus)" >&2; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/cradle-session.XXXXXX")
xpid= ; bpid=
cleanup() {
  [ -n "$bpid" ] && kill "$bpid" 2>/dev/null || true
  [ -n "$xpid" ] && kill "$xpid" 2>/dev/null || true
  [ -n "$xpid" ] && wait "$xpid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -displayfd: Xvfb picks a free display and writes its number once it
# accepts clients, so there is no fixed :N to collide on and no polling.
mkfifo "$dir/displayfd"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dir/displayfd" >"$dir/xvfb.log" 2>&1 &
xpid=$!
n=
read -r -t 20 n <"$dir/displayfd" || true
[ -n "$n" ] || { echo "$0: Xvfb did not start" >&2; cat "$dir/xvfb.log" >&2; exit 1; }
export DISPLAY=":$n"

# --fork returns once the bus accepts connections; --print-pid tells us
# what to stop.
bpid=$(dbus-daemon --session --address="unix:path=$dir/bus" --fork --print-pid 2>/dev/null)
export DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus"

"$@"
