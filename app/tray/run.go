package tray

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cradle-sync/cradle/assets"
)

// ErrRunning is returned by a second call to Run: the platform tray
// library keeps one icon per process and cannot be started twice.
var ErrRunning = errors.New("tray: Run was already called in this process")

// Options tune Run. The zero Options are the defaults.
type Options struct {
	// Dark selects icons drawn for a dark panel; the default suits a
	// light panel.
	Dark bool
	// IconSize is the pixel size of the icon handed to the tray host,
	// which scales it to fit; 0 means 32.
	IconSize int
	// Logger receives the tray's few log lines; nil means slog.Default().
	Logger *slog.Logger
	// Notify shows a desktop notification; nil means a default Notifier.
	// It is called from one goroutine, never concurrently.
	Notify func(context.Context, Note) error
}

// surface is the icon and menu on screen: the systray adapter in
// production, a recorder in tests.
type surface interface {
	apply(v view, icon []byte)
	// clicks delivers the entries the user chose; nil when nothing can be
	// clicked.
	clicks() <-chan entry
	// close removes the icon and releases the session bus.
	close()
}

var started atomic.Bool

// Run shows the tray icon for m until ctx ends or the user chooses Quit
// (after m.Do(ctx, Quit) returns), then removes it and returns nil.
//
// Run never fails for want of a desktop: with no session bus it logs once
// and only waits (reading m's updates, so a careless Model cannot block);
// with a bus but no tray host the icon is exported anyway and a host
// that starts later picks it up; if the bus goes away while Run runs, it
// logs once and carries on without the icon. Run may be called once per
// process; later calls return ErrRunning.
func Run(ctx context.Context, m Model, o Options) error {
	if m == nil {
		return errors.New("tray: nil Model")
	}
	if !started.CompareAndSwap(false, true) {
		return ErrRunning
	}
	o = o.withDefaults()
	updates := m.Updates()
	first := render(Snapshot{}, time.Now())
	var s surface
	if addr := sessionAddress(); addr == "" {
		o.Logger.Warn("tray: no D-Bus session bus; running without a tray icon or notifications")
		s = headless{}
		o.Notify = func(context.Context, Note) error { return nil }
	} else {
		var err error
		if s, err = startSystray(first, o.icon(first.icon), o.Logger); err != nil {
			o.Logger.Warn("tray: cannot show a tray icon; running without one", "err", err)
			s = headless{}
		}
	}
	defer s.close()
	return loop(ctx, m, updates, s, first, o)
}

func (o Options) withDefaults() Options {
	if o.IconSize <= 0 {
		o.IconSize = 32
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Notify == nil {
		nf := &Notifier{}
		o.Notify = nf.Notify
	}
	return o
}

// icon returns the icon for state in the format this platform's tray
// wants.
func (o Options) icon(state string) []byte {
	return platformIcon(assets.TrayIcon(state, o.Dark, o.IconSize))
}

// headless is the surface when there is no desktop to show anything on.
type headless struct{}

func (headless) apply(view, []byte)   {}
func (headless) clicks() <-chan entry { return nil }
func (headless) close()               {}

// loop owns the tray's state: it renders snapshots onto s, turns clicks
// into actions for m, and decides on notifications. Clicks and
// notifications are handed to their own goroutines so a slow Model or
// notification service never freezes the icon.
func loop(ctx context.Context, m Model, updates <-chan Snapshot, s surface, shown view, o Options) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()

	actions := make(chan Action, 8)
	notes := make(chan Note, 8)
	quit := make(chan struct{})
	wg.Go(func() { perform(ctx, m, actions, quit, o.Logger) })
	wg.Go(func() { announce(ctx, notes, o.Notify, o.Logger) })

	// The view phrases LastSync relative to today; re-render at midnight
	// so "14:02" becomes "yesterday 14:02". That is the only timer: idle
	// costs no wake-ups.
	midnight := time.NewTimer(untilMidnight(time.Now()))
	defer midnight.Stop()

	var cur Snapshot
	show := func() {
		v := render(cur, time.Now())
		if v != shown {
			var icon []byte
			if v.icon != shown.icon {
				icon = o.icon(v.icon)
			}
			s.apply(v, icon)
			shown = v
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-quit:
			return nil
		case next, ok := <-updates:
			if !ok {
				updates = nil // keep showing the last snapshot
				continue
			}
			for _, n := range notices(cur, next) {
				select {
				case notes <- n:
				default:
					o.Logger.Warn("tray: notification dropped, too many pending", "title", n.Title)
				}
			}
			cur = next
			show()
		case e := <-s.clicks():
			a, ok := actionFor(e, cur)
			if !ok {
				continue
			}
			select {
			case actions <- a:
			default:
				o.Logger.Warn("tray: menu choice dropped, earlier ones still running", "action", a)
			}
		case <-midnight.C:
			show()
			midnight.Reset(untilMidnight(time.Now()))
		}
	}
}

// perform runs actions one at a time and closes quit after Quit.
func perform(ctx context.Context, m Model, actions <-chan Action, quit chan<- struct{}, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-actions:
			if err := m.Do(ctx, a); err != nil {
				log.Error("tray: action failed", "action", a, "err", err)
			}
			if a == Quit {
				close(quit)
				return
			}
		}
	}
}

// announce shows notes one at a time. A missing notification service is
// logged once: many desktops (and every headless box) have none.
func announce(ctx context.Context, notes <-chan Note, notify func(context.Context, Note) error, log *slog.Logger) {
	warned := false
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-notes:
			nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := notify(nctx, n)
			cancel()
			switch {
			case err == nil:
			case errors.Is(err, ErrNoNotifications):
				if !warned {
					log.Info("tray: desktop notifications unavailable", "err", err)
					warned = true
				}
			default:
				log.Warn("tray: notification failed", "err", err)
			}
		}
	}
}

func untilMidnight(now time.Time) time.Duration {
	y, m, d := now.Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())
	return next.Sub(now) + time.Second // land safely inside the new day
}
