package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/bridge/store/storetest"
)

// After a restart the state database knows every item's UID and the stat
// data of the file it last synced: List must read only what changed since.
func TestVdirRememberSkipsUnchangedFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := store.OpenVdir(dir, ".vcf", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, uid := range []string{"a", "b", "c"} {
		if _, err := first.Create(ctx, uid, storetest.Item(".vcf", uid, "v1")); err != nil {
			t.Fatal(err)
		}
	}
	known, err := first.List(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var reads atomic.Int32
	counting := func(data []byte) (string, error) {
		reads.Add(1)
		return store.ScanUID(data)
	}
	restarted, err := store.OpenVdir(dir, ".vcf", store.Options{UID: counting})
	if err != nil {
		t.Fatal(err)
	}
	// A stale entry (wrong stat data) must not be believed.
	stale := append([]store.Entry(nil), known...)
	for i := range stale {
		if stale[i].UID == "c" {
			stale[i].UID, stale[i].Etag = "not-c", "f:1:2:3"
		}
	}
	restarted.Remember(stale)
	es, err := restarted.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("List read %d files; only c, whose remembered version is stale, needed reading", n)
	}
	if got := uidsOf(es); !got["a"] || !got["b"] || !got["c"] || got["not-c"] {
		t.Fatalf("UIDs after Remember: %v", got)
	}

	// A file edited since (new size and time) is read again.
	var href string
	for _, e := range es {
		if e.UID == "b" {
			href = e.Href
		}
	}
	if err := os.WriteFile(filepath.Join(dir, href), storetest.Item(".vcf", "b2", "edited"), 0o600); err != nil {
		t.Fatal(err)
	}
	reads.Store(0)
	es, err = restarted.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 1 || !uidsOf(es)["b2"] {
		t.Fatalf("after an edit: %d reads, UIDs %v", n, uidsOf(es))
	}
}

func uidsOf(es []store.Entry) map[string]bool {
	m := map[string]bool{}
	for _, e := range es {
		m[e.UID] = true
	}
	return m
}
