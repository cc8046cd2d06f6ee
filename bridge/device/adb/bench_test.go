package adb

import (
	"testing"

	"github.com/cradle-sync/cradle/internal/fakephone"
)

// BenchmarkAdbList1000Contacts lists 1000 contacts (4 data rows each)
// from the fake phone through the real adb server.
func BenchmarkAdbList1000Contacts(b *testing.B) {
	r := newRig(b, fakephone.Options{})
	for i := range 1000 {
		seedContact(b, r.phone.Provider(), i, "a note, with a comma")
	}
	ctx := testCtx(b)
	b.ResetTimer()
	for b.Loop() {
		recs, err := r.dev.List(ctx, ContactsCollection)
		if err != nil {
			b.Fatal(err)
		}
		if len(recs) != 1000 {
			b.Fatalf("%d contacts", len(recs))
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "contacts/s")
}
