package session

import (
	"math/rand/v2"
	"time"
)

// BackoffPolicy paces retries while the server cannot be reached or asks
// for patience.
type BackoffPolicy struct {
	Initial time.Duration // first delay (2 s)
	Max     time.Duration // cap (5 min)
	Factor  float64       // growth per failure (2)
}

// DefaultBackoff is the policy real sessions use.
var DefaultBackoff = BackoffPolicy{Initial: 2 * time.Second, Max: 5 * time.Minute, Factor: 2}

// backoff is the retry state: exponential growth with "equal jitter" (a
// uniformly random delay between half and all of the nominal one), so many
// clients cut off together do not return together, yet none retries at once.
type backoff struct {
	p        BackoffPolicy
	failures int
	rnd      func() float64
}

func (b *backoff) reset() { b.failures = 0 }

// next returns the delay before the next attempt; floor is a server-given
// minimum (Retry-After), honoured even above Max.
func (b *backoff) next(floor time.Duration) time.Duration {
	d := float64(b.p.Initial)
	for i := 0; i < b.failures && d < float64(b.p.Max); i++ {
		d *= b.p.Factor
	}
	if d > float64(b.p.Max) {
		d = float64(b.p.Max)
	}
	b.failures++
	r := b.rnd
	if r == nil {
		r = rand.Float64
	}
	delay := time.Duration(d/2 + r()*d/2)
	if delay < floor {
		delay = floor
	}
	return delay
}
