package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"time"

	"github.com/cradle-sync/cradle/app/tray"
	"github.com/cradle-sync/cradle/bridge/api"
)

// trayModel feeds the tray from the engine's status and carries out its
// menu choices. One goroutine (run) owns the feed.
type trayModel struct {
	b    api.Backend
	feed *tray.Feed
	quit func()
	// notify shows a desktop notification; nil uses tray.Notify.
	notify func(ctx context.Context, title, body string) error
	// retry is touched only by the goroutine running run.
	retry retrying
}

func (m *trayModel) Updates() <-chan tray.Snapshot { return m.feed.Updates() }

// run publishes a snapshot at start and after every engine event, until
// ctx ends.
func (m *trayModel) run(ctx context.Context) {
	events := m.b.Subscribe(ctx)
	m.publish(ctx)
	for {
		select {
		case <-ctx.Done():
			m.feed.Close()
			return
		case ev, ok := <-events:
			if !ok {
				m.feed.Close()
				return
			}
			m.announce(ctx, ev)
			m.publish(ctx)
		}
	}
}

// announce shows a notification for the events a user plugging in a phone
// waits for: it is in step (safe to unplug), or it must first trust this
// computer. Routine syncs stay quiet; the icon shows those.
func (m *trayModel) announce(ctx context.Context, ev api.Event) {
	if ev.Type != "device" {
		return
	}
	var title string
	switch ev.Action {
	case "reconciled":
		title = "Phone in step"
	case "unauthorized":
		title = "Allow this computer on the phone"
	default:
		return
	}
	notify := m.notify
	if notify == nil {
		notify = tray.Notify
	}
	if err := notify(ctx, title, ev.Detail); err != nil {
		slog.Debug("notification not shown", "err", err)
	}
}

func (m *trayModel) publish(ctx context.Context) {
	st, err := m.b.Status(ctx)
	if err != nil {
		return
	}
	if m.retry == nil {
		m.retry = make(retrying)
	}
	m.feed.Publish(snapshotOf(m.retry.steady(st)))
}

// retrying remembers the accounts whose session failed and has not yet
// had a request succeed since. A session in back-off wakes up, reports
// "connecting" or "syncing" before its first request and "offline" again
// when that request fails; shown as is, the icon would flash "syncing"
// on every retry while nothing works. The key is the account name.
type retrying map[string]retryMark

// retryMark is what an account looked like when its session last failed.
type retryMark struct {
	state    string    // "offline" or "error"
	err      string    // the failure, for the tooltip
	progress time.Time // newest successful sync of the account or any folder
}

// steady returns st with every account that is retrying after a failure
// still shown as failing, until the account shows progress: its session
// is waiting (everything synced, Ping under way), or the account or one
// of its folders finished a sync after the failure. It records failures
// seen in st and forgets accounts that succeeded or are gone. st is not
// modified.
func (r retrying) steady(st api.Status) api.Status {
	seen := make(map[string]bool, len(st.Accounts))
	st.Accounts = slices.Clone(st.Accounts)
	for i := range st.Accounts {
		a := &st.Accounts[i]
		seen[a.Name] = true
		switch a.State {
		case "offline", "error":
			r[a.Name] = retryMark{state: a.State, err: a.Error, progress: lastProgress(*a)}
		case "connecting", "syncing":
			m, ok := r[a.Name]
			if !ok {
				break
			}
			if lastProgress(*a).After(m.progress) {
				delete(r, a.Name)
				break
			}
			// The retry is under way: no next attempt is scheduled.
			a.State, a.Error, a.NextRetry = m.state, m.err, time.Time{}
		default: // waiting, auth-failed, stopped, local: not retrying
			delete(r, a.Name)
		}
	}
	for name := range r {
		if !seen[name] {
			delete(r, name)
		}
	}
	return st
}

// lastProgress is the newest time the account or one of its folders finished
// a sync: a request to the server succeeded at or before it.
func lastProgress(a api.Account) time.Time {
	t := a.LastSync
	for _, f := range a.Folders {
		if f.LastSync.After(t) {
			t = f.LastSync
		}
	}
	return t
}

// snapshotOf sums the engine's status up for the icon: the most urgent
// state of any account wins.
func snapshotOf(st api.Status) tray.Snapshot {
	s := tray.Snapshot{State: tray.UpToDate, Conflicts: st.Conflicts}
	rank := map[tray.State]int{tray.UpToDate: 0, tray.Syncing: 1, tray.Offline: 2, tray.Attention: 3}
	set := func(x tray.State, detail string) {
		if rank[x] > rank[s.State] {
			s.State, s.Detail = x, detail
		}
	}
	for _, a := range st.Accounts {
		if a.LastSync.After(s.LastSync) {
			s.LastSync = a.LastSync
		}
		switch a.State {
		case "syncing", "connecting":
			set(tray.Syncing, "")
		case "offline":
			d := "server unreachable, retrying now"
			if wait := time.Until(a.NextRetry).Round(time.Second); wait > 0 {
				d = fmt.Sprintf("server unreachable, retrying in %s", wait)
			}
			set(tray.Offline, d)
		case "auth-failed":
			s.AuthFailed = true
			set(tray.Attention, a.Name+": the server refused the password")
		case "error":
			set(tray.Offline, a.Error)
		}
		for _, f := range a.Folders {
			s.Waiting += f.Pending
			if f.State == "attention" {
				s.HeldDeletes++
				set(tray.Attention, f.Error)
			}
		}
	}
	if st.Conflicts > 0 {
		set(tray.Attention, fmt.Sprintf("%d conflicts to look at", st.Conflicts))
	}
	if st.Paused {
		s.State = tray.Paused
	}
	return s
}

// Do carries out a menu choice.
func (m *trayModel) Do(ctx context.Context, a tray.Action) error {
	switch a {
	case tray.SyncNow:
		return m.b.SyncNow(ctx, "")
	case tray.Pause:
		return m.b.SetPaused(ctx, true)
	case tray.Resume:
		return m.b.SetPaused(ctx, false)
	case tray.OpenContactsFolder, tray.OpenCalendarFolder:
		kind := "contacts"
		if a == tray.OpenCalendarFolder {
			kind = "calendar"
		}
		st, err := m.b.Status(ctx)
		if err != nil {
			return err
		}
		for _, acc := range st.Accounts {
			for _, f := range acc.Folders {
				if f.Kind == kind && f.LocalPath != "" {
					return OpenPath(f.LocalPath)
				}
			}
		}
		return fmt.Errorf("no %s folder", kind)
	case tray.Quit:
		m.quit()
		return nil
	}
	// The windows run in a process of their own (cradle ui → cradle-ui),
	// so the daemon never carries Fyne's GL loop.
	return tray.OpenWindow(a)
}

// OpenPath shows a folder or file in the desktop's file manager and returns
// once the opener has started.
func OpenPath(p string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("explorer.exe", p)
	case "darwin":
		cmd = exec.Command("open", p)
	default:
		cmd = exec.Command("xdg-open", p)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", p, err)
	}
	go cmd.Wait() // reap; the opener hands over to the file manager at once
	return nil
}

// runTray shows the tray icon until ctx ends; without a desktop session it
// does nothing.
func runTray(ctx context.Context, b api.Backend, quit func()) {
	// Windows and macOS have none of these variables; there tray.Run
	// itself reports whether it can show an icon.
	desktop := runtime.GOOS == "windows" || runtime.GOOS == "darwin" ||
		os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" || os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	if !desktop {
		slog.Info("no desktop session: running without a tray icon")
		return
	}
	m := &trayModel{b: b, feed: tray.NewFeed(), quit: quit}
	go m.run(ctx)
	if err := tray.Run(ctx, m, tray.Options{}); err != nil && !errors.Is(err, context.Canceled) {
		slog.Warn("tray stopped", "err", err)
	}
}
