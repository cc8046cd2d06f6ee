package easclient_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/internal/bomb"
	"github.com/cradle-sync/cradle/internal/heappeak"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/internal/wbxml"
)

// memoryBound is the most a hostile response may make the client hold.
const memoryBound = 200 << 20

// bombServer answers every request with body, with or without a
// Content-Length.
func bombServer(t *testing.T, write func(http.ResponseWriter), length int64) string {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.ms-sync.wbxml")
		if length > 0 {
			w.Header().Set("Content-Length", strconv.FormatInt(length, 10))
		}
		write(w)
	}))
	t.Cleanup(hs.Close)
	return hs.URL + "/Microsoft-Server-ActiveSync"
}

// Hostile Sync answers are refused with an error that names what was too
// big, and the client never holds more than memoryBound doing so; one
// under the bounds (an 8 MB photo) is accepted within the same memory.
func TestSyncBombs(t *testing.T) {
	tests := []struct {
		name     string
		body     func(http.ResponseWriter)
		length   int64  // announced Content-Length; 0 streams chunked
		wantWhat string // TooLargeError.What; "" means the answer is accepted
		items    int    // items expected when accepted
	}{
		{
			name:     "100 MB body announced",
			body:     func(w http.ResponseWriter) { hundredMB.WriteTo(w) },
			length:   hundredMB.Size(),
			wantWhat: "body",
		},
		{
			name:     "100 MB body chunked",
			body:     func(w http.ResponseWriter) { hundredMB.WriteTo(w) },
			wantWhat: "body",
		},
		{
			name:     "50 MB photo",
			body:     func(w http.ResponseWriter) { photo(50 << 20).WriteTo(w) },
			wantWhat: "body",
		},
		{
			name:     "12 MB photo",
			body:     func(w http.ResponseWriter) { photo(12 << 20).WriteTo(w) },
			wantWhat: "string",
		},
		{
			name:     "100,000 nested elements",
			body:     func(w http.ResponseWriter) { w.Write(bomb.Nested(100_000)) },
			wantWhat: "nesting depth",
		},
		{
			name:     "100,000 items in one window",
			body:     func(w http.ResponseWriter) { (bomb.Sync{CollectionID: "c", SyncKey: "2", Items: 100_000}).WriteTo(w) },
			wantWhat: "element count",
		},
		{
			name: "100,000 bare items in one window",
			body: func(w http.ResponseWriter) {
				(bomb.Sync{CollectionID: "c", SyncKey: "2", Items: 100_000, Bare: true}).WriteTo(w)
			},
			wantWhat: "window",
		},
		{
			name:  "8 MB photo within the bounds",
			body:  func(w http.ResponseWriter) { photo(8<<20 - 1024).WriteTo(w) },
			items: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := bombServer(t, tt.body, tt.length)
			c, err := easclient.New(easclient.Config{URL: url, User: "u", DeviceID: "bomb",
				Version: push.Version141, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			m := heappeak.Start(t.Context())
			items := 0
			_, err = c.SyncFolder(t.Context(), easclient.SyncFolderRequest{CollectionID: "c", SyncKey: "1"},
				func(w *easclient.Window) error { items += len(w.Commands.Add); return nil })
			peak := m.Stop()
			t.Logf("peak heap in use %.1f MB, runtime total %.1f MB (bound %d MB); err: %v",
				heappeak.MB(peak.HeapInuse), heappeak.MB(peak.Total), memoryBound>>20, err)
			if peak.HeapInuse > memoryBound {
				t.Errorf("peak heap %.1f MB exceeds the %d MB bound", heappeak.MB(peak.HeapInuse), memoryBound>>20)
			}
			if tt.wantWhat == "" {
				if err != nil || items != tt.items {
					t.Fatalf("got %d items, err %v; want %d items", items, err, tt.items)
				}
				return
			}
			var tl *easclient.TooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("err = %v, want a *TooLargeError", err)
			}
			if tl.What != tt.wantWhat || tl.Command != "Sync" || tl.Host != "127.0.0.1" {
				t.Errorf("refused %s by %s from %s, want %s by Sync from 127.0.0.1", tl.What, tl.Command, tl.Host, tt.wantWhat)
			}
			if msg := err.Error(); !strings.Contains(msg, "Sync response from 127.0.0.1 refused: "+tt.wantWhat+" exceeds") {
				t.Errorf("message %q does not say what was too big", msg)
			}
			if items != 0 {
				t.Errorf("%d items of a refused response reached the caller", items)
			}
		})
	}
}

// hundredMB is a Sync answer of 100 MB made of ordinary 1 KB contacts.
var hundredMB = bomb.Sync{CollectionID: "c", SyncKey: "2", Items: 100 << 10, Filler: 1000}

func photo(n int) bomb.Sync {
	return bomb.Sync{CollectionID: "c", SyncKey: "2", Items: 1, Photo: n}
}

// A window whose items are big (photos) comes back over the body bound:
// the client asks again with the same key and fewer items, and gets every
// change; it does not give up on a folder whose items fit one by one.
func TestSyncWindowShrinksForBigItems(t *testing.T) {
	var windows []int
	var keys []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req push.SyncRequest
		if err := wbxml.Unmarshal(body, &req); err != nil || len(req.Collections) != 1 {
			t.Errorf("bad request: %v", err)
			return
		}
		col := req.Collections[0]
		windows = append(windows, col.WindowSize)
		keys = append(keys, col.SyncKey)
		// 40 pending items of 100 KB each: 4 MB, over the 1 MB bound
		// unless at most 10 are asked for.
		n := min(col.WindowSize, 40)
		(bomb.Sync{CollectionID: "c", SyncKey: "2", Items: n, Photo: 100_000, PhotoItems: n}).WriteTo(w)
	}))
	t.Cleanup(hs.Close)
	c, err := easclient.New(easclient.Config{URL: hs.URL + "/Microsoft-Server-ActiveSync", User: "u", DeviceID: "shrink",
		Version: push.Version141, MaxResponse: 1 << 20, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	items := 0
	_, err = c.SyncFolder(t.Context(), easclient.SyncFolderRequest{CollectionID: "c", SyncKey: "1"},
		func(w *easclient.Window) error { items += len(w.Commands.Add); return nil })
	t.Logf("windows asked: %v, keys %v; %d items", windows, keys, items)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{100, 25, 6}; !slices.Equal(windows, want) {
		t.Errorf("windows asked %v, want %v", windows, want)
	}
	for _, k := range keys {
		if k != "1" {
			t.Errorf("a retry used key %q; the refused answer's key must not be used", k)
		}
	}
	if items != 6 {
		t.Errorf("%d items delivered, want the 6 of the window that fitted", items)
	}
}
