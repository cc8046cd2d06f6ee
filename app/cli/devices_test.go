package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/internal/fakephone"
)

// runDevices runs `cradle devices args…` (the command is built directly,
// so the test does not depend on its registration in the root command).
func runDevices(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out}
	cmd := newDevices(e)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceUsage = true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// TestDevicesGammuAddPairSync drives the commands against gammu's dummy
// phone: add, pair with a local vdir, sync both ways, list.
func TestDevicesGammuAddPairSync(t *testing.T) {
	if _, err := exec.LookPath("gammu"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("gammu not installed (apt-get install gammu): %v", err)
		}
		t.Skipf("gammu not installed: %v", err)
	}
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	// No adb server for this test: listing must not wait for one.
	t.Setenv("ADB_SERVER_SOCKET", "tcp:127.0.0.1:1")
	phone := filepath.Join(base, "phone")
	if err := os.Mkdir(phone, 0o755); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(base, "gammurc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("[gammu]\nconnection = none\nmodel = dummy\ndevice = %s\n", phone)), 0o600); err != nil {
		t.Fatal(err)
	}
	contacts := filepath.Join(base, "contacts")
	if err := os.Mkdir(contacts, 0o700); err != nil {
		t.Fatal(err)
	}
	card := "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:cli-1\r\nFN:Cli Person\r\nTEL:+1 555 1234\r\nEND:VCARD\r\n"
	if err := os.WriteFile(filepath.Join(contacts, "cli-1.vcf"), []byte(card), 0o600); err != nil {
		t.Fatal(err)
	}

	steps := [][]string{
		{"add", "gammu", "nokia", "--gammurc", rc},
		{"pair", "nokia", "--contacts", contacts, "--collection", "ME"},
	}
	for _, s := range steps {
		if out, err := runDevices(t, s...); err != nil {
			t.Fatalf("%v: %v\n%s", s, err, out)
		}
	}
	if out, err := runDevices(t, "add", "gammu", "nokia", "--gammurc", rc); err == nil {
		t.Fatalf("second add with the same name succeeded:\n%s", out)
	}
	out, err := runDevices(t, "sync", "nokia")
	if err != nil || !strings.Contains(out, "device: +1 ") {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	out, err = runDevices(t, "sync", "nokia", "--json")
	if err != nil || !strings.Contains(out, `"DeviceCreated":0`) || !strings.Contains(out, `"LocalCreated":0`) {
		t.Fatalf("second sync: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(phone, "pbk", "ME", "1")); err != nil {
		t.Fatalf("contact not on the phone: %v", err)
	}

	out, err = runDevices(t, "list", "--json")
	if err != nil {
		t.Fatalf("list: %v\n%s", err, out)
	}
	var rows []deviceRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("list output: %v\n%s", err, out)
	}
	if len(rows) != 1 || rows[0].Name != "nokia" || rows[0].State != "attach" || rows[0].Contacts != contacts {
		t.Fatalf("list rows: %+v", rows)
	}
	if out, err := runDevices(t, "sync", "unknown"); err == nil {
		t.Fatalf("sync of an unknown device succeeded:\n%s", out)
	}
}

// gammuRig sets up config and data dirs, a gammu dummy phone and local
// contacts and calendar folders holding one item each.
type gammuRig struct {
	phone, rc, contacts, calendar string
}

func newGammuRig(t *testing.T) gammuRig {
	t.Helper()
	if _, err := exec.LookPath("gammu"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("gammu not installed (apt-get install gammu): %v", err)
		}
		t.Skipf("gammu not installed: %v", err)
	}
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	t.Setenv("ADB_SERVER_SOCKET", "tcp:127.0.0.1:1")
	r := gammuRig{phone: filepath.Join(base, "phone"), rc: filepath.Join(base, "gammurc"),
		contacts: filepath.Join(base, "contacts"), calendar: filepath.Join(base, "calendar")}
	for _, d := range []string{r.phone, r.contacts, r.calendar} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		r.rc:                                fmt.Sprintf("[gammu]\nconnection = none\nmodel = dummy\ndevice = %s\n", r.phone),
		filepath.Join(r.contacts, "c1.vcf"): "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:c1\r\nFN:Desk Person\r\nTEL:+1 555 1234\r\nEND:VCARD\r\n",
		filepath.Join(r.calendar, "e1.ics"): "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:e1\r\nDTSTAMP:20261126T100000Z\r\n" +
			"DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:Desk meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
	}
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestDevicesPairCalendar pairs contacts and calendar of a gammu phone and
// syncs both with one command.
func TestDevicesPairCalendar(t *testing.T) {
	r := newGammuRig(t)
	for _, s := range [][]string{
		{"add", "gammu", "nokia", "--gammurc", r.rc},
		{"pair", "nokia", "--contacts", r.contacts},
		// Pairing the calendar later keeps the contacts pairing.
		{"pair", "nokia", "--calendar", r.calendar},
	} {
		if out, err := runDevices(t, s...); err != nil {
			t.Fatalf("%v: %v\n%s", s, err, out)
		}
	}
	if out, err := runDevices(t, "pair", "nokia"); err == nil {
		t.Fatalf("pair without a collection succeeded:\n%s", out)
	}
	out, err := runDevices(t, "sync", "nokia", "--json")
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	var res map[string]struct{ DeviceCreated, LocalCreated int }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("sync output: %v\n%s", err, out)
	}
	if res["contacts"].DeviceCreated != 1 || res["calendar"].DeviceCreated != 1 || len(res) != 2 {
		t.Fatalf("sync results: %+v", res)
	}
	ev, err := os.ReadFile(filepath.Join(r.phone, "calendar", "1"))
	if err != nil || !strings.Contains(string(ev), "Desk meeting") {
		t.Fatalf("event on the phone: %v\n%s", err, ev)
	}
	out, err = runDevices(t, "list", "--json")
	var rows []deviceRow
	if err != nil || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0].Calendar != r.calendar || rows[0].Contacts != r.contacts {
		t.Fatalf("list: %v\n%s", err, out)
	}
}

// syncRecorder stands in for the engine: it records the accounts the
// follower asks it to sync and delivers the events a test sends on
// engineEvents. Other Backend methods are not used.
type syncRecorder struct {
	api.Backend
	calls        chan string
	engineEvents chan api.Event
	contacts     string
}

func (s *syncRecorder) Subscribe(ctx context.Context) <-chan api.Event { return s.engineEvents }

// Status reports one account whose contacts folder is the local path
// s.contacts.
func (s *syncRecorder) Status(ctx context.Context) (api.Status, error) {
	return api.Status{Accounts: []api.Account{{Name: "work", Folders: []api.Folder{
		{ID: "personal", Kind: "contacts", LocalPath: s.contacts}}}}}, nil
}

func (s *syncRecorder) SyncNow(ctx context.Context, account string) error {
	select {
	case s.calls <- account:
	default:
	}
	return nil
}

// runFollower starts a follower on the current configuration and returns
// it with its event subscription; it stops with the test.
func runFollower(t *testing.T) (*deviceFollower, <-chan api.Event, *syncRecorder) {
	t.Helper()
	dirs, err := config.DefaultDirs()
	if err != nil {
		t.Fatal(err)
	}
	rec := &syncRecorder{calls: make(chan string, 16), engineEvents: make(chan api.Event)}
	f := newDeviceFollower(dirs, rec)
	ctx, cancel := context.WithCancel(context.Background())
	events := f.Subscribe(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return f, events, rec
}

// awaitDeviceEvent returns the next device event with the given action.
func awaitDeviceEvent(t *testing.T, events <-chan api.Event, action string, within time.Duration) api.Event {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case ev := <-events:
			if ev.Type == "device" && ev.Action == action {
				return ev
			}
			if ev.Action == actionFailed {
				t.Fatalf("device failed: %s", ev.Detail)
			}
		case <-timeout:
			t.Fatalf("no %q device event within %v", action, within)
		}
	}
}

// TestDeviceFollowerGammu runs the daemon's follower on a paired gammu
// phone: it is reconciled when found, listed as attached and safe to
// unplug, and "Sync now" brings the phone's new contact to the local
// folder and asks the engine to sync the account.
func TestDeviceFollowerGammu(t *testing.T) {
	r := newGammuRig(t)
	stick := filepath.Join(t.TempDir(), "stick")
	if err := os.Mkdir(stick, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, s := range [][]string{
		{"add", "gammu", "nokia", "--gammurc", r.rc},
		{"pair", "nokia", "--contacts", r.contacts, "--calendar", r.calendar},
		{"add", "folder", "stick", "--path", stick},
	} {
		if out, err := runDevices(t, s...); err != nil {
			t.Fatalf("%v: %v\n%s", s, err, out)
		}
	}
	f, events, rec := runFollower(t)
	rec.contacts = r.contacts
	ctx := context.Background()
	ev := awaitDeviceEvent(t, events, actionReconciled, time.Minute)
	if !strings.Contains(ev.Detail, "nokia") {
		t.Fatalf("event: %+v", ev)
	}
	devs, err := f.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]api.Device{}
	for _, d := range devs {
		byName[d.Name] = d
	}
	n := byName["nokia"]
	if n.State != deviceAttached || !n.SafeToUnplug || n.LastReconcile.IsZero() || n.Calendar != r.calendar || n.Contacts != "personal" || n.Driver != "gammu" {
		t.Fatalf("nokia: %+v", n)
	}
	if s := byName["stick"]; s.State != deviceUnpaired || len(devs) != 2 {
		t.Fatalf("devices: %+v", devs)
	}
	select {
	case a := <-rec.calls:
		t.Fatalf("engine asked to sync %q though nothing changed locally", a)
	default:
	}

	// A contact typed into the phone reaches the local folder on "Sync now".
	card := "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Typed;Tina\r\nTEL;CELL:+49 151 1111\r\nEND:VCARD\r\n"
	if err := os.WriteFile(filepath.Join(r.phone, "pbk", "ME", "2"), []byte(card), 0o644); err != nil {
		t.Fatal(err)
	}
	before := n.LastReconcile
	if err := f.SyncDevice(ctx, "nokia"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-rec.calls:
	default:
		t.Fatal("engine not asked to sync after the phone changed the local folder")
	}
	if n, _ := countFiles(r.contacts, ".vcf"); n != 2 {
		t.Fatalf("local contacts: %d, want 2", n)
	}
	devs, _ = f.Devices(ctx)
	for _, d := range devs {
		if d.Name == "nokia" && d.LastReconcile.Before(before) {
			t.Fatalf("last reconcile went back: %v", d.LastReconcile)
		}
	}
	for _, name := range []string{"stick", "unknown"} {
		if err := f.SyncDevice(ctx, name); err == nil {
			t.Errorf("SyncDevice(%q) succeeded", name)
		}
	}

	// A server change the engine applied to the local folder reaches the
	// phone while it stays attached.
	drain(events)
	srvCard := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:srv\r\nFN:Server Sent\r\nN:Sent;Server;;;\r\nTEL:+1 555 9876\r\nEND:VCARD\r\n"
	if err := os.WriteFile(filepath.Join(r.contacts, "srv.vcf"), []byte(srvCard), 0o600); err != nil {
		t.Fatal(err)
	}
	rec.engineEvents <- api.Event{Type: "change", Side: "server", Action: "add", UID: "srv"}
	awaitDeviceEvent(t, events, actionReconciled, 30*time.Second)
	if !dirHolds(t, filepath.Join(r.phone, "pbk", "ME"), "Server") {
		t.Fatal("server change not on the phone")
	}
}

// drain discards the events already delivered.
func drain(events <-chan api.Event) {
	for {
		select {
		case <-events:
		default:
			return
		}
	}
}

func dirHolds(t *testing.T, dir, s string) bool {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}

func countFiles(dir, ext string) (int, error) {
	ents, err := os.ReadDir(dir)
	n := 0
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ext) && !strings.Contains(e.Name(), ".sync-conflict-") {
			n++
		}
	}
	return n, err
}

// TestDeviceFollowerFolderAppears: storage paired with a local folder is
// reconciled within 5 s of its contacts.vcf appearing, as when a stick is
// plugged in.
func TestDeviceFollowerFolderAppears(t *testing.T) {
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	t.Setenv("ADB_SERVER_SOCKET", "tcp:127.0.0.1:1")
	stick, contacts := filepath.Join(base, "media", "stick"), filepath.Join(base, "contacts")
	for _, d := range []string{stick, contacts} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range [][]string{
		{"add", "folder", "stick", "--path", stick, "--file", "contacts.vcf"},
		{"pair", "stick", "--contacts", contacts},
	} {
		if out, err := runDevices(t, s...); err != nil {
			t.Fatalf("%v: %v\n%s", s, err, out)
		}
	}
	_, events, _ := runFollower(t)
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:s1\r\nFN:Stick Person\r\nEND:VCARD\r\n"
	appeared := time.Now()
	if err := os.WriteFile(filepath.Join(stick, "contacts.vcf"), []byte(card), 0o600); err != nil {
		t.Fatal(err)
	}
	awaitDeviceEvent(t, events, actionReconciled, 5*time.Second)
	if took := time.Since(appeared); took > 5*time.Second {
		t.Fatalf("reconciled %v after the file appeared", took)
	}
	if n, _ := countFiles(contacts, ".vcf"); n != 1 {
		t.Fatalf("local contacts: %d, want 1", n)
	}
}

// TestMergeEvents: events of both sources arrive, and the merged channel
// closes once both sources have.
func TestMergeEvents(t *testing.T) {
	a, b := make(chan api.Event), make(chan api.Event)
	out := mergeEvents(context.Background(), a, b)
	go func() {
		a <- api.Event{Type: "change", UID: "1"}
		b <- api.Event{Type: "device", Action: actionReconciled}
		close(a)
		b <- api.Event{Type: "device", Action: actionDetached}
		close(b)
	}()
	var got []string
	for ev := range out {
		got = append(got, ev.Type+"/"+ev.UID+ev.Action)
	}
	if strings.Join(got, " ") != "change/1 device/reconciled device/detached" {
		t.Fatalf("merged: %v", got)
	}
}

// TestDeviceFollowerAndroid runs the follower against the real adb server
// and the fake phone: a paired phone that has not accepted this computer
// is listed as unauthorized with what to do, is reconciled once the user
// allows it, and an unpaired phone on the same server is listed for
// pairing.
func TestDeviceFollowerAndroid(t *testing.T) {
	srv := fakephone.StartADBServer(t)
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	t.Setenv("ADB_SERVER_SOCKET", srv.Socket)
	locked, err := fakephone.Start(fakephone.Options{Unauthorized: true, Model: "Pixel_9"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locked.Close() })
	other, err := fakephone.Start(fakephone.Options{Model: "Moto_G"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	if _, err := locked.Provider().Insert(fakephone.EventsURI, map[string]string{"calendar_id": "1", "title": "Phone lunch",
		"dtstart": "1796126400000", "dtend": "1796130000000", "eventTimezone": "UTC", "allDay": "0"}); err != nil {
		t.Fatal(err)
	}
	contacts, calendar := filepath.Join(base, "contacts"), filepath.Join(base, "calendar")
	for _, d := range []string{contacts, calendar} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := runDevices(t, "pair", locked.Addr(), "--contacts", contacts, "--calendar", calendar); err != nil {
		t.Fatalf("pair: %v\n%s", err, out)
	}
	f, events, _ := runFollower(t)
	srv.Connect(t, other.Addr())
	// `adb connect` to a phone that waits for the user's consent
	// returns only once the phone answers; connect in the background.
	connected := make(chan struct{})
	go func() {
		defer close(connected)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, _ = srv.Run(ctx, "connect", locked.Addr())
	}()
	t.Cleanup(func() { <-connected })
	ev := awaitDeviceEvent(t, events, actionUnauthorized, time.Minute)
	if !strings.Contains(ev.Detail, "Allow") {
		t.Fatalf("unauthorized event: %+v", ev)
	}
	devs, err := f.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, d := range devs {
		states[d.ID] = d.State
	}
	if states[locked.Addr()] != deviceUnauthorized || states[other.Addr()] != deviceUnpaired || len(devs) != 2 {
		t.Fatalf("devices: %+v", devs)
	}
	locked.Authorize()
	awaitDeviceEvent(t, events, actionReconciled, time.Minute)
	if n, _ := countFiles(calendar, ".ics"); n != 1 {
		t.Fatalf("phone event not in the local calendar (%d files)", n)
	}
}

// TestDeviceFollowerReload: a phone paired while the follower runs is
// followed after Reload, as `cradle devices pair` asks of the daemon.
func TestDeviceFollowerReload(t *testing.T) {
	r := newGammuRig(t)
	f, events, _ := runFollower(t)
	for _, s := range [][]string{
		{"add", "gammu", "nokia", "--gammurc", r.rc},
		{"pair", "nokia", "--contacts", r.contacts},
	} {
		if out, err := runDevices(t, s...); err != nil {
			t.Fatalf("%v: %v\n%s", s, err, out)
		}
	}
	f.Reload()
	awaitDeviceEvent(t, events, actionReconciled, time.Minute)
	if !dirHolds(t, filepath.Join(r.phone, "pbk", "ME"), "Desk") {
		t.Fatal("local contact not on the phone after reload")
	}
}

// A phone known only by its port gets a gammurc written for it; flags
// cannot smuggle further settings into that file.
func TestDevicesAddGammuByPort(t *testing.T) {
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	if out, err := runDevices(t, "add", "gammu", "modem", "--port", "/dev/ttyUSB0"); err != nil {
		t.Fatalf("add by port: %v\n%s", err, out)
	}
	conf, err := loadDevices(filepath.Join(base, "config"))
	if err != nil {
		t.Fatal(err)
	}
	d := conf.find("modem")
	if d == nil || d.Driver != "gammu" {
		t.Fatalf("device not configured: %+v", conf)
	}
	rc, err := os.ReadFile(d.ID)
	if err != nil {
		t.Fatalf("gammurc %s: %v", d.ID, err)
	}
	if want := "[gammu]\ndevice = /dev/ttyUSB0\nconnection = at\n"; string(rc) != want {
		t.Fatalf("gammurc = %q, want %q", rc, want)
	}
	if out, err := runDevices(t, "add", "gammu", "evil", "--port", "/dev/ttyUSB1\nmodel = dummy"); err == nil {
		t.Fatalf("a port with a line break was accepted:\n%s", out)
	}
	if out, err := runDevices(t, "add", "gammu", "none"); err == nil {
		t.Fatalf("add without --gammurc or --port succeeded:\n%s", out)
	}
}
