package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

// The windows against the real client and control server, with a
// backend that keeps no history and follows no phones: they say so
// rather than fail.
func TestWindowsAgainstDaemonWithoutOptionalFeatures(t *testing.T) {
	b := controltest.NewBackend(api.Status{Accounts: []api.Account{{Name: "work", State: "waiting"}}},
		api.Conflict{ID: 3, Account: "work", Folder: "Contacts", Kind: "contacts", UID: "u3", Local: localCard, Server: serverCard})
	// Only api.Backend shows through: no activity log, devices or reload.
	c := client.New(controltest.Start(t, &control.Server{Backend: struct{ api.Backend }{b}}))
	defer c.Close()
	a := test.NewTempApp(t)

	act := NewActivity(a, Env{Daemon: c})
	if _, err := act.history(t.Context()); !errors.Is(err, errNoHistory) {
		t.Errorf("history: %v; want errNoHistory", err)
	}

	dev := NewDevices(a, Env{Daemon: c})
	dev.bg = inline
	dev.load(t.Context())
	if !strings.Contains(dev.notice.Text, "does not follow phones") {
		t.Errorf("devices notice %q", dev.notice.Text)
	}

	con := NewConflicts(a, Env{Daemon: c})
	cs, err := c.Conflicts(t.Context())
	con.show(cs, err)
	con.list.Select(0)
	test.Tap(con.keepServer)
	calls := strings.Join(b.Calls(), "|")
	if !strings.Contains(calls, "ResolveConflict 3 server") {
		t.Errorf("backend calls %s; want the conflict resolved with the server's version", calls)
	}
}

// With a daemon that follows phones, the devices window lists them and
// Sync now reaches the daemon; the activity window gets the history.
func TestWindowsAgainstFullDaemon(t *testing.T) {
	b := controltest.NewBackend(api.Status{})
	b.SetDevices(api.Device{Name: "Pixel", Driver: "adb", State: "attached", Account: "work", Contacts: "c1", SafeToUnplug: true})
	b.Publish(api.Event{Type: "change", Account: "work", Folder: "Contacts", Side: "server", Action: "add", UID: "u1"})
	c := client.New(controltest.Start(t, &control.Server{Backend: b}))
	defer c.Close()
	a := test.NewTempApp(t)

	dev := NewDevices(a, Env{Daemon: c})
	dev.bg = inline
	dev.load(t.Context())
	bs := buttons(dev.rows)
	if len(bs) != 1 || bs[0].Disabled() {
		t.Fatalf("devices window: %q, %d buttons", texts(dev.rows), len(bs))
	}
	test.Tap(bs[0])
	if calls := strings.Join(b.Calls(), "|"); !strings.Contains(calls, "SyncDevice Pixel") {
		t.Errorf("backend calls %s; want SyncDevice Pixel", calls)
	}

	act := NewActivity(a, Env{Daemon: c})
	evs, err := act.history(t.Context())
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	act.showHistory(evs, nil)
	if act.notice.Visible() {
		t.Errorf("notice %q shown with history available", act.notice.Text)
	}
	if act.list.Length() != 1 || act.shown[0].UID != "u1" {
		t.Errorf("recent changes %+v; want the published change", act.shown)
	}
}
