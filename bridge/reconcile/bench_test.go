package reconcile_test

import (
	"fmt"
	"testing"

	"github.com/cradle-sync/cradle/push"
)

// BenchmarkInitialSync1000Contacts measures Cradle's side of an initial
// sync: 1,000 contacts from the in-process server into a vdir, with the
// state database, per item.
func BenchmarkInitialSync1000Contacts(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		t := &testing.T{}
		r := newRig(t, push.Version141)
		for j := 0; j < 1000; j++ {
			first := fmt.Sprintf("P%04d", j)
			r.srv.AddItem("contacts", contact(t, first, "Bench", "+1 555 0100"))
		}
		b.StartTimer()
		r.sync()
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N*1000)*1e3, "ms/item")
}
