package session_test

import (
	"context"
	"testing"
)

// BenchmarkSOGoScheduledSync5Min measures what the alternative to Direct
// Push costs on the wire: a client that syncs on a five-minute schedule.
// Each round is what such a client sends when nothing changed, against
// the same server and folders as BenchmarkSOGoIdleHeartbeat: a FolderSync
// with its current hierarchy key and one Sync per folder with that
// folder's key, every request and response with all HTTP headers, counted
// by the proxy. Reported per round and per hour (12 rounds).
func BenchmarkSOGoScheduledSync5Min(b *testing.B) {
	a := newSOGoAccount(b)
	seed(b, a)
	p := a.viaProxy(b)
	m := newMemSyncer(a.client)
	ctx := context.Background()
	folders, err := m.Folders(ctx, false)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range folders {
		if err := m.SyncFolder(ctx, f.ID); err != nil {
			b.Fatal(err)
		}
	}
	hierarchy, err := a.client.FolderSync(ctx, "0")
	if err != nil {
		b.Fatal(err)
	}
	key := hierarchy.SyncKey
	b.ResetTimer()
	up0, down0 := p.Bytes()
	for i := 0; i < b.N; i++ {
		resp, err := a.client.FolderSync(ctx, key)
		if err != nil {
			b.Fatal(err)
		}
		if resp.Changes != nil && len(resp.Changes.Add)+len(resp.Changes.Update)+len(resp.Changes.Delete) > 0 {
			b.Fatalf("hierarchy changed on an idle account: %+v", resp.Changes)
		}
		if resp.SyncKey != "" {
			key = resp.SyncKey
		}
		for _, f := range folders {
			before := m.count(f.ID)
			if err := m.SyncFolder(ctx, f.ID); err != nil {
				b.Fatal(err)
			}
			if m.count(f.ID) != before {
				b.Fatalf("folder %s changed on an idle account", f.ID)
			}
		}
	}
	b.StopTimer()
	up1, down1 := p.Bytes()
	per := float64(up1-up0+down1-down0) / float64(b.N)
	b.ReportMetric(per, "bytes/round")
	b.ReportMetric(per*12, "bytes/hour")
}
