package tray

import "sync"

// Feed is a ready-made Model.Updates channel for a single reader that
// never blocks the publisher: an unread snapshot is replaced by a newer
// one, so the reader always gets the latest state and never a backlog.
// The zero Feed is not usable; call NewFeed.
type Feed struct {
	mu     sync.Mutex
	ch     chan Snapshot
	closed bool
}

// NewFeed returns an empty Feed.
func NewFeed() *Feed {
	return &Feed{ch: make(chan Snapshot, 1)}
}

// Updates returns the channel the reader receives snapshots from.
func (f *Feed) Updates() <-chan Snapshot { return f.ch }

// Publish makes s the next snapshot the reader receives, dropping one
// published earlier and not yet read. It never blocks. Publishing after
// Close does nothing.
func (f *Feed) Publish(s Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	// Publishers hold mu, so after draining, the one-slot buffer has room.
	select {
	case <-f.ch:
	default:
	}
	f.ch <- s
}

// Close closes the channel; a snapshot not yet read is still delivered
// before the reader sees the close. It is safe to call more than once.
func (f *Feed) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.ch)
	}
}
