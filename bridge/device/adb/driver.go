// Package adb reaches Android phones through the adb server: it watches
// the server's device list for phones being plugged in, and reads and
// writes their contacts and calendars by running Android's `content`
// command against the contacts and calendar providers. Nothing needs to be
// installed on the phone; the user enables USB debugging and accepts the
// computer's key once.
//
// The package speaks the adb server's socket protocol itself (the server
// must be running: `adb start-server`); it never runs the adb tool.
package adb

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
)

// UnauthorizedMessage is the Event.Message for a phone that has not
// accepted this computer.
const UnauthorizedMessage = "Unlock the phone and tap \"Allow\" on the \"Allow USB debugging?\" prompt for this computer."

// Driver finds Android phones known to one adb server.
type Driver struct {
	c      client
	logger *slog.Logger
}

// New returns a driver for the adb server at addr ("host:port"); use
// ServerAddr() for the address the adb tool would use. A nil logger
// discards logs.
func New(addr string, logger *slog.Logger) *Driver {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Driver{c: client{addr: addr}, logger: logger}
}

// Kind returns "adb".
func (d *Driver) Kind() string { return "adb" }

// Detect returns the phones the server lists as "device" (Attach) or
// "unauthorized" (Unauthorized); offline phones are left out.
func (d *Driver) Detect(ctx context.Context) ([]device.Info, error) {
	msg, err := d.c.query(ctx, "host:devices")
	if err != nil {
		return nil, fmt.Errorf("adb detect: %w", err)
	}
	labels, _ := d.c.labels(ctx)
	var out []device.Info
	for _, s := range parseDeviceList(msg) {
		if t := stateEvent(s.state); t == device.Attach || t == device.Unauthorized {
			out = append(out, device.Info{ID: s.serial, Label: labelFor(labels, s.serial), State: t})
		}
	}
	return out, nil
}

func labelFor(labels map[string]string, serial string) string {
	if l := labels[serial]; l != "" {
		return l
	}
	return serial
}

// stateEvent maps an adb connection state to the event it means.
func stateEvent(state string) device.EventType {
	switch state {
	case "device":
		return device.Attach
	case "unauthorized":
		return device.Unauthorized
	}
	// offline, connecting, authorizing, bootloader, recovery, …: not
	// usable for content access.
	return device.Detach
}

// Watch follows the server's host:track-devices stream and reports each
// phone's transitions: "device" → Attach, "unauthorized" → Unauthorized
// (with UnauthorizedMessage), anything else or removal → Detach of a phone
// previously reported. The adb server (29.x) does not push the move from
// "offline" (handshake under way) to "unauthorized", so while a phone is
// offline or otherwise between states Watch also polls host:devices every
// pollInterval. If
// the server connection breaks, every known phone is reported detached and
// Watch reconnects with backoff until ctx ends.
func (d *Driver) Watch(ctx context.Context, events chan<- device.Event) error {
	w := &watcher{d: d, events: events, known: map[string]device.EventType{}, labels: map[string]string{}}
	for attempt := 0; ; attempt++ {
		err := w.follow(ctx, func() { attempt = 0 })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d.logger.Warn("adb track-devices ended; reconnecting", "err", err)
		if !w.apply(ctx, nil) {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
}

// pollInterval is how often Watch re-reads the device list while a phone
// is between states.
const pollInterval = time.Second

// watcher holds Watch's state; only Watch's goroutine touches it.
type watcher struct {
	d      *Driver
	events chan<- device.Event
	known  map[string]device.EventType // serial → last reported Attach/Unauthorized
	labels map[string]string           // serial → model, refreshed on attach
}

// follow runs one track-devices connection until it fails or ctx ends.
func (w *watcher) follow(ctx context.Context, connected func()) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lists := make(chan []deviceState)
	errc := make(chan error, 1)
	go func() {
		errc <- w.d.c.track(ctx, func(l []deviceState) {
			select {
			case lists <- l:
			case <-ctx.Done():
			}
		})
	}()
	var tick <-chan time.Time
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	for {
		var list []deviceState
		select {
		case err := <-errc:
			return err
		case list = <-lists:
			connected()
		case <-tick:
			msg, err := w.d.c.query(ctx, "host:devices")
			if err != nil {
				continue
			}
			list = parseDeviceList(msg)
		}
		if !w.apply(ctx, list) {
			cancel()
			<-errc
			return ctx.Err()
		}
		w.d.logger.Debug("adb device list", "list", fmt.Sprint(list))
		transitional := false
		for _, s := range list {
			switch s.state {
			case "device", "unauthorized", "bootloader", "recovery", "sideload", "host":
			default:
				transitional = true
			}
		}
		switch {
		case transitional && ticker == nil:
			ticker = time.NewTicker(pollInterval)
			tick = ticker.C
		case !transitional && ticker != nil:
			ticker.Stop()
			ticker, tick = nil, nil
		}
	}
}

// apply reports the differences between list and what was reported
// before; it returns false when ctx ended while sending.
func (w *watcher) apply(ctx context.Context, list []deviceState) bool {
	send := func(ev device.Event) bool {
		select {
		case w.events <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	seen := map[string]bool{}
	for _, s := range list {
		seen[s.serial] = true
		t := stateEvent(s.state)
		if w.known[s.serial] == t || (t == device.Detach && w.known[s.serial] == 0) {
			continue
		}
		if t == device.Attach {
			if l, err := w.d.c.labels(ctx); err == nil {
				w.labels = l
			}
		}
		ev := device.Event{Type: t, ID: s.serial, Label: labelFor(w.labels, s.serial)}
		switch t {
		case device.Unauthorized:
			ev.Message = UnauthorizedMessage
			w.known[s.serial] = t
		case device.Detach:
			delete(w.known, s.serial)
		default:
			w.known[s.serial] = t
		}
		w.d.logger.Debug("adb device", "serial", s.serial, "state", s.state)
		if !send(ev) {
			return false
		}
	}
	for serial := range w.known {
		if !seen[serial] {
			delete(w.known, serial)
			if !send(device.Event{Type: device.Detach, ID: serial, Label: labelFor(w.labels, serial)}) {
				return false
			}
		}
	}
	return true
}

// Open returns the phone with the given serial. It fails with an error
// matching device.ErrUnauthorized for a phone that has not accepted the
// computer, and device.ErrGone for one the server does not know.
func (d *Driver) Open(ctx context.Context, serial string) (device.Device, error) {
	feats, err := d.c.features(ctx, serial)
	if err != nil {
		return nil, fmt.Errorf("adb open %s: %w", serial, err)
	}
	p := &Phone{c: d.c, serial: serial, shellV2: feats["shell_v2"], logger: d.logger.With("serial", serial)}
	// A first command proves the phone accepts us (an unauthorized phone
	// still reports features) and tells how its `content` reads binds.
	out, err := p.run(ctx, "getprop ro.build.version.sdk")
	if err != nil {
		return nil, fmt.Errorf("adb open %s: %w", serial, err)
	}
	p.sdk, _ = strconv.Atoi(strings.TrimSpace(string(out)))
	if p.sdk == 0 {
		p.logger.Warn("unknown Android version; assuming API 30 or later")
		p.sdk = 30
	}
	p.d = dialectFor(p.sdk)
	return p, nil
}

var _ device.Driver = (*Driver)(nil)
