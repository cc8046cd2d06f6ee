package tray

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/godbus/dbus/v5"
)

// ErrNoNotifications reports that the session has no desktop notification
// service (or no session bus at all). Callers usually ignore it.
var ErrNoNotifications = errors.New("no desktop notification service")

// Notifier posts desktop notifications through the freedesktop
// notification service (org.freedesktop.Notifications) on the session
// bus. It connects for each note: notes are rare, and a short-lived
// connection cannot go stale while the daemon runs for weeks. The zero
// Notifier is ready to use; it is safe for concurrent use.
type Notifier struct {
	// AppName names the sender; empty means "Cradle".
	AppName string
	// Icon is an icon theme name or file path; empty means "cradle", the
	// name the package installs into the hicolor theme.
	Icon string
	// Address is the session bus address; empty means find it as the
	// tray does, never starting a bus.
	Address string

	mu  sync.Mutex
	ids map[string]uint32 // notification id last shown per Note.Key
}

// Notify shows n. A note with the same non-empty Key as an earlier one
// replaces it on screen. Without a notification service or session bus it
// returns an error wrapping ErrNoNotifications and shows nothing.
func (nf *Notifier) Notify(ctx context.Context, n Note) error {
	addr := nf.Address
	if addr == "" {
		addr = sessionAddress()
	}
	if addr == "" {
		return fmt.Errorf("notify: no session bus: %w", ErrNoNotifications)
	}
	conn, err := dbus.Connect(addr, dbus.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("notify: connect to session bus: %w: %w", ErrNoNotifications, err)
	}
	defer conn.Close()

	app, icon := nf.AppName, nf.Icon
	if app == "" {
		app = "Cradle"
	}
	if icon == "" {
		icon = "cradle"
	}
	nf.mu.Lock()
	replaces := nf.ids[n.Key]
	nf.mu.Unlock()

	hints := map[string]dbus.Variant{
		// Lets shells group the note with the application's launcher.
		"desktop-entry": dbus.MakeVariant("cradle"),
		"urgency":       dbus.MakeVariant(byte(1)), // normal
	}
	var id uint32
	call := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications").CallWithContext(ctx,
		"org.freedesktop.Notifications.Notify", 0,
		app, replaces, icon, n.Title, n.Body, []string{}, hints, int32(-1))
	if err := call.Store(&id); err != nil {
		var derr dbus.Error
		if errors.As(err, &derr) && derr.Name == "org.freedesktop.DBus.Error.ServiceUnknown" {
			return fmt.Errorf("notify: %w", ErrNoNotifications)
		}
		return fmt.Errorf("notify %q: %w", n.Title, err)
	}
	if n.Key != "" {
		nf.mu.Lock()
		if nf.ids == nil {
			nf.ids = make(map[string]uint32)
		}
		nf.ids[n.Key] = id
		nf.mu.Unlock()
	}
	return nil
}

// Notify shows one desktop notification with a default Notifier; see
// Notifier.Notify.
func Notify(ctx context.Context, title, body string) error {
	var nf Notifier
	return nf.Notify(ctx, Note{Title: title, Body: body})
}
