//go:build unix

package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/schema"
)

// BenchmarkStartup15000Items times an engine start on the state of
// 10,000 contacts and 5,000 events, served by the in-process server so
// that the figure is Cradle's alone: engine.Open to the first Ping sent,
// with the per-folder Sync every start does on the way. It complements
// the RunStartup step of BenchmarkSOGoInitialSync (the whole `cradle run`
// against SOGo) and is the one to profile (-cpuprofile).
func BenchmarkStartup15000Items(b *testing.B) {
	srv := eastest.Start(b, eastest.Config{})
	for i := 0; i < 10000; i++ {
		first, last, phone := fmt.Sprintf("P%05d", i), "Bench", fmt.Sprintf("+1 555 %05d", i)
		addItem(b, srv, "contacts", &schema.Contact{FirstName: &first, LastName: &last, MobilePhoneNumber: &phone})
	}
	for i := 0; i < 5000; i++ {
		uid, subj := fmt.Sprintf("ev-%05d", i), fmt.Sprintf("Meeting %05d", i)
		start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Hour)
		addItem(b, srv, "calendar", &schema.Event{UID: &uid, Subject: &subj,
			StartTime: schema.NewEventTime(start), EndTime: schema.NewEventTime(start.Add(time.Hour))})
	}
	root := b.TempDir()
	dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{{Name: "sogo", URL: srv.URL, User: "bench"}}}); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dirs.Data, 0o700); err != nil {
		b.Fatal(err)
	}
	e := openDirs(b, dirs, "pw")
	if err := e.SyncOnce(context.Background(), ""); err != nil {
		b.Fatal(err)
	}
	e.Close()
	if n := countFiles(dirs.Data); n != 15000 {
		b.Fatalf("%d files after the initial sync, want 15000", n)
	}
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		took, _ := startInProcess(b, dirs)
		total += took
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-ping")
}

func addItem(b *testing.B, srv *eastest.Server, folder string, v any) {
	b.Helper()
	d, err := push.NewItemData(v)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := srv.AddItem(folder, d); err != nil {
		b.Fatal(err)
	}
}
