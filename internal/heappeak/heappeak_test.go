package heappeak

import (
	"runtime"
	"testing"
)

var sink []byte

// A 64 MB allocation held across a sample shows in the peak, and the
// peak does not fall when it is released.
func TestPeakSeesAllocation(t *testing.T) {
	m := Start(t.Context())
	base := m.Stop().HeapInuse
	m = Start(t.Context())
	sink = make([]byte, 64<<20)
	for i := range sink {
		sink[i] = 1 // touch it so the pages are in use
	}
	m.sample()
	sink = nil
	runtime.GC()
	p := m.Stop()
	t.Logf("baseline %.1f MB, peak %.1f MB, total %.1f MB", MB(base), MB(p.HeapInuse), MB(p.Total))
	if p.HeapInuse < base+60<<20 {
		t.Errorf("peak %.1f MB misses the 64 MB allocation (baseline %.1f MB)", MB(p.HeapInuse), MB(base))
	}
	if again := m.Stop(); again != p {
		t.Errorf("a second Stop changed the peak: %+v, then %+v", p, again)
	}
}
