#!/usr/bin/env bash
# deps.sh - install the Debian/Ubuntu packages a target needs, only those missing.
#   scripts/deps.sh build   # compiler + cgo headers (Fyne, systray)
#   scripts/deps.sh test    # build + everything the tests talk to
#   scripts/deps.sh package # build + packaging tools + the Windows cross-compiler
#   scripts/deps.sh windows # build + the Windows cross-compiler and Wine (packaging/wine-smoke.sh)
# Runs apt-get as root, or through sudo when not root. Never upgrades what is there.
set -euo pipefail
want=(gcc pkg-config git make curl ca-certificates)
# cradle-ui links Fyne: OpenGL and X11 headers for cgo. Installed before any
# build, because a missing header fails a cold Fyne build only after minutes.
fyne=(libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
case "${1:-build}" in
  build) want+=("${fyne[@]}") ;;
  test) want+=("${fyne[@]}" libwbxml2-utils sogo sogo-activesync postgresql memcached khard khal adb gammu
               xvfb dbus x11-apps xdotool imagemagick desktop-file-utils appstream systemd xz-utils zip) ;;
  # cradle-ui links Fyne (OpenGL, X11 headers); mingw-w64 (win32 threads:
  # no winpthread DLL to ship) cross-builds cradle-ui.exe with cgo.
  package) want+=("${fyne[@]}" desktop-file-utils xz-utils zip gcc-mingw-w64-x86-64-win32) ;;
  windows) want+=(zip unzip gcc-mingw-w64-x86-64-win32 wine64) ;;
  bench) want+=("${fyne[@]}" libwbxml2-utils sogo sogo-activesync postgresql memcached vdirsyncer adb gammu) ;;
  *) echo "usage: $0 build|test|bench|package|windows" >&2; exit 2 ;;
esac
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then missing+=(golang-go); fi
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "[deps] installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
