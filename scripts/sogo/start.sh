#!/usr/bin/env bash
# start.sh - bring up Cradle's test peer: a real SOGo 5.8 (Debian 12 packages) with
# ActiveSync on loopback, used by `make test`, `make bench` and `make demo`.
#
# Idempotent: safe to run again; already-running daemons started by a previous
# run are left alone (sogod is restarted only when its generated config changed).
# Everything (data, sockets, logs, pid files, config) lives under $PEER_DIR; the only
# system-wide effect is `apt-get install` of Debian packages.
#
#   sudo scripts/sogo/start.sh            # start (installs packages on first run)
#   sudo scripts/sogo/start.sh --fresh    # stop + wipe all data, then start
#
# Ports (env overridable): SOGO_PORT=20000 PG_PORT=25432 MEMCACHED_PORT=21211 IMAP_PORT=20143
# Prints the EAS URL as the last line and exits 0 when sogod answers.
set -euo pipefail

PEER_DIR="${PEER_DIR:-/tmp/cradle-sogo}"
SOGO_PORT="${SOGO_PORT:-20000}"
PG_PORT="${PG_PORT:-25432}"
MEMCACHED_PORT="${MEMCACHED_PORT:-21211}"
IMAP_PORT="${IMAP_PORT:-20143}"
SOGO_WORKERS="${SOGO_WORKERS:-16}"           # each Ping/Sync long-poll pins one worker, also an abandoned one until its heartbeat ends
SOGO_INTERNAL_SYNC_INTERVAL="${SOGO_INTERNAL_SYNC_INTERVAL:-5}"   # see NOTES.md (Ping polls every max(this,5)s)
SOGO_MAX_PING_INTERVAL="${SOGO_MAX_PING_INTERVAL:-3540}"
SOGO_MAX_SYNC_INTERVAL="${SOGO_MAX_SYNC_INTERVAL:-3540}"
SOGO_EAS_DEBUG="${SOGO_EAS_DEBUG:-YES}"
MAIL_DOMAIN="${MAIL_DOMAIN:-example.test}"
PG_BIN=/usr/lib/postgresql/15/bin

RUN="$PEER_DIR/run"; LOGS="$PEER_DIR/logs"; DATA="$PEER_DIR/data"; ETC="$PEER_DIR/etc"
PKGS=(sogo sogo-activesync postgresql memcached libwbxml2-utils curl)

log() { printf '[sogo/start.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"

# Don't leak our caller's extra file descriptors (pipes of CI harnesses etc.) into the
# daemons: a daemon holding a caller's pipe open makes `start.sh | tee` never finish.
for _fd in /proc/$$/fd/*; do
  _fd=${_fd##*/}
  if [ "$_fd" -gt 2 ] 2>/dev/null; then eval "exec $_fd>&-" 2>/dev/null || true; fi
done

# pid_alive PIDFILE EXE_SUBSTRING -> 0 if pidfile names a live process whose exe matches
pid_alive() {
  local f=$1 want=$2 pid exe
  [ -s "$f" ] || return 1
  pid=$(head -n1 "$f" | tr -dc 0-9); [ -n "$pid" ] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  [[ "$exe" == *"$want"* ]]
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { local p=$1 n=${2:-60} i; for ((i=0;i<n*10;i++)); do port_open "$p" && return 0; sleep 0.1; done; return 1; }

if [ "${1:-}" = "--fresh" ]; then
  log "--fresh: stopping and wiping $DATA"
  "$(dirname "$0")/stop.sh" || true
  rm -rf "$DATA" "$RUN" "$ETC" "$PEER_DIR/gnustep"
fi

T0=$(date +%s.%N)
mkdir -p "$LOGS"

# ---------------------------------------------------------------- 1. packages
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >"$LOGS/apt.log" 2>&1 || log "apt-get update failed (continuing with cached lists)"
  # policy-rc.d / no systemd: the packages' own daemons are NOT started by this
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${PKGS[@]}" >>"$LOGS/apt.log" 2>&1 \
    || { tail -30 "$LOGS/apt.log" >&2; die "apt-get install failed"; }
fi

mkdir -p "$RUN" "$LOGS" "$DATA" "$ETC" "$PEER_DIR/gnustep/Defaults"
chmod 755 "$PEER_DIR" "$RUN" "$LOGS" "$DATA" "$ETC"

# ---------------------------------------------------------------- 2. PostgreSQL (private cluster)
PGDATA="$DATA/pg"; PGSOCK="$RUN/pg"
mkdir -p "$PGSOCK"; chown postgres:postgres "$PGSOCK"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  log "initdb $PGDATA"
  mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$LOGS/initdb.log" 2>&1 || die "initdb failed (see $LOGS/initdb.log)"
  cat >>"$PGDATA/postgresql.conf" <<EOF
# sogo-peer
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGSOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi
touch "$LOGS/postgres.log"; chown postgres "$LOGS/postgres.log"
if pid_alive "$PGDATA/postmaster.pid" postgres; then
  log "postgres already running (pid $(head -1 "$PGDATA/postmaster.pid"))"
else
  log "starting postgres on 127.0.0.1:$PG_PORT"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$LOGS/postgres.log" -w -t 60 start >/dev/null 2>>"$LOGS/postgres.log" </dev/null \
    || { tail -20 "$LOGS/postgres.log" >&2; die "postgres failed to start"; }
fi
head -1 "$PGDATA/postmaster.pid" > "$RUN/postgres.pid"
PSQL=(runuser -u postgres -- psql -h "$PGSOCK" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
"${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='sogo'" | grep -q 1 \
  || "${PSQL[@]}" -d postgres -c "CREATE ROLE sogo LOGIN PASSWORD 'sogo'"
"${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='sogo'" | grep -q 1 \
  || "${PSQL[@]}" -d postgres -c "CREATE DATABASE sogo OWNER sogo ENCODING 'UTF8'"
# SQL user source (SOGo reads c_uid/c_name/c_password/c_cn/mail)
PGOPTIONS='--client-min-messages=warning' runuser -u postgres -- psql -h "$PGSOCK" -p "$PG_PORT" -U sogo -d sogo -v ON_ERROR_STOP=1 -qAt >/dev/null <<EOF
CREATE TABLE IF NOT EXISTS sogo_users (
  c_uid varchar(128) PRIMARY KEY, c_name varchar(128) NOT NULL,
  c_password varchar(256) NOT NULL, c_cn varchar(128), mail varchar(128));
INSERT INTO sogo_users VALUES
  ('user1','user1','user1pass','User One','user1@$MAIL_DOMAIN'),
  ('user2','user2','user2pass','User Two','user2@$MAIL_DOMAIN')
ON CONFLICT (c_uid) DO UPDATE SET c_password=EXCLUDED.c_password, c_cn=EXCLUDED.c_cn, mail=EXCLUDED.mail;
EOF

# ---------------------------------------------------------------- 3. memcached
if pid_alive "$RUN/memcached.pid" memcached; then
  log "memcached already running (pid $(cat "$RUN/memcached.pid"))"
else
  log "starting memcached on 127.0.0.1:$MEMCACHED_PORT"
  nohup setsid /usr/bin/memcached -u memcache -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 64 \
      >"$LOGS/memcached.log" 2>&1 </dev/null &
  echo $! > "$RUN/memcached.pid"
  wait_port "$MEMCACHED_PORT" 20 || die "memcached did not listen"
fi

# No IMAP server: contacts, calendars and tasks work without one (FolderSync then
# lists only the DAV-backed folders; SOGo logs that it could not reach IMAP).

# ---------------------------------------------------------------- 5. sogod
# Config goes into GNUstep's user-defaults "sogod" domain, which SOGo gives priority
# over /etc/sogo/sogo.conf. GNUSTEP_CONFIG_FILE redirects the defaults dir here.
GS="$PEER_DIR/gnustep"
grep -v '^GNUSTEP_USER_DEFAULTS_DIR=\|^GNUSTEP_USER_CONFIG_FILE=' /etc/GNUstep/GNUstep.conf > "$GS/GNUstep.conf"
printf 'GNUSTEP_USER_DEFAULTS_DIR=%s\nGNUSTEP_USER_CONFIG_FILE=\n' "$GS/Defaults" >> "$GS/GNUstep.conf"
DB="postgresql://sogo:sogo@127.0.0.1:$PG_PORT/sogo"
cat > "$GS/Defaults/sogod.plist.new" <<EOF
{
  WOPort = "127.0.0.1:$SOGO_PORT";
  WOWorkersCount = $SOGO_WORKERS;
  WOListenQueueSize = 50;
  WOLogFile = "$LOGS/sogo.log";
  WOPidFile = "$RUN/sogo/sogod.pid";
  WOWatchDogRequestTimeout = 65;
  SOGoProfileURL = "$DB/sogo_user_profile";
  OCSFolderInfoURL = "$DB/sogo_folder_info";
  OCSSessionsFolderURL = "$DB/sogo_sessions_folder";
  OCSEMailAlarmsFolderURL = "$DB/sogo_alarms_folder";
  SOGoUserSources = (
    {
      type = sql;
      id = users;
      viewURL = "$DB/sogo_users";
      canAuthenticate = YES;
      isAddressBook = NO;
      displayName = "Test users";
      userPasswordAlgorithm = plain;
    }
  );
  SOGoMemcachedHost = "127.0.0.1:$MEMCACHED_PORT";
  SOGoIMAPServer = "imap://127.0.0.1:$IMAP_PORT";
  SOGoSMTPServer = "smtp://127.0.0.1:25";
  SOGoMailingMechanism = smtp;
  SOGoMailDomain = "$MAIL_DOMAIN";
  SOGoTimeZone = UTC;
  SOGoLanguage = English;
  SOGoSieveScriptsEnabled = NO;
  SOGoVacationEnabled = NO;
  SOGoForwardEnabled = NO;
  SOGoAppointmentSendEMailNotifications = NO;
  SOGoACLsSendEMailNotifications = NO;
  SOGoFoldersSendEMailNotifications = NO;
  SOGoEnableEMailAlarms = NO;
  SOGoPasswordChangeEnabled = NO;
  SOGoCacheCleanupInterval = 30;
  SOGoEASDebugEnabled = $SOGO_EAS_DEBUG;
  SOGoInternalSyncInterval = $SOGO_INTERNAL_SYNC_INTERVAL;
  SOGoMaximumPingInterval = $SOGO_MAX_PING_INTERVAL;
  SOGoMaximumSyncInterval = $SOGO_MAX_SYNC_INTERVAL;
  SOGoMaximumSyncWindowSize = 0;
  SOGoMaximumSyncResponseSize = 0;
}
EOF
cfg_changed=1
if [ -f "$GS/Defaults/sogod.plist" ] && cmp -s "$GS/Defaults/sogod.plist" "$GS/Defaults/sogod.plist.new"; then cfg_changed=0; fi
mv "$GS/Defaults/sogod.plist.new" "$GS/Defaults/sogod.plist"
chown -R sogo:sogo "$GS"
mkdir -p "$RUN/sogo"; chown sogo:sogo "$RUN/sogo"
touch "$LOGS/sogo.log"; chown sogo "$LOGS/sogo.log"

if pid_alive "$RUN/sogod.pid" sogod && [ "$cfg_changed" = 0 ]; then
  log "sogod already running (pid $(cat "$RUN/sogod.pid")), config unchanged"
else
  if pid_alive "$RUN/sogod.pid" sogod; then
    log "sogod config changed: restarting"
    "$(dirname "$0")/stop.sh" sogod
    for _ in $(seq 1 50); do port_open "$SOGO_PORT" || break; sleep 0.1; done
  fi
  port_open "$SOGO_PORT" && die "port $SOGO_PORT is busy (not our sogod)"
  log "starting sogod on 127.0.0.1:$SOGO_PORT ($SOGO_WORKERS workers)"
  # -WONoDetach: stay in foreground so $! is the watchdog parent; it reaps its workers on TERM
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$RUN/sogo" LANG=C.UTF-8 \
      GNUSTEP_CONFIG_FILE="$GS/GNUstep.conf" \
      nohup setsid setpriv --reuid=sogo --regid=sogo --init-groups \
      /usr/sbin/sogod -WONoDetach YES >>"$LOGS/sogod.stdout" 2>&1 </dev/null &
  echo $! > "$RUN/sogod.pid"
fi

# wait until SOGo answers (HTTP) - first start creates its tables
EAS_URL="http://127.0.0.1:$SOGO_PORT/SOGo/Microsoft-Server-ActiveSync"
spid=$(cat "$RUN/sogod.pid")
ok=0; code=000
for _ in $(seq 1 600); do
  # only "exists" here: right after launch /proc/PID/exe may still be env/nohup/setpriv
  kill -0 "$spid" 2>/dev/null || { tail -30 "$LOGS/sogo.log" >&2; die "sogod exited"; }
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -X OPTIONS -u user1:user1pass "$EAS_URL" || true)
  if [ "$code" = 200 ]; then ok=1; break; fi
  sleep 0.1
done
[ "$ok" = 1 ] || die "sogod did not answer OPTIONS on $EAS_URL (last HTTP $code)"
pid_alive "$RUN/sogod.pid" sogod || die "pid $spid is not sogod ($(readlink /proc/$spid/exe))"

# make sure each user's personal Contacts/Calendar folders exist (SOGo creates them lazily)
for u in user1 user2; do
  for c in Contacts Calendar; do
    curl -s -o /dev/null -m 30 -u "$u:${u}pass" -X PROPFIND -H 'Depth: 1' \
      "http://127.0.0.1:$SOGO_PORT/SOGo/dav/$u/$c/" || true
  done
done

T1=$(date +%s.%N)
log "ready in $(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f", b-a}')s; sogod pid $(cat "$RUN/sogod.pid")"
log "users: user1/user1pass (user1@$MAIL_DOMAIN), user2/user2pass (user2@$MAIL_DOMAIN)"
log "DAV:   http://127.0.0.1:$SOGO_PORT/SOGo/dav/<user>/Contacts/personal/  .../Calendar/personal/"
echo "$EAS_URL"
