#!/usr/bin/env bash
# demo.sh - what `make demo` does: start the project's SOGo with a few sample
# contacts and events for user1, add an account for it in a separate demo
# configuration, and run Cradle in the foreground. Edit a file under the
# printed folders, or an item in SOGo's web UI (http://127.0.0.1:20000/SOGo,
# user1 / user1pass), and watch the change arrive on the other side.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
scripts/deps.sh test
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO scripts/sogo/start.sh >/dev/null
scripts/deps.sh build && go build -o bin/cradle .

DAV=http://127.0.0.1:20000/SOGo/dav/user1
put() { curl -s -o /dev/null -w '%{http_code}' -u user1:user1pass -X PUT -H "Content-Type: $3" --data-binary "$2" "$DAV/$1"; echo " $1"; }
exists() { [ "$(curl -s -o /dev/null -w '%{http_code}' -u user1:user1pass "$DAV/$1")" = 200 ]; }
exists Contacts/personal/demo-ada.vcf || put Contacts/personal/demo-ada.vcf $'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:demo-ada\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEMAIL;TYPE=work:ada@example.test\r\nTEL;TYPE=cell:+44 20 7946 0001\r\nADR;TYPE=home:;;12 St James Square;London;;SW1Y 4JH;United Kingdom\r\nBDAY:1815-12-10\r\nEND:VCARD\r\n' 'text/vcard; charset=utf-8'
exists Contacts/personal/demo-grace.vcf || put Contacts/personal/demo-grace.vcf $'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:demo-grace\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nORG:US Navy\r\nTEL;TYPE=work:+1 555 0100\r\nEND:VCARD\r\n' 'text/vcard; charset=utf-8'
exists Calendar/personal/demo-standup.ics || put Calendar/personal/demo-standup.ics $'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cradle demo//EN\r\nBEGIN:VEVENT\r\nUID:demo-standup\r\nDTSTAMP:20261126T090000Z\r\nDTSTART;TZID=Europe/Berlin:20261201T093000\r\nDTEND;TZID=Europe/Berlin:20261201T094500\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\nSUMMARY:Stand-up\r\nLOCATION:Room 4\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' 'text/calendar; charset=utf-8'

DEMO=${DEMO_DIR:-$HOME/.local/share/cradle-demo}
export CRADLE_CONFIG_DIR="$DEMO/config" CRADLE_DATA_DIR="$DEMO/data" CRADLE_SECRETS=file
if ! ./bin/cradle account list | grep -q '^sogo '; then
  echo user1pass | ./bin/cradle account add sogo --url http://127.0.0.1:20000/SOGo/Microsoft-Server-ActiveSync --user user1 --password-stdin
fi
echo "Demo data under $DEMO; SOGo's web UI: http://127.0.0.1:20000/SOGo (user1 / user1pass). Ctrl-C stops Cradle; 'make sogo-stop' stops SOGo."
exec ./bin/cradle run
