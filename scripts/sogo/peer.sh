# peer.sh - sourced by test.sh, bench.sh and crash-test.sh: use the SOGo
# already listening on ${SOGO_PORT:-20000}, or start the project's own and
# stop it (by pid, through stop.sh) when the calling script exits.
# Defines SUDO (empty as root) for the caller.
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
sogo_started=0
if ! curl -s -o /dev/null -m 3 -X OPTIONS -u user1:user1pass http://127.0.0.1:${SOGO_PORT:-20000}/SOGo/Microsoft-Server-ActiveSync; then
  $SUDO scripts/sogo/start.sh >/dev/null
  sogo_started=1
fi
sogo_cleanup() { if [ "$sogo_started" = 1 ]; then $SUDO scripts/sogo/stop.sh || true; fi; }
trap sogo_cleanup EXIT
