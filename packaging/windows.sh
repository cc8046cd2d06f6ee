#!/usr/bin/env bash
# windows.sh - cross-build Cradle for 64-bit Windows 10+ with Debian's
# mingw-w64 (scripts/deps.sh windows installs it) and zip it.
#
#   packaging/windows.sh [VERSION] [OUTDIR]
#
# VERSION defaults to $VERSION or 0.0.0~dev (a leading "v" is dropped);
# OUTDIR to dist/. Writes OUTDIR/cradle-VERSION-windows-amd64.zip holding
# cradle/cradle.exe (daemon, tray and command line) and
# cradle/cradle-ui.exe (the Fyne windows, which `cradle ui` looks for next
# to cradle.exe). Both are GUI-subsystem programs, so nothing opens a
# console window when they start at login or from the tray, and both
# import only system DLLs: there is no runtime to ship with them.
#
# cradle.exe needs no cgo (systray talks to Win32 directly, SQLite is
# pure Go), so a missing or broken C compiler cannot break the daemon;
# cradle-ui.exe needs it for OpenGL. A cold build of cradle-ui.exe takes
# minutes; NO_UI=1 skips it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

version=${1:-${VERSION:-0.0.0~dev}}
version=${version#v}
out=${2:-$root/dist}
cc=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
[[ $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "$0: version '$version' is not a Debian version" >&2; exit 1; }
go=${GO:-go}
command -v "$go" >/dev/null || go=/usr/local/go/bin/go
command -v zip >/dev/null || { echo "$0: zip not found" >&2; exit 1; }
if [ "${NO_UI:-0}" != 1 ]; then
  command -v "$cc" >/dev/null || { echo "$0: $cc not found (scripts/deps.sh windows installs it)" >&2; exit 1; }
fi
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/cradle
mkdir -p "$stage"

# -H=windowsgui: a GUI-subsystem binary opens no console window; app/cli
# attaches to the console of a shell it is started from, so the command
# line still prints.
ldflags="-H=windowsgui -s -w -X github.com/cradle-sync/cradle/app/cli.Version=$version"
(cd "$root" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
  "$go" build -trimpath -ldflags="$ldflags" -o "$stage/cradle.exe" .)
if [ "${NO_UI:-0}" != 1 ]; then
  (cd "$root" && CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$cc" \
    "$go" build -trimpath -ldflags="-H=windowsgui -s -w" -o "$stage/cradle-ui.exe" ./app/ui/cmd/cradle-ui)
fi

# A program that links a mingw runtime DLL (libgcc_s, libwinpthread)
# would not start on a clean Windows; refuse to ship one.
if command -v x86_64-w64-mingw32-objdump >/dev/null; then
  for exe in "$stage"/*.exe; do
    bad=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\s*DLL Name: //p' | grep -iE '^(libgcc|libwinpthread|libstdc)' || true)
    [ -z "$bad" ] || { echo "$0: $(basename "$exe") needs DLLs Windows does not have: $bad" >&2; exit 1; }
  done
fi

mkdir -p "$out"
zipfile=$(realpath "$out")/cradle-$version-windows-amd64.zip
rm -f "$zipfile"
find "$stage" -exec touch -h -d "@$epoch" {} +
# -X: no extra Unix attributes; sorted names: the same inputs give the
# same archive.
(cd "$work" && find cradle -type f | LC_ALL=C sort | zip -q -X -9 "$zipfile" -@)
echo "$zipfile"
