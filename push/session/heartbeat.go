package session

import "time"

// HeartbeatPolicy bounds and paces the Ping heartbeat.
//
// The heartbeat grows by Step after every Ping that the server lets expire
// normally, up to Max, because a longer heartbeat costs fewer round trips.
// When a Ping dies before its heartbeat (the connection was cut or silently
// dropped, typically by a NAT or firewall idle timeout), the heartbeat falls
// back to the last value that survived and the failed value becomes a
// ceiling for this network, so the session does not walk into the same
// timeout again.
type HeartbeatPolicy struct {
	Initial time.Duration // first heartbeat on a network with no history (480 s)
	Min     time.Duration // never below this (60 s, the spec's minimum)
	Max     time.Duration // never above this (1740 s: under the common 30 min NAT timeout)
	Step    time.Duration // growth per expired Ping and fallback step (120 s)
}

// DefaultHeartbeat is the policy real sessions use.
var DefaultHeartbeat = HeartbeatPolicy{
	Initial: 480 * time.Second,
	Min:     60 * time.Second,
	Max:     1740 * time.Second,
	Step:    120 * time.Second,
}

// Heartbeat is the adaptive heartbeat of one network. The zero value is not
// usable; build it with NewHeartbeat or restore it from a Store.
type Heartbeat struct {
	// Current is the heartbeat the next Ping asks for.
	Current time.Duration
	// Good is the longest heartbeat that has expired normally on this
	// network (0 if none yet).
	Good time.Duration
	// Ceiling is the lowest heartbeat known to die on this network, or the
	// server's announced maximum; growth stops below it (0 = none).
	Ceiling time.Duration
}

// NewHeartbeat starts a heartbeat at p.Initial.
func NewHeartbeat(p HeartbeatPolicy) Heartbeat {
	return Heartbeat{Current: p.clamp(p.Initial)}
}

func (p HeartbeatPolicy) clamp(d time.Duration) time.Duration {
	if d < p.Min {
		d = p.Min
	}
	if d > p.Max {
		d = p.Max
	}
	return d
}

// Expired records a Ping that lasted its full heartbeat: that value is good,
// and the next one grows by a step unless a ceiling is in the way.
func (h *Heartbeat) Expired(p HeartbeatPolicy) {
	if h.Current > h.Good {
		h.Good = h.Current
	}
	next := p.clamp(h.Current + p.Step)
	if h.Ceiling > 0 && next >= h.Ceiling {
		next = h.Ceiling - p.Step/2
		if next < h.Current {
			next = h.Current
		}
	}
	h.Current = p.clamp(next)
}

// Died records a Ping that was cut after running for elapsed, before its
// heartbeat ended: whatever kills idle connections here does so at or after
// elapsed, so the heartbeat must end before it.
func (h *Heartbeat) Died(p HeartbeatPolicy, elapsed time.Duration) {
	limit := h.Current
	if elapsed > 0 && elapsed < limit {
		limit = elapsed
	}
	if h.Ceiling == 0 || limit < h.Ceiling {
		h.Ceiling = limit
	}
	if h.Good >= h.Ceiling {
		// What used to survive no longer does (a new router, say).
		h.Good = 0
	}
	next := h.Current - p.Step
	if h.Good > 0 && h.Good < h.Current {
		next = h.Good
	}
	if next >= h.Ceiling {
		next = h.Ceiling - p.Step
	}
	h.Current = p.clamp(next)
}

// Limit applies the server's answer to a heartbeat it rejected (Ping status
// 5): bound is its maximum when we asked for more, its minimum otherwise.
func (h *Heartbeat) Limit(p HeartbeatPolicy, bound time.Duration) {
	if bound <= 0 {
		return
	}
	if h.Current > bound {
		h.Ceiling = bound + time.Second // bound itself is allowed
		h.Current = bound
		if h.Good > bound {
			h.Good = bound
		}
		return
	}
	h.Current = bound
}
