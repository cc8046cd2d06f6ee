// Package heappeak measures the peak memory of a piece of work in tests:
// the bomb tests assert that hostile server responses stay under a bound.
//
// It samples runtime/metrics (which, unlike runtime.ReadMemStats, does not
// stop the world) on a short ticker in a goroutine owned by the Meter, so
// a peak between two samples can be missed; the sampling interval is far
// shorter than the time it takes to fill tens of megabytes, and Stop takes
// one last sample.
package heappeak

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// Interval is how often a Meter samples.
const Interval = time.Millisecond

// Peak is the largest value seen of each measure, in bytes.
type Peak struct {
	// HeapInuse is heap spans in use (live and not yet swept objects plus
	// their spans' free space): what runtime.MemStats.HeapInuse reports.
	HeapInuse uint64
	// Total is all memory the Go runtime has mapped (MemStats.Sys minus
	// what was returned to the OS).
	Total uint64
}

// MB returns b in mebibytes, for log lines.
func MB(b uint64) float64 { return float64(b) / (1 << 20) }

// Meter samples memory until Stop. Create it with Start.
type Meter struct {
	cancel  context.CancelFunc
	done    chan struct{}
	stopped sync.Once
	mu      sync.Mutex
	peak    Peak
}

var names = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
}

// Start collects garbage (so earlier work does not count) and starts
// sampling until ctx ends or Stop is called.
func Start(ctx context.Context) *Meter {
	runtime.GC()
	ctx, cancel := context.WithCancel(ctx)
	m := &Meter{cancel: cancel, done: make(chan struct{})}
	m.sample()
	go func() {
		defer close(m.done)
		t := time.NewTicker(Interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

func (m *Meter) sample() {
	s := make([]metrics.Sample, len(names))
	for i, n := range names {
		s[i].Name = n
	}
	metrics.Read(s)
	v := func(i int) uint64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return s[i].Value.Uint64()
	}
	inuse := v(0) + v(1)
	total := v(2) - v(3)
	m.mu.Lock()
	m.peak.HeapInuse = max(m.peak.HeapInuse, inuse)
	m.peak.Total = max(m.peak.Total, total)
	m.mu.Unlock()
}

// Stop ends sampling, takes a last sample and returns the peaks. It may
// be called more than once; later calls return the same peaks.
func (m *Meter) Stop() Peak {
	m.stopped.Do(func() {
		m.cancel()
		<-m.done
		m.sample()
	})
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak
}
