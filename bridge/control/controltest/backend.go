// Package controltest runs the control API in process against a fake
// Backend, for black-box tests of the server, the client and the
// commands built on them.
package controltest

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/cradle-sync/cradle/bridge/api"
)

// SubscriptionBuffer is how many events a fake subscription holds before
// Publish drops them, as the Backend contract allows for slow readers.
const SubscriptionBuffer = 8

// Backend is an in-memory api.Backend that also implements the optional
// api.ActivityLog, api.DeviceBackend and api.Reloader. It records every
// call, serves the status, conflicts and devices it was given, fans out
// published events and keeps them for Activity. The zero value is not
// usable; call NewBackend. Wrap it with Basic to play a daemon without
// the optional interfaces.
type Backend struct {
	mu        sync.Mutex
	status    api.Status
	conflicts map[int64]api.Conflict
	fail      error
	calls     []string
	subs      map[chan api.Event]struct{}
	dropped   int
	published []api.Event
	devices   []api.Device
	changed   chan struct{} // closed and replaced when subs changes
	quit      chan struct{}
	quitOnce  sync.Once
}

// NewBackend returns a Backend serving st and conflicts cs.
func NewBackend(st api.Status, cs ...api.Conflict) *Backend {
	b := &Backend{
		status:    st,
		conflicts: make(map[int64]api.Conflict),
		subs:      make(map[chan api.Event]struct{}),
		changed:   make(chan struct{}),
		quit:      make(chan struct{}),
	}
	for _, c := range cs {
		b.conflicts[c.ID] = c
	}
	return b
}

// FailWith makes every later call except Subscribe fail with err (nil
// restores success).
func (b *Backend) FailWith(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fail = err
}

// Calls returns the calls made so far, as "Method arg...".
func (b *Backend) Calls() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.calls...)
}

// Quitting is closed once Quit has been called.
func (b *Backend) Quitting() <-chan struct{} { return b.quit }

// record logs a call and returns the configured failure.
func (b *Backend) record(format string, args ...any) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls = append(b.calls, fmt.Sprintf(format, args...))
	return b.fail
}

// Status returns the status given to NewBackend, with Paused and
// Conflicts kept current.
func (b *Backend) Status(context.Context) (api.Status, error) {
	if err := b.record("Status"); err != nil {
		return api.Status{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.status
	st.Conflicts = len(b.conflicts)
	return st, nil
}

// SyncNow records the call.
func (b *Backend) SyncNow(_ context.Context, account string) error {
	return b.record("SyncNow %s", account)
}

// SetPaused records the call and sets Status().Paused.
func (b *Backend) SetPaused(_ context.Context, paused bool) error {
	if err := b.record("SetPaused %t", paused); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.status.Paused = paused
	return nil
}

// Conflicts returns the open conflicts ordered by id.
func (b *Backend) Conflicts(context.Context) ([]api.Conflict, error) {
	if err := b.record("Conflicts"); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var cs []api.Conflict
	for _, c := range b.conflicts {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	return cs, nil
}

// Conflict returns conflict id, or an error matching fs.ErrNotExist.
func (b *Backend) Conflict(_ context.Context, id int64) (api.Conflict, error) {
	if err := b.record("Conflict %d", id); err != nil {
		return api.Conflict{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.conflicts[id]
	if !ok {
		return api.Conflict{}, fmt.Errorf("conflict %d: %w", id, fs.ErrNotExist)
	}
	return c, nil
}

// ResolveConflict removes conflict id, or fails matching fs.ErrNotExist.
func (b *Backend) ResolveConflict(_ context.Context, id int64, keep api.Keep) error {
	if err := b.record("ResolveConflict %d %s", id, keep); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.conflicts[id]; !ok {
		return fmt.Errorf("conflict %d: %w", id, fs.ErrNotExist)
	}
	delete(b.conflicts, id)
	return nil
}

// AllowMassDelete records the call.
func (b *Backend) AllowMassDelete(_ context.Context, account, folder string) error {
	return b.record("AllowMassDelete %s %s", account, folder)
}

// Quit records the call and closes Quitting.
func (b *Backend) Quit(context.Context) error {
	if err := b.record("Quit"); err != nil {
		return err
	}
	b.quitOnce.Do(func() { close(b.quit) })
	return nil
}

// Subscribe returns a channel of SubscriptionBuffer events that Publish
// feeds until ctx ends, when the channel is closed.
func (b *Backend) Subscribe(ctx context.Context) <-chan api.Event {
	ch := make(chan api.Event, SubscriptionBuffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.notifyLocked()
	b.mu.Unlock()
	// Owned by the subscription: ends with ctx, as the contract says.
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, ch)
		close(ch)
		b.notifyLocked()
	}()
	return ch
}

// Publish offers ev to every subscription without waiting; a full one
// loses it. Activity returns it afterwards either way. It returns how
// many subscriptions took it.
func (b *Backend) Publish(ev api.Event) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.published = append(b.published, ev)
	n := 0
	for ch := range b.subs {
		select {
		case ch <- ev:
			n++
		default:
			b.dropped++
		}
	}
	return n
}

// Dropped counts events Publish could not deliver.
func (b *Backend) Dropped() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
}

// WaitSubscribers waits until exactly n subscriptions are open.
func (b *Backend) WaitSubscribers(ctx context.Context, n int) error {
	for {
		b.mu.Lock()
		have, changed := len(b.subs), b.changed
		b.mu.Unlock()
		if have == n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d subscribers (have %d): %w", n, have, ctx.Err())
		}
	}
}

func (b *Backend) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// Activity returns up to limit of the most recently published events,
// oldest first; limit <= 0 returns them all.
func (b *Backend) Activity(_ context.Context, limit int) ([]api.Event, error) {
	if err := b.record("Activity %d", limit); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	evs := b.published
	if limit > 0 && len(evs) > limit {
		evs = evs[len(evs)-limit:]
	}
	return append([]api.Event(nil), evs...), nil
}

// SetDevices replaces the devices Devices lists and SyncDevice knows.
func (b *Backend) SetDevices(ds ...api.Device) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.devices = append([]api.Device(nil), ds...)
}

// Devices returns the devices given to SetDevices.
func (b *Backend) Devices(context.Context) ([]api.Device, error) {
	if err := b.record("Devices"); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]api.Device(nil), b.devices...), nil
}

// SyncDevice records the call; an unknown name fails matching
// fs.ErrNotExist, and a device that is not attached fails too.
func (b *Backend) SyncDevice(_ context.Context, name string) error {
	if err := b.record("SyncDevice %s", name); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range b.devices {
		if d.Name != name {
			continue
		}
		if d.State == "detached" {
			return fmt.Errorf("device %s is not attached", name)
		}
		return nil
	}
	return fmt.Errorf("device %q: %w", name, fs.ErrNotExist)
}

// Reload records the call.
func (b *Backend) Reload(context.Context) error { return b.record("Reload") }

// Basic hides every method of b beyond api.Backend, the way a daemon
// without the optional interfaces looks to the control server.
func Basic(b api.Backend) api.Backend { return struct{ api.Backend }{b} }

var (
	_ api.Backend       = (*Backend)(nil)
	_ api.ActivityLog   = (*Backend)(nil)
	_ api.DeviceBackend = (*Backend)(nil)
	_ api.Reloader      = (*Backend)(nil)
)
