package engine_test

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cradle-sync/cradle/internal/bomb"
	"github.com/cradle-sync/cradle/internal/heappeak"
	"github.com/cradle-sync/cradle/push/eastest"
)

// memoryBound is the most a hostile server may make Cradle hold.
const memoryBound = 200 << 20

// A hostile server's Sync answer (huge, nested, item-flooded, a giant
// photo) goes through the whole engine path: memory stays under the bound,
// the local collection is untouched, the folder's status names what was
// too big, and once the server behaves the folder syncs on from its key
// with nothing lost or duplicated.
func TestEngineSyncBombs(t *testing.T) {
	tests := []struct {
		name   string
		body   func(http.ResponseWriter)
		reason string // in the error and the folder status
	}{
		{"100 MB response", func(w http.ResponseWriter) {
			(bomb.Sync{CollectionID: "contacts", SyncKey: "bomb", Items: 100 << 10, Filler: 1000}).WriteTo(w)
		}, "body exceeds 16 MB"},
		{"50 MB photo", func(w http.ResponseWriter) {
			(bomb.Sync{CollectionID: "contacts", SyncKey: "bomb", Items: 1, Photo: 50 << 20}).WriteTo(w)
		}, "body exceeds 16 MB"},
		{"12 MB photo", func(w http.ResponseWriter) {
			(bomb.Sync{CollectionID: "contacts", SyncKey: "bomb", Items: 1, Photo: 12 << 20}).WriteTo(w)
		}, "string exceeds 8 MB"},
		{"deeply nested WBXML", func(w http.ResponseWriter) { w.Write(bomb.Nested(1 << 20)) },
			"nesting depth exceeds 64 levels"},
		{"100,000 items in one Sync", func(w http.ResponseWriter) {
			(bomb.Sync{CollectionID: "contacts", SyncKey: "bomb", Items: 100_000}).WriteTo(w)
		}, "element count exceeds"},
		{"100,000 bare items in one Sync", func(w http.ResponseWriter) {
			(bomb.Sync{CollectionID: "contacts", SyncKey: "bomb", Items: 100_000, Bare: true}).WriteTo(w)
		}, "window exceeds 512 items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv := eastest.Start(t, eastest.Config{Folders: contactsOnly})
			hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.ms-sync.wbxml")
				tt.body(w)
			}))
			t.Cleanup(hostile.Close)
			var armed atomic.Bool
			hu, _ := url.Parse(hostile.URL)
			doer := &redirectDoer{next: &http.Client{}, other: hu.Host, divert: func(r *http.Request) bool {
				return armed.Load() && r.URL.Query().Get("Cmd") == "Sync"
			}}
			for _, n := range []string{"Ada Lovelace", "Alan Turing"} {
				if _, err := srv.AddItem("contacts", serverContact(t, n)); err != nil {
					t.Fatal(err)
				}
			}
			root := t.TempDir()
			in := openFakeInstall(t, srv, filepath.Join(root, "data"), filepath.Join(root, "contacts"), doer)
			if err := in.e.SyncOnce(ctx, ""); err != nil {
				t.Fatal(err)
			}
			before := in.cards(t)
			if len(before) != 2 {
				t.Fatalf("%d cards after the first sync, want 2", len(before))
			}

			armed.Store(true)
			m := heappeak.Start(ctx)
			err := in.e.SyncOnce(ctx, "")
			peak := m.Stop()
			t.Logf("peak heap in use %.1f MB, runtime total %.1f MB (bound %d MB); error: %v",
				heappeak.MB(peak.HeapInuse), heappeak.MB(peak.Total), memoryBound>>20, err)
			if peak.HeapInuse > memoryBound {
				t.Errorf("peak heap %.1f MB exceeds the %d MB bound", heappeak.MB(peak.HeapInuse), memoryBound>>20)
			}
			if err == nil || !strings.Contains(err.Error(), tt.reason) || !strings.Contains(err.Error(), "Sync response from 127.0.0.1 refused") {
				t.Fatalf("error %v does not say the server's Sync answer was refused for %q", err, tt.reason)
			}
			if st := in.folderStatus(t); st.State != "error" || !strings.Contains(st.Error, tt.reason) {
				t.Errorf("folder status %q %q, want error naming %q", st.State, st.Error, tt.reason)
			}
			if after := in.cards(t); !maps.EqualFunc(before, after, bytes.Equal) {
				t.Errorf("the refused answer changed the local collection: %d cards before, %d after", len(before), len(after))
			}

			// The server behaves again and a contact was added meanwhile.
			armed.Store(false)
			if _, err := srv.AddItem("contacts", serverContact(t, "Grace Hopper")); err != nil {
				t.Fatal(err)
			}
			if err := in.e.SyncOnce(ctx, ""); err != nil {
				t.Fatalf("sync after the server recovered: %v", err)
			}
			after := in.cards(t)
			if len(after) != 3 {
				t.Fatalf("%d cards after recovery, want 3 (2 + the one added meanwhile)", len(after))
			}
			for name, b := range before {
				if !bytes.Equal(after[name], b) {
					t.Errorf("%s changed across the bomb", name)
				}
			}
			if st := in.folderStatus(t); st.State == "error" {
				t.Errorf("folder still in error after recovery: %s", st.Error)
			}
		})
	}
}

// The largest answers the client accepts are applied within the same
// bound: a window of 500 contacts with 32 KB photos (16 MB) and one
// contact with a photo just under the 8 MB string bound.
func TestEngineLargestAcceptedWindows(t *testing.T) {
	tests := []struct {
		name string
		sync bomb.Sync
	}{
		{"500 contacts with 32 KB photos", bomb.Sync{CollectionID: "contacts", SyncKey: "big", Items: 500, Photo: 32 << 10, PhotoItems: 500}},
		{"one 8 MB photo", bomb.Sync{CollectionID: "contacts", SyncKey: "big", Items: 1, Photo: 8<<20 - 1024}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv := eastest.Start(t, eastest.Config{Folders: contactsOnly})
			hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.ms-sync.wbxml")
				tt.sync.WriteTo(w)
			}))
			t.Cleanup(hostile.Close)
			hu, _ := url.Parse(hostile.URL)
			var armed atomic.Bool
			doer := &redirectDoer{next: &http.Client{}, other: hu.Host, divert: func(r *http.Request) bool {
				return armed.Load() && r.URL.Query().Get("Cmd") == "Sync"
			}}
			root := t.TempDir()
			in := openFakeInstall(t, srv, filepath.Join(root, "data"), filepath.Join(root, "contacts"), doer)
			if err := in.e.SyncOnce(ctx, ""); err != nil {
				t.Fatal(err)
			}
			armed.Store(true)
			m := heappeak.Start(ctx)
			err := in.e.SyncOnce(ctx, "")
			peak := m.Stop()
			t.Logf("%d-byte answer: peak heap in use %.1f MB, runtime total %.1f MB (bound %d MB)",
				tt.sync.Size(), heappeak.MB(peak.HeapInuse), heappeak.MB(peak.Total), memoryBound>>20)
			if err != nil {
				t.Fatalf("an answer within the client's bounds was refused: %v", err)
			}
			if peak.HeapInuse > memoryBound {
				t.Errorf("peak heap %.1f MB exceeds the %d MB bound", heappeak.MB(peak.HeapInuse), memoryBound>>20)
			}
			if n := len(in.cards(t)); n != tt.sync.Items {
				t.Errorf("%d cards written, want %d", n, tt.sync.Items)
			}
		})
	}
}
