//go:build (linux || freebsd || openbsd || netbsd) && !android

package tray

import (
	"fmt"
	"log/slog"
	"sync"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

// watcherName is the bus name a tray host (panel) owns.
const watcherName = "org.kde.StatusNotifierWatcher"

// systrayUI is the surface on a Unix desktop: a StatusNotifierItem with a
// dbusmenu, exported by fyne.io/systray on the session bus.
type systrayUI struct {
	items [numEntries]*systray.MenuItem
	shown view
	end   func()
	conn  *dbus.Conn // the session bus connection systray uses
	log   *slog.Logger
	gone  bool // the bus went away; the icon with it

	out  chan entry
	done chan struct{}
	wg   sync.WaitGroup // forwarders
}

// startSystray exports the icon showing v. systray keeps its state in
// package globals, which is why Run allows itself once per process.
func startSystray(v view, icon []byte, log *slog.Logger) (surface, error) {
	// Connect first: systray v1.12.2 logs and carries on when it cannot
	// reach the bus, then crashes on shutdown closing the connection it
	// never made. The connection is godbus's shared one, which systray
	// then reuses.
	conn, err := dbus.SessionBus()
	if err != nil {
		return nil, fmt.Errorf("connect to session bus: %w", err)
	}
	u := &systrayUI{shown: v, conn: conn, log: log, out: make(chan entry, 4), done: make(chan struct{})}

	// The title at export time also becomes the item's Id, which hosts
	// use to remember placement; keep it stable.
	systray.SetTitle("Cradle")
	systray.SetTooltip(v.tooltip)
	systray.SetIcon(icon)
	for _, e := range menuOrder {
		if e == separator {
			systray.AddSeparator()
			continue
		}
		it := systray.AddMenuItem(v.items[e].label, "")
		if !v.items[e].enabled {
			it.Disable()
		}
		u.items[e] = it
		u.wg.Go(func() { u.forward(e, it.ClickedCh) })
	}
	start, end := systray.RunWithExternalLoop(nil, nil)
	start()
	u.end = end
	systray.SetTitle(v.title)

	var hosted bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&hosted); err == nil && !hosted {
		log.Info("tray: no tray host on the session bus yet; the icon appears when a panel starts")
	}
	return u, nil
}

// forward passes clicks on one menu entry to the loop. systray drops a
// click when nobody is receiving at that instant, so each entry has a
// receiver that is always ready.
func (u *systrayUI) forward(e entry, clicked <-chan struct{}) {
	for {
		select {
		case <-u.done:
			return
		case <-clicked:
			select {
			case u.out <- e:
			case <-u.done:
				return
			}
		}
	}
}

func (u *systrayUI) clicks() <-chan entry { return u.out }

// apply changes what differs from the last view. The icon goes last: a
// host that re-reads everything on NewIcon then sees the whole new state.
func (u *systrayUI) apply(v view, icon []byte) {
	if u.gone {
		return
	}
	// systray v1.12.2's SetIcon panics (prop.SetMust) when the bus
	// connection has gone, and Connected can only say it had not a moment
	// ago. Losing the icon must not take the daemon down.
	defer func() {
		if r := recover(); r != nil {
			u.lost(fmt.Sprint(r))
		}
	}()
	if !u.conn.Connected() {
		u.lost("connection closed")
		return
	}
	if v.title != u.shown.title {
		systray.SetTitle(v.title)
	}
	if v.tooltip != u.shown.tooltip {
		systray.SetTooltip(v.tooltip)
	}
	for e, it := range u.items {
		if it == nil {
			continue
		}
		was, now := u.shown.items[e], v.items[e]
		if now.label != was.label {
			it.SetTitle(now.label)
		}
		if now.enabled != was.enabled {
			if now.enabled {
				it.Enable()
			} else {
				it.Disable()
			}
		}
	}
	if icon != nil {
		systray.SetIcon(icon)
	}
	u.shown = v
}

// lost stops all further updates after the session bus went away: a
// logout while the daemon lingers, or a crashed bus. systray cannot
// reconnect, and one log line beats one per state change.
func (u *systrayUI) lost(why string) {
	u.log.Warn("tray: session bus closed; continuing without a tray icon", "why", why)
	u.gone = true
}

func (u *systrayUI) close() {
	func() {
		// systray's end closes the bus connection it was given; should it
		// have failed half-way through exporting, that is nil and it
		// panics. Losing the icon must not take the daemon down.
		defer func() {
			if r := recover(); r != nil {
				slog.Warn("tray: systray shutdown failed", "panic", r)
			}
		}()
		u.end()
	}()
	close(u.done)
	u.wg.Wait()
}
