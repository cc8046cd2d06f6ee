package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/internal/fakephone"
	"github.com/cradle-sync/cradle/internal/sogotest"
)

// The daemon logs this line, with device=NAME, each time it brought a
// device in step.
const inStep = "device in step; safe to unplug"

func requireTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (apt-get install %s): %v", name, pkg, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
}

// cradle runs the CLI with the install's environment plus env.
func (in *install) cradle(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append([]string(nil), in.env...), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cradle %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// calendarDir is the local folder of the account's only calendar.
func (in *install) calendarDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(in.dirs.Data, "accounts", "sogo", "calendar", "*"))
	var out []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			out = append(out, d)
		}
	}
	if len(out) != 1 {
		t.Fatalf("calendar folders: %v, want one", out)
	}
	return out[0]
}

// folderID returns the id `cradle status` gives the folder kept at path.
func (in *install) folderID(t *testing.T, path string) string {
	t.Helper()
	cmd := exec.Command(binary, "status", "--json")
	cmd.Env = in.env
	out, err := cmd.Output() // stdout only: GUI libraries may log to stderr
	var st api.Status
	if err != nil || json.Unmarshal(out, &st) != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	for _, a := range st.Accounts {
		for _, f := range a.Folders {
			if f.LocalPath == path {
				return f.ID
			}
		}
	}
	t.Fatalf("no folder at %s in %+v", path, st)
	return ""
}

// daemon is a running `cradle run` with extra environment.
type daemon struct {
	in  *install
	cmd *exec.Cmd
}

func (in *install) startWith(env ...string) *daemon {
	cmd := exec.Command(binary, "run", "--no-tray")
	cmd.Env = append(append([]string(nil), in.env...), env...)
	logf, err := os.OpenFile(filepath.Join(in.dirs.Data, "daemon.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		in.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	logf.Close()
	return &daemon{in: in, cmd: cmd}
}

// stop ends the daemon as a logout would.
func (d *daemon) stop() {
	if d.cmd == nil {
		return
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.cmd.Wait()
	d.cmd = nil
	// SOGo keeps serving an abandoned Ping until its heartbeat ends; a
	// request from the same device releases it at once.
	d.in.syncOnce()
}

func (in *install) log() string {
	b, _ := os.ReadFile(filepath.Join(in.dirs.Data, "daemon.log"))
	return string(b)
}

// reconciles returns the daemon's "in step" lines for the device, oldest
// first.
func (in *install) reconciles(name string) []string {
	var out []string
	for _, l := range strings.Split(in.log(), "\n") {
		if strings.Contains(l, inStep) && strings.Contains(l, " device="+name+" ") {
			out = append(out, l)
		}
	}
	return out
}

// await polls cond until it holds. The daemon, SOGo and the adb server are
// other processes: asking again is the only way to observe them.
func await(t *testing.T, in *install, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v (%s)\ndaemon log:\n%s", what, within, state, tail(in.log(), 60))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// serverContacts returns the contacts of the user's address book on SOGo,
// by resource name, read over CardDAV.
func serverContacts(t *testing.T, srv *sogotest.Server, user, pass string) map[string]string {
	out := map[string]string{}
	for _, n := range srv.ListContacts(t, user, pass) {
		if c, ok := srv.GetContact(t, user, pass, n); ok {
			out[n] = c
		}
	}
	return out
}

func serverEvents(t *testing.T, srv *sogotest.Server, user, pass string) map[string]string {
	out := map[string]string{}
	for _, n := range srv.ListEvents(t, user, pass) {
		if c, ok := srv.GetEvent(t, user, pass, n); ok {
			out[n] = c
		}
	}
	return out
}

// countContaining counts the values holding s.
func countContaining(m map[string]string, s string) int {
	n := 0
	for _, v := range m {
		if strings.Contains(v, s) {
			n++
		}
	}
	return n
}

const officeCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:office\r\nFN:Office Reception\r\nN:Reception;Office;;;\r\nTEL;TYPE=work:%s\r\nEND:VCARD\r\n"

const seedEvent = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:seed\r\nDTSTAMP:20261126T100000Z\r\n" +
	"DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:Server seed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// seedAndroid fills the fake phone as its owner would have: contacts made
// on the phone (Google account rows, so deletions only mark them) and
// calendar events without UIDs, as Android's Calendar app leaves them.
func seedAndroid(t *testing.T, p *fakephone.Provider, contacts, events int) {
	t.Helper()
	base := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	for i := range contacts {
		id, err := p.Insert(fakephone.RawContactsURI, map[string]string{"account_type": "com.google", "sourceid": fmt.Sprint("g", i)})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []map[string]string{
			{"mimetype": "vnd.android.cursor.item/name", "data1": fmt.Sprintf("Phone%03d Family", i), "data2": fmt.Sprintf("Phone%03d", i), "data3": "Family"},
			{"mimetype": "vnd.android.cursor.item/phone_v2", "data1": fmt.Sprintf("+49 30 %07d", i), "data2": "2"},
			{"mimetype": "vnd.android.cursor.item/email_v2", "data1": fmt.Sprintf("p%03d@example.org", i), "data2": "1"},
		} {
			r["raw_contact_id"] = fmt.Sprint(id)
			if _, err := p.Insert(fakephone.DataURI, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range events {
		start := base.Add(time.Duration(i) * 26 * time.Hour)
		if _, err := p.Insert(fakephone.EventsURI, map[string]string{
			"calendar_id": "1", "title": fmt.Sprintf("Phone event %03d", i), "dtstart": fmt.Sprint(start.UnixMilli()),
			"dtend": fmt.Sprint(start.Add(time.Hour).UnixMilli()), "eventTimezone": "Europe/Berlin", "allDay": "0",
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// phoneNames returns the display names of the phone's live contacts.
func phoneNames(p *fakephone.Provider) map[string]int {
	live := map[string]bool{}
	for _, r := range p.Rows(fakephone.RawContactsURI, map[string]string{"deleted": "0"}) {
		live[r["_id"]] = true
	}
	out := map[string]int{}
	for _, r := range p.Rows(fakephone.DataURI, map[string]string{"mimetype": "vnd.android.cursor.item/name"}) {
		if live[r["raw_contact_id"]] {
			out[r["data1"]]++
		}
	}
	return out
}

func phoneHasNumber(p *fakephone.Provider, number string) bool {
	return len(p.Rows(fakephone.DataURI, map[string]string{"mimetype": "vnd.android.cursor.item/phone_v2", "data1": number})) > 0
}

func phoneEvents(p *fakephone.Provider) int {
	return len(p.Rows(fakephone.EventsURI, map[string]string{"deleted": "0"}))
}

// Attaching an Android phone (the fake adbd phone behind the real adb
// server) with 300 contacts and 100 events to a running daemon brings it
// in step with SOGo and the local folders both ways; a server change
// reaches the phone while it stays attached; a contact deleted on the
// phone is deleted on the server at the next attach; and attaching again
// changes nothing on either side.
func TestDaemonReconcilesAndroidPhoneWithServer(t *testing.T) {
	requireTool(t, "adb", "adb")
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	srv.PutContact(t, user, pass, "office.vcf", fmt.Sprintf(officeCard, "+44 20 7946 0000"))
	srv.PutEvent(t, user, pass, "seed.ics", seedEvent)
	in := newInstall(t, srv, user, pass)
	in.syncOnce()

	adbSrv := fakephone.StartADBServer(t)
	phone, err := fakephone.Start(fakephone.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { phone.Close() })
	const nContacts, nEvents = 300, 100
	seedAndroid(t, phone.Provider(), nContacts, nEvents)
	env := []string{"ADB_SERVER_SOCKET=" + adbSrv.Socket}
	serial := phone.Addr()
	in.cradle(t, env, "devices", "pair", serial, "--contacts", in.contactsDir(), "--calendar", in.calendarDir(t))

	d := in.startWith(env...)
	defer d.stop()
	adbSrv.Connect(t, serial)
	p := phone.Provider()

	// First attach: everything crosses both ways.
	await(t, in, 3*time.Minute, "first attach in step", func() (bool, string) {
		sc, se := len(srv.ListContacts(t, user, pass)), len(srv.ListEvents(t, user, pass))
		local, _ := countVCF(in.contactsDir())
		names := phoneNames(p)
		ok := sc == nContacts+1 && se == nEvents+1 && local == nContacts+1 &&
			names["Office Reception"] == 1 && len(names) == nContacts+1 && phoneEvents(p) == nEvents+1
		return ok, fmt.Sprintf("server %d contacts %d events, local %d contacts, phone %d contacts %d events",
			sc, se, local, len(names), phoneEvents(p))
	})
	contacts := serverContacts(t, srv, user, pass)
	if n := countContaining(contacts, "Phone007 Family"); n != 1 || countContaining(contacts, "+49 30 0000007") != 1 {
		t.Fatalf("phone contact 7 on the server %d times", n)
	}
	if n := countContaining(serverEvents(t, srv, user, pass), "Phone event 042"); n != 1 {
		t.Fatalf("phone event 42 on the server %d times", n)
	}
	if _, names := countVCF(in.contactsDir()); names["FN:Phone123 Family"] != 1 {
		t.Fatalf("phone contact 123 in the local folder %d times", names["FN:Phone123 Family"])
	}

	// A server change reaches the phone still in its cradle.
	srv.PutContact(t, user, pass, "office.vcf", fmt.Sprintf(officeCard, "+44 20 7946 1111"))
	await(t, in, 2*time.Minute, "server change on the phone", func() (bool, string) {
		return phoneHasNumber(p, "+44 20 7946 1111"), "office number unchanged on the phone"
	})

	// A contact deleted on the phone is deleted on the server once the
	// phone is plugged in again.
	if n, err := p.Delete(fakephone.RawContactsURI, map[string]string{"sourceid": "g5"}); err != nil || n != 1 {
		t.Fatalf("delete on the phone: %d %v", n, err)
	}
	reattach := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if out, err := adbSrv.Run(ctx, "disconnect", serial); err != nil {
			t.Fatalf("adb disconnect: %v\n%s", err, out)
		}
		adbSrv.Connect(t, serial)
	}
	reattach()
	await(t, in, 2*time.Minute, "phone deletion on the server", func() (bool, string) {
		sc := len(srv.ListContacts(t, user, pass))
		local, _ := countVCF(in.contactsDir())
		return sc == nContacts && local == nContacts, fmt.Sprintf("server %d, local %d contacts", sc, local)
	})
	contacts = serverContacts(t, srv, user, pass)
	if countContaining(contacts, "Phone005 Family") != 0 {
		t.Fatal("contact deleted on the phone still on the server")
	}

	// The control socket lists the phone as the Devices window shows it,
	// and "Sync now" reconciles it.
	c := client.New(filepath.Join(in.dirs.Data, "control.sock"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var dev api.Device
	await(t, in, 30*time.Second, "device listed as attached", func() (bool, string) {
		devs, err := c.Devices(ctx)
		for _, d := range devs {
			if d.ID == serial {
				dev = d
			}
		}
		return err == nil && dev.State == "attached", fmt.Sprintf("%+v %v", devs, err)
	})
	if !dev.SafeToUnplug || dev.LastReconcile.IsZero() || dev.Driver != "adb" || dev.Contacts != in.folderID(t, in.contactsDir()) {
		t.Fatalf("device over the control socket: %+v", dev)
	}
	done := len(in.reconciles(serial))
	if err := c.SyncDevice(ctx, serial); err != nil {
		t.Fatalf("sync now: %v", err)
	}
	if n := len(in.reconciles(serial)); n != done+1 {
		t.Fatalf("sync now logged %d reconciles", n-done)
	}
	if err := c.SyncDevice(ctx, "no-such-phone"); err == nil {
		t.Fatal("sync now of an unknown device succeeded")
	}

	// Attaching again changes nothing: no writes to the phone, nothing
	// new locally or on the server.
	writes, events := p.Writes(), serverEvents(t, srv, user, pass)
	done = len(in.reconciles(serial))
	reattach()
	await(t, in, time.Minute, "second attach reconciled", func() (bool, string) {
		return len(in.reconciles(serial)) > done, "no new reconcile logged"
	})
	last := in.reconciles(serial)[len(in.reconciles(serial))-1]
	if strings.Count(last, "local: +0 ~0 -0; device: +0 ~0 -0") != 2 {
		t.Fatalf("second attach changed something: %s", last)
	}
	if w := p.Writes(); w != writes {
		t.Fatalf("second attach wrote to the phone %d times", w-writes)
	}
	if after := serverContacts(t, srv, user, pass); !sameMap(after, contacts) {
		t.Fatal("server contacts changed by the second attach")
	}
	if after := serverEvents(t, srv, user, pass); !sameMap(after, events) {
		t.Fatal("server events changed by the second attach")
	}
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// gammuEntries returns the files of a gammu dummy phone folder (pbk/ME,
// calendar) by content.
func gammuEntries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

func countIn(entries []string, s string) int {
	n := 0
	for _, e := range entries {
		if strings.Contains(e, s) {
			n++
		}
	}
	return n
}

// A feature phone (gammu's dummy phone, driven by the real gammu) paired
// with an account's address book and calendar: the daemon brings the
// phone's contact and calendar entry to the server and the server's to the
// phone, and attaching it again and again (each daemon start finds it
// anew) duplicates nothing, although gammu keeps no UIDs.
func TestDaemonReconcilesPairedPhoneWithServer(t *testing.T) {
	requireTool(t, "gammu", "gammu")
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	srv.PutContact(t, user, pass, "office.vcf", fmt.Sprintf(officeCard, "+44 20 7946 0000"))
	srv.PutEvent(t, user, pass, "seed.ics", seedEvent)
	in := newInstall(t, srv, user, pass)
	in.syncOnce()

	phone := filepath.Join(t.TempDir(), "phone")
	pbk, cal := filepath.Join(phone, "pbk", "ME"), filepath.Join(phone, "calendar")
	for _, dir := range []string{pbk, cal} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The phone's own entries, as gammu's dummy phone stores them.
	for path, s := range map[string]string{
		filepath.Join(pbk, "1"): "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Mobile;Maria\r\nTEL;CELL:+49 151 23456789\r\nEND:VCARD\r\n",
		filepath.Join(cal, "1"): "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nCATEGORIES:MEETING\r\nDTSTART:20261203T140000Z\r\n" +
			"DTEND:20261203T150000Z\r\nSUMMARY:Dentist on the phone\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(t.TempDir(), "gammurc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("[gammu]\nconnection = none\nmodel = dummy\ndevice = %s\n", phone)), 0o600); err != nil {
		t.Fatal(err)
	}
	in.cradle(t, nil, "devices", "add", "gammu", "nokia", "--gammurc", rc)
	in.cradle(t, nil, "devices", "pair", "nokia", "--contacts", in.contactsDir(), "--calendar", in.calendarDir(t))

	for attach := 1; attach <= 3; attach++ {
		d := in.startWith()
		await(t, in, 2*time.Minute, fmt.Sprintf("attach %d in step", attach), func() (bool, string) {
			n := len(in.reconciles("nokia"))
			contacts, events := serverContacts(t, srv, user, pass), serverEvents(t, srv, user, pass)
			entries, calEntries := gammuEntries(t, pbk), gammuEntries(t, cal)
			ok := n >= attach && countContaining(contacts, "Maria") == 1 && countContaining(events, "Dentist on the phone") == 1 &&
				countIn(entries, "Reception") == 1 && countIn(calEntries, "Server seed") == 1
			return ok, fmt.Sprintf("%d reconciles; server: %d contacts, %d events; phone: %d contacts, %d events",
				n, len(contacts), len(events), len(entries), len(calEntries))
		})
		d.stop()
		// Nothing is twice anywhere.
		if n := len(srv.ListContacts(t, user, pass)); n != 2 {
			t.Fatalf("attach %d: server holds %d contacts, want 2", attach, n)
		}
		if n := len(srv.ListEvents(t, user, pass)); n != 2 {
			t.Fatalf("attach %d: server holds %d events, want 2", attach, n)
		}
		if n := len(gammuEntries(t, pbk)); n != 2 {
			t.Fatalf("attach %d: phone holds %d contacts, want 2", attach, n)
		}
		if n := len(gammuEntries(t, cal)); n != 2 {
			t.Fatalf("attach %d: phone holds %d calendar entries, want 2", attach, n)
		}
		if n, _ := countVCF(in.contactsDir()); n != 2 {
			t.Fatalf("attach %d: local folder holds %d contacts, want 2", attach, n)
		}
	}
	// Later attaches found both sides in step.
	for _, l := range in.reconciles("nokia")[1:] {
		if strings.Count(l, "local: +0 ~0 -0; device: +0 ~0 -0") != 2 {
			t.Fatalf("a repeated attach changed something: %s", l)
		}
	}
}

// Storage holding a contacts.vcf (a stick, a card, a phone mounted over
// MTP) is reconciled within 5 s of appearing, and its contact reaches the
// server: first as a folder whose file appears, then, where the test may
// mount, as a tmpfs mounted over the configured path.
func TestDaemonReconcilesStorageWhenItAppears(t *testing.T) {
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	in := newInstall(t, srv, user, pass)
	in.syncOnce()

	media := t.TempDir()
	stick, card := filepath.Join(media, "STICK"), filepath.Join(media, "CARD")
	for _, dir := range []string{stick, card} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	in.cradle(t, nil, "devices", "add", "folder", "stick", "--path", stick, "--file", "contacts.vcf")
	in.cradle(t, nil, "devices", "pair", "stick", "--contacts", in.contactsDir())
	canMount := os.Geteuid() == 0 && exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", card).Run() == nil
	if canMount {
		exec.Command("umount", card).Run()
		in.cradle(t, nil, "devices", "add", "folder", "card", "--path", card, "--file", "contacts.vcf")
		in.cradle(t, nil, "devices", "pair", "card", "--contacts", in.contactsDir())
	}
	d := in.startWith()
	defer d.stop()
	in.waitState("waiting", time.Minute)

	vcard := func(name string) []byte {
		return []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + strings.ToLower(name) + "\r\nFN:" + name + " Person\r\nN:Person;" + name + ";;;\r\nEND:VCARD\r\n")
	}
	appears := func(name string, appear func()) {
		t.Helper()
		before := len(in.reconciles(name))
		start := time.Now()
		appear()
		await(t, in, 5*time.Second, name+" reconciled after appearing", func() (bool, string) {
			return len(in.reconciles(name)) > before, "no reconcile logged"
		})
		t.Logf("%s reconciled %v after appearing", name, time.Since(start).Round(time.Millisecond))
	}

	// The file appears whole, as a copy finishing by rename does.
	appears("stick", func() {
		tmp := filepath.Join(media, ".contacts.vcf.tmp")
		if err := os.WriteFile(tmp, vcard("Stick"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(stick, "contacts.vcf")); err != nil {
			t.Fatal(err)
		}
	})
	wantOnServer := []string{"Stick Person"}
	if canMount {
		// A file system holding the file is mounted at the configured path.
		staging := t.TempDir()
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", staging).CombinedOutput(); err != nil {
			t.Fatalf("mount tmpfs: %v\n%s", err, out)
		}
		t.Cleanup(func() {
			exec.Command("umount", card).Run()
			exec.Command("umount", staging).Run()
		})
		if err := os.WriteFile(filepath.Join(staging, "contacts.vcf"), vcard("Card"), 0o644); err != nil {
			t.Fatal(err)
		}
		appears("card", func() {
			if out, err := exec.Command("mount", "--bind", staging, card).CombinedOutput(); err != nil {
				t.Fatalf("mount --bind: %v\n%s", err, out)
			}
		})
		wantOnServer = append(wantOnServer, "Card Person")
	} else {
		t.Log("not root: the tmpfs case is left out")
	}
	await(t, in, 2*time.Minute, "storage contacts on the server", func() (bool, string) {
		contacts := serverContacts(t, srv, user, pass)
		for _, w := range wantOnServer {
			if countContaining(contacts, w) != 1 {
				return false, fmt.Sprintf("%q on the server %d times", w, countContaining(contacts, w))
			}
		}
		return true, ""
	})
}
