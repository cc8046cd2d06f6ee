package session

import (
	"sync"
	"time"
)

// State is what a session is doing.
type State int

// Session states, as the tray and status commands show them.
const (
	Connecting State = iota // before the first successful request
	Syncing                 // running Sync for one or more folders
	Waiting                 // a Ping is held by the server: up to date
	Offline                 // the server cannot be reached; NextRetry says when
	AuthFailed              // credentials rejected; waits for SyncNow
	Failed                  // the server answered with an error; NextRetry says when
	Stopped                 // Run has returned
)

var stateNames = [...]string{"connecting", "syncing", "waiting", "offline", "auth-failed", "error", "stopped"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Status is a snapshot of a session.
type Status struct {
	State State
	// Folders are the folders being synced (Syncing) or watched (Waiting).
	Folders []string
	// Heartbeat is the heartbeat of the current or next Ping.
	Heartbeat time.Duration
	// Err is the last failure's text (Offline, AuthFailed, Failed).
	Err string
	// NextRetry is when the session tries again (Offline, Failed).
	NextRetry time.Time
	// LastSync is when every watched folder was last known to be in step.
	LastSync time.Time
	// Since is when State was entered.
	Since time.Time
}

// hub fans status snapshots out to subscribers. A slow subscriber misses
// intermediate snapshots but always gets the latest one: the tray needs the
// present, not the history.
type hub struct {
	mu   sync.Mutex
	last Status
	subs map[chan Status]struct{}
}

func (h *hub) publish(st Status) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = st
	for ch := range h.subs {
		select {
		case <-ch: // drop the stale snapshot
		default:
		}
		ch <- st // cannot block: capacity 1, only publish sends, under mu
	}
}

func (h *hub) subscribe() (chan Status, Status) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = make(map[chan Status]struct{})
	}
	ch := make(chan Status, 1)
	h.subs[ch] = struct{}{}
	return ch, h.last
}

func (h *hub) unsubscribe(ch chan Status) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, ch)
	close(ch)
}
