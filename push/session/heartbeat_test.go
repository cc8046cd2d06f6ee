package session

import (
	"testing"
	"time"
)

var testPolicy = HeartbeatPolicy{Initial: 480 * time.Second, Min: 60 * time.Second, Max: 1740 * time.Second, Step: 120 * time.Second}

func TestHeartbeatGrowsToMax(t *testing.T) {
	h := NewHeartbeat(testPolicy)
	if h.Current != 480*time.Second {
		t.Fatalf("initial = %v", h.Current)
	}
	prev := h.Current
	for i := 0; i < 20; i++ {
		h.Expired(testPolicy)
		if h.Current < prev {
			t.Fatalf("step %d: heartbeat shrank from %v to %v", i, prev, h.Current)
		}
		prev = h.Current
	}
	if h.Current != testPolicy.Max {
		t.Fatalf("after 20 expiries = %v, want max %v", h.Current, testPolicy.Max)
	}
	if h.Good != testPolicy.Max {
		t.Fatalf("good = %v", h.Good)
	}
}

// A NAT that drops idle connections after 10 minutes: the heartbeat must
// settle below 10 minutes and stay there.
func TestHeartbeatSettlesUnderNATTimeout(t *testing.T) {
	const nat = 10 * time.Minute
	h := NewHeartbeat(testPolicy)
	deaths := 0
	for i := 0; i < 50; i++ {
		if h.Current >= nat {
			h.Died(testPolicy, nat)
			deaths++
		} else {
			h.Expired(testPolicy)
		}
	}
	if deaths != 1 {
		t.Fatalf("walked into the NAT timeout %d times, want once", deaths)
	}
	if h.Current >= nat || h.Current < nat-testPolicy.Step {
		t.Fatalf("settled at %v, want just under %v", h.Current, nat)
	}
}

func TestHeartbeatDiedFallsBackToLastGood(t *testing.T) {
	h := NewHeartbeat(testPolicy)
	h.Expired(testPolicy) // 480 good, now 600
	h.Expired(testPolicy) // 600 good, now 720
	h.Died(testPolicy, 700*time.Second)
	if h.Current != 600*time.Second {
		t.Fatalf("after death = %v, want last good 600s", h.Current)
	}
	if h.Ceiling != 700*time.Second {
		t.Fatalf("ceiling = %v", h.Ceiling)
	}
	// Early death far below the good value: good no longer holds.
	h.Died(testPolicy, 90*time.Second)
	if h.Current != testPolicy.Min {
		t.Fatalf("after early death = %v, want min", h.Current)
	}
}

func TestHeartbeatServerLimit(t *testing.T) {
	h := NewHeartbeat(testPolicy)
	h.Limit(testPolicy, 300*time.Second)
	if h.Current != 300*time.Second {
		t.Fatalf("limited = %v", h.Current)
	}
	for i := 0; i < 5; i++ {
		h.Expired(testPolicy)
	}
	if h.Current > 300*time.Second {
		t.Fatalf("grew past the server's maximum: %v", h.Current)
	}
	// A minimum above our value raises it.
	h2 := NewHeartbeat(testPolicy)
	h2.Limit(testPolicy, 900*time.Second)
	if h2.Current != 900*time.Second {
		t.Fatalf("raised = %v", h2.Current)
	}
}

func TestBackoffGrowsWithJitterAndHonoursFloor(t *testing.T) {
	b := backoff{p: BackoffPolicy{Initial: time.Second, Max: 16 * time.Second, Factor: 2}}
	var last time.Duration
	for i := 0; i < 10; i++ {
		d := b.next(0)
		nominal := min(time.Second<<i, 16*time.Second)
		if d < nominal/2 || d > nominal {
			t.Fatalf("attempt %d: %v outside [%v, %v]", i, d, nominal/2, nominal)
		}
		last = d
	}
	if last < 8*time.Second {
		t.Fatalf("never reached the cap region: %v", last)
	}
	if d := b.next(time.Hour); d != time.Hour {
		t.Fatalf("Retry-After floor ignored: %v", d)
	}
	b.reset()
	if d := b.next(0); d > time.Second {
		t.Fatalf("after reset: %v", d)
	}
}
