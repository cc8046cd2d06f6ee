#!/usr/bin/env bash
# deps.sh - install the Debian/Ubuntu packages a target needs, only those missing.
#   scripts/deps.sh build   # compiler + cgo headers (Fyne, systray)
#   scripts/deps.sh test    # build + everything the tests talk to
# Runs apt-get as root, or through sudo when not root. Never upgrades what is there.
set -euo pipefail
want=(gcc pkg-config git make curl ca-certificates)
case "${1:-build}" in
  build) ;;
  test) want+=(libwbxml2-utils sogo sogo-activesync postgresql memcached khard khal adb gammu
               xvfb dbus x11-apps xdotool desktop-file-utils appstream systemd xz-utils) ;;
  package) want+=(desktop-file-utils xz-utils) ;;
  bench) want+=(libwbxml2-utils sogo sogo-activesync postgresql memcached) ;;
  *) echo "usage: $0 build|test|bench|package" >&2; exit 2 ;;
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
