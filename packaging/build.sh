#!/usr/bin/env bash
# build.sh - package a built cradle binary as a release tar.xz and a .deb.
#
#   packaging/build.sh BINARY [VERSION] [OUTDIR]
#
# BINARY is the cradle program; the cradle-ui program (the Fyne windows,
# started by `cradle ui` and the tray) is taken from $UI_BINARY, else from
# next to BINARY, and left out with a warning when there is none: cradle
# then says its windows are missing and the command line does the work.
# VERSION defaults to $VERSION or 0.0.0~dev (a leading "v" is dropped);
# OUTDIR to dist/. The architecture is $ARCH or dpkg's own. Writes
#   OUTDIR/cradle_VERSION_ARCH.deb            (dpkg-deb --build layout)
#   OUTDIR/cradle-VERSION-linux-ARCH.tar.xz   (the same usr/ tree; install with
#       sudo tar -xJf cradle-….tar.xz -C / --strip-components=1)
# Files are owned by root and dated $SOURCE_DATE_EPOCH (default: the last
# commit, else 0), so the same inputs give the same archives.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

bin=${1:?usage: $0 BINARY [VERSION] [OUTDIR]}
version=${2:-${VERSION:-0.0.0~dev}}
version=${version#v}
out=${3:-$root/dist}
arch=${ARCH:-$(dpkg --print-architecture)}
[ -f "$bin" ] && [ -x "$bin" ] || { echo "$0: $bin is not an executable file" >&2; exit 1; }
ui=${UI_BINARY:-$(dirname "$bin")/cradle-ui}
if [ ! -e "$ui" ]; then
  echo "$0: warning: no $ui; packaging without the windows" >&2
  ui=
elif [ ! -f "$ui" ] || [ ! -x "$ui" ]; then
  echo "$0: $ui is not an executable file" >&2; exit 1
fi
[[ $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "$0: version '$version' is not a Debian version" >&2; exit 1; }
for tool in dpkg-deb tar xz; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found" >&2; exit 1; }
done
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH=$epoch

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/cradle-$version

install -D -m 0755 "$bin" "$stage/usr/bin/cradle"
[ -z "$ui" ] || install -D -m 0755 "$ui" "$stage/usr/bin/cradle-ui"
install -D -m 0644 "$here/cradle.desktop" "$stage/usr/share/applications/cradle.desktop"
install -D -m 0644 "$here/io.github.cradle_sync.Cradle.metainfo.xml" \
  "$stage/usr/share/metainfo/io.github.cradle_sync.Cradle.metainfo.xml"
install -D -m 0644 "$here/cradle.service" "$stage/usr/lib/systemd/user/cradle.service"
# Not in /etc/xdg/autostart: starting at login is the user's choice, and
# `cradle autostart on` (or the settings window) writes this same entry
# to ~/.config/autostart. An administrator may copy it to
# /etc/xdg/autostart to make it the default; users can still switch it off.
install -D -m 0644 "$here/cradle-autostart.desktop" "$stage/usr/share/cradle/cradle-autostart.desktop"
for size in 16 22 24 32 48 64 128 256; do
  install -D -m 0644 "$root/assets/icons/app/cradle-$size.png" \
    "$stage/usr/share/icons/hicolor/${size}x${size}/apps/cradle.png"
done

mkdir -p "$out"
tarball=$out/cradle-$version-linux-$arch.tar.xz
find "$stage" -exec touch -h -d "@$epoch" {} +
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -cf - "cradle-$version" | xz -9 -T1 >"$tarball"

mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: cradle
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-Cradle developers <cradle-sync@users.noreply.github.com>}
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: ${DEB_DEPENDS:-libc6, libgl1, libx11-6, libxcursor1, libxi6, libxinerama1, libxrandr2, libxxf86vm1}
Recommends: dbus-user-session
Section: net
Priority: optional
Homepage: https://github.com/cradle-sync/cradle
Description: contacts and calendar sync bridge for Exchange ActiveSync
 Cradle keeps contacts, calendars and tasks in step between an Exchange
 ActiveSync server (Direct Push), local vCard and iCalendar files and
 phones. It runs in the tray, or headless as a systemd user service.
CONTROL
find "$stage" -exec touch -h -d "@$epoch" {} +
deb=$out/cradle_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
echo "$tarball"
