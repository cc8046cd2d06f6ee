package engine

import (
	"context"
	"sync"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
)

// ActivitySize is how many recent events the engine keeps for
// Activity.
const ActivitySize = 500

var _ api.ActivityLog = (*Engine)(nil)

// Activity returns up to limit of the most recent events, oldest first;
// limit <= 0 returns every event kept (at most ActivitySize). Events
// live in memory only: a restarted daemon starts with an empty log.
//
// A session's routine steps (status connecting, syncing, waiting)
// replace the one just before it when both come from the same account:
// a session steps through them on every Ping, and they must not push
// the changes out of the log. Other status events (offline, stopped,
// paused, added, removed, restarted) are always kept.
func (e *Engine) Activity(ctx context.Context, limit int) ([]api.Event, error) {
	return e.hub.recent(limit), nil
}

func (e *Engine) emit(ev api.Event) {
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	e.hub.publish(ev)
}

// eventHub fans events out to subscribers without ever blocking the
// engine (a full subscriber misses events) and keeps the most recent
// ones in a ring for Activity.
type eventHub struct {
	mu   sync.Mutex
	subs map[chan api.Event]struct{}
	// ring holds the last len(ring) events; next is where the next one
	// goes once the ring is full, which is also the oldest kept.
	ring []api.Event
	next int
	size int // capacity of ring; 0 means ActivitySize
}

func (h *eventHub) publish(ev api.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.keepLocked(ev)
	for ch := range h.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

func (h *eventHub) keepLocked(ev api.Event) {
	size := h.size
	if size <= 0 {
		size = ActivitySize
	}
	if n := len(h.ring); n > 0 {
		// next is 0 until the ring wraps, so this is the newest either way.
		last := &h.ring[(h.next+n-1)%n]
		if transient(ev) && transient(*last) && last.Account == ev.Account {
			*last = ev
			return
		}
	}
	if len(h.ring) < size {
		h.ring = append(h.ring, ev)
		return
	}
	h.ring[h.next] = ev
	h.next = (h.next + 1) % size
}

// transient reports whether ev is one of the steps a healthy session
// goes through on every Ping; other states (offline, stopped, paused,
// an account added or removed) are news and always kept.
func transient(ev api.Event) bool {
	if ev.Type != "status" {
		return false
	}
	switch ev.Detail {
	case "connecting", "syncing", "waiting":
		return true
	}
	return false
}

// recent returns up to limit newest events, oldest first.
func (h *eventHub) recent(limit int) []api.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.ring)
	if limit <= 0 || limit > n {
		limit = n
	}
	out := make([]api.Event, 0, limit)
	// Oldest first: the ring starts at next once it has wrapped (next
	// stays 0 until then).
	for i := n - limit; i < n; i++ {
		out = append(out, h.ring[(h.next+i)%n])
	}
	return out
}

func (h *eventHub) subscribe(ctx context.Context) <-chan api.Event {
	ch := make(chan api.Event, 64)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan api.Event]struct{}{}
	}
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.subs, ch)
		close(ch)
		h.mu.Unlock()
	}()
	return ch
}
