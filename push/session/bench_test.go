package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push"
)

// BenchmarkSOGoIdleHeartbeat measures what one idle heartbeat costs on the
// wire against the real server: a Ping that expires without changes,
// request and response with every HTTP header, counted by the proxy. Run it
// with -benchtime=Nx; each round trip lasts the heartbeat (10 s).
func BenchmarkSOGoIdleHeartbeat(b *testing.B) {
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
	const hb = 10 * time.Second
	b.ResetTimer()
	up0, down0 := p.Bytes()
	for i := 0; i < b.N; i++ {
		resp, err := a.client.Ping(ctx, hb, folders)
		if err != nil {
			b.Fatal(err)
		}
		if resp.Status != push.PingExpired {
			b.Fatalf("ping status %v on an idle account", resp.Status)
		}
	}
	b.StopTimer()
	up1, down1 := p.Bytes()
	per := float64(up1-up0+down1-down0) / float64(b.N)
	b.ReportMetric(per, "bytes/heartbeat")
	// At the steady-state heartbeat of DefaultHeartbeat.Max.
	b.ReportMetric(per*3600/1740, "bytes/idle-hour")
}
