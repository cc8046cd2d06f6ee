package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/bridge/store/storetest"
)

// BenchmarkVdirApply100Creates measures one window of an initial sync: 100
// new contacts written to a vdir by one Apply, durably.
func BenchmarkVdirApply100Creates(b *testing.B) {
	ctx := context.Background()
	v, err := store.OpenVdir(b.TempDir(), ".vcf", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	const n = 100
	round := 0
	for b.Loop() {
		ops := make([]store.Op, n)
		for i := range ops {
			uid := fmt.Sprintf("bench-%d-%03d", round, i)
			ops[i] = store.Op{Kind: store.OpCreate, UID: uid, Data: storetest.Item(".vcf", uid, "Bench Person")}
		}
		round++
		res, err := v.Apply(ctx, ops)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*n), "ms/item")
}
