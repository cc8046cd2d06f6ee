package bustest

import (
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
)

// Watcher is a minimal org.kde.StatusNotifierWatcher, the service a panel
// provides and a tray item registers with.
type Watcher struct {
	// Registered receives the sender and argument of every
	// RegisterStatusNotifierItem call.
	Registered chan Registration
}

// Registration is one RegisterStatusNotifierItem call.
type Registration struct {
	Sender  string // unique bus name of the caller
	Service string // what it passed: a bus name or an object path
}

// RegisterStatusNotifierItem is the D-Bus method items call.
func (w *Watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.Registered <- Registration{Sender: string(sender), Service: service}
	return nil
}

// ServeWatcher exports a Watcher on conn and claims the watcher's bus
// name, as a panel does when it starts.
func ServeWatcher(t testing.TB, conn *dbus.Conn) *Watcher {
	t.Helper()
	w := &Watcher{Registered: make(chan Registration, 16)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	claim(t, conn, "org.kde.StatusNotifierWatcher")
	return w
}

// Notifications is a fake org.freedesktop.Notifications service.
type Notifications struct {
	// Shown receives every Notify call.
	Shown chan Notification

	mu   sync.Mutex // godbus may serve calls concurrently
	next uint32
}

// Notification is one Notify call's arguments.
type Notification struct {
	App      string
	Replaces uint32
	Icon     string
	Summary  string
	Body     string
	Hints    map[string]dbus.Variant
	ID       uint32 // the id the fake answered with
}

// Notify is the D-Bus method; it answers with ids 1, 2, 3, …, or with
// replaces when that is non-zero, as real servers do.
func (n *Notifications) Notify(app string, replaces uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	id := replaces
	if id == 0 {
		n.mu.Lock()
		n.next++
		id = n.next
		n.mu.Unlock()
	}
	n.Shown <- Notification{App: app, Replaces: replaces, Icon: icon, Summary: summary, Body: body, Hints: hints, ID: id}
	return id, nil
}

// ServeNotifications exports a fake notification service on conn.
func ServeNotifications(t testing.TB, conn *dbus.Conn) *Notifications {
	t.Helper()
	n := &Notifications{Shown: make(chan Notification, 16)}
	if err := conn.Export(n, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	claim(t, conn, "org.freedesktop.Notifications")
	return n
}

func claim(t testing.TB, conn *dbus.Conn, name string) {
	t.Helper()
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("claim %s: reply %v, err %v", name, reply, err)
	}
}
