package tray

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/assets"
)

// wait bounds every wait for an event, so a broken loop fails the test
// instead of hanging it.
const wait = 10 * time.Second

// recorder is a surface that reports what the loop shows.
type recorder struct {
	applied chan shown
	click   chan entry
}

type shown struct {
	v    view
	icon []byte
}

func newRecorder() *recorder {
	return &recorder{applied: make(chan shown, 16), click: make(chan entry)}
}

func (r *recorder) apply(v view, icon []byte) { r.applied <- shown{v, icon} }
func (r *recorder) clicks() <-chan entry      { return r.click }
func (r *recorder) close()                    {}

func (r *recorder) next(t *testing.T) shown {
	t.Helper()
	select {
	case s := <-r.applied:
		return s
	case <-time.After(wait):
		t.Fatal("nothing shown")
	}
	return shown{}
}

// fakeModel records actions; Do blocks while block is non-nil and open.
type fakeModel struct {
	feed    *Feed
	entered chan Action // Do has begun
	done    chan Action // Do is returning
	block   chan struct{}
	err     error
}

func newFakeModel() *fakeModel {
	return &fakeModel{feed: NewFeed(), entered: make(chan Action, 16), done: make(chan Action, 16)}
}

func (m *fakeModel) Updates() <-chan Snapshot { return m.feed.Updates() }

func (m *fakeModel) Do(ctx context.Context, a Action) error {
	m.entered <- a
	if m.block != nil {
		select {
		case <-m.block:
		case <-ctx.Done():
		}
	}
	m.done <- a
	return m.err
}

func (m *fakeModel) nextAction(t *testing.T) Action {
	t.Helper()
	select {
	case a := <-m.done:
		return a
	case <-time.After(wait):
		t.Fatal("model got no action")
	}
	return 0
}

type harness struct {
	m      *fakeModel
	r      *recorder
	notes  chan Note
	cancel context.CancelFunc
	result chan error
}

func start(t *testing.T, m *fakeModel, notifyErr error) *harness {
	t.Helper()
	h := &harness{m: m, r: newRecorder(), notes: make(chan Note, 16), result: make(chan error, 1)}
	o := Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Notify: func(_ context.Context, n Note) error { h.notes <- n; return notifyErr },
	}.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	first := render(Snapshot{}, time.Now())
	go func() { h.result <- loop(ctx, m, m.Updates(), h.r, first, o) }()
	t.Cleanup(func() {
		cancel()
		h.returned(t)
	})
	return h
}

func (h *harness) returned(t *testing.T) error {
	t.Helper()
	select {
	case err, ok := <-h.result:
		if ok {
			close(h.result)
		}
		return err
	case <-time.After(wait):
		t.Fatal("loop did not return")
	}
	return nil
}

func (h *harness) clickOn(t *testing.T, e entry) {
	t.Helper()
	select {
	case h.r.click <- e:
	case <-time.After(wait):
		t.Fatal("loop does not take clicks")
	}
}

func TestLoopShowsSnapshots(t *testing.T) {
	m := newFakeModel()
	h := start(t, m, nil)

	m.feed.Publish(Snapshot{State: UpToDate})
	got := h.r.next(t)
	if got.v.icon != assets.UpToDate || !bytes.Equal(got.icon, platformIcon(assets.TrayIcon(assets.UpToDate, false, 32))) {
		t.Errorf("first snapshot shows icon %q (%d bytes), want the 32 px up-to-date icon", got.v.icon, len(got.icon))
	}

	// Same icon, new tooltip: the icon is not sent again.
	m.feed.Publish(Snapshot{State: UpToDate, Waiting: 2})
	got = h.r.next(t)
	if got.icon != nil {
		t.Error("unchanged icon sent again")
	}
	if got.v.tooltip == render(Snapshot{State: UpToDate}, time.Now()).tooltip {
		t.Error("tooltip did not change with Waiting")
	}

	// An identical snapshot changes nothing on screen; the next real
	// change is the next thing applied.
	m.feed.Publish(Snapshot{State: UpToDate, Waiting: 2})
	m.feed.Publish(Snapshot{State: Offline})
	if got = h.r.next(t); got.v.icon != assets.Offline || got.icon == nil {
		t.Errorf("after going offline: icon %q (%d bytes)", got.v.icon, len(got.icon))
	}
}

func TestLoopActions(t *testing.T) {
	m := newFakeModel()
	h := start(t, m, nil)
	m.feed.Publish(Snapshot{State: UpToDate})
	h.r.next(t)

	h.clickOn(t, entrySync)
	if a := m.nextAction(t); a != SyncNow {
		t.Errorf("Sync now asked for %v", a)
	}
	h.clickOn(t, entryPause)
	if a := m.nextAction(t); a != Pause {
		t.Errorf("pause entry while running asked for %v", a)
	}
	m.feed.Publish(Snapshot{State: Paused})
	if got := h.r.next(t); got.v.items[entryPause].label != "Resume syncing" {
		t.Errorf("pause entry reads %q while paused", got.v.items[entryPause].label)
	}
	h.clickOn(t, entryPause)
	if a := m.nextAction(t); a != Resume {
		t.Errorf("pause entry while paused asked for %v", a)
	}
	h.clickOn(t, entryStatus) // inert
	h.clickOn(t, entryDevices)
	if a := m.nextAction(t); a != ShowDevices {
		t.Errorf("Devices… asked for %v (the status line must do nothing)", a)
	}
}

func TestLoopQuit(t *testing.T) {
	m := newFakeModel()
	m.err = errors.New("already stopping") // logged, still quits
	h := start(t, m, nil)
	h.clickOn(t, entryQuit)
	if a := m.nextAction(t); a != Quit {
		t.Fatalf("Quit asked for %v", a)
	}
	if err := h.returned(t); err != nil {
		t.Errorf("loop returned %v after Quit", err)
	}
}

func TestLoopStopsWithContext(t *testing.T) {
	m := newFakeModel()
	m.block = make(chan struct{}) // an action that never finishes by itself
	h := start(t, m, nil)
	h.clickOn(t, entryExportContacts)
	select {
	case <-m.entered: // cancel while Do runs, not before it starts
	case <-time.After(wait):
		t.Fatal("Do not called")
	}
	h.cancel()
	if err := h.returned(t); err != nil {
		t.Errorf("loop returned %v after cancel", err)
	}
	if a := m.nextAction(t); a != ExportContacts {
		t.Errorf("model got %v", a)
	}
}

func TestLoopSlowActionDoesNotFreezeIcon(t *testing.T) {
	m := newFakeModel()
	m.block = make(chan struct{})
	h := start(t, m, nil)
	h.clickOn(t, entrySettings)
	m.feed.Publish(Snapshot{State: Syncing})
	if got := h.r.next(t); got.v.icon != assets.Syncing {
		t.Errorf("icon %q while an action runs", got.v.icon)
	}
	close(m.block)
	if a := m.nextAction(t); a != ShowSettings {
		t.Errorf("model got %v", a)
	}
}

func TestLoopNotifies(t *testing.T) {
	m := newFakeModel()
	h := start(t, m, ErrNoNotifications) // missing service: quiet, loop goes on
	steps := []struct {
		s    Snapshot
		want string // key of the expected note, "" for none
	}{
		{Snapshot{State: UpToDate}, ""},
		{Snapshot{State: Syncing}, ""},
		{Snapshot{State: Attention, Conflicts: 1}, "conflicts"},
		{Snapshot{State: Attention, Conflicts: 1, Waiting: 1}, ""},
		{Snapshot{State: Attention, Conflicts: 1, AuthFailed: true}, "auth"},
		{Snapshot{State: UpToDate}, ""},
	}
	for i, st := range steps {
		m.feed.Publish(st.s)
		h.r.next(t) // every step changes the view; wait until it is taken
		if st.want == "" {
			continue
		}
		select {
		case n := <-h.notes:
			if n.Key != st.want {
				t.Errorf("step %d: note %q, want %q", i, n.Key, st.want)
			}
		case <-time.After(wait):
			t.Fatalf("step %d: no %q note", i, st.want)
		}
	}
	// Stop the loop, then make sure nothing else was announced.
	h.cancel()
	h.returned(t)
	select {
	case n := <-h.notes:
		t.Errorf("unexpected note %+v", n)
	default:
	}
}

func TestLoopSurvivesClosedUpdates(t *testing.T) {
	m := newFakeModel()
	h := start(t, m, nil)
	m.feed.Publish(Snapshot{State: UpToDate})
	m.feed.Close()
	h.r.next(t)
	h.clickOn(t, entryActivity) // still serving the menu
	if a := m.nextAction(t); a != ShowActivity {
		t.Errorf("model got %v", a)
	}
}

func TestUntilMidnight(t *testing.T) {
	d := untilMidnight(now)
	if at := now.Add(d); at.Format("2006-01-02 15:04") != "2026-03-03 00:00" {
		t.Errorf("timer fires at %v", at)
	}
	// A day with a DST change is not 24 h long; the timer still lands
	// just after local midnight.
	ber, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata")
	}
	before := time.Date(2026, 3, 28, 23, 0, 0, 0, ber)
	if at := before.Add(untilMidnight(before)); at.Format("2006-01-02 15:04") != "2026-03-29 00:00" {
		t.Errorf("timer fires at %v", at)
	}
}
