package push_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/internal/wbxml"
)

// FuzzDecodeResponses feeds arbitrary WBXML to every response type and
// to ItemData, seeded with SOGo's real responses. Decoding may fail but
// must not panic, and an ItemData that decoded must re-encode and decode
// to the same tokens.
func FuzzDecodeResponses(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range files {
		x, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		b, err := wbxml.FromXML(x)
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := wbxml.Limits{MaxBytes: 1 << 20, MaxTokens: 1 << 14}
		wbxml.UnmarshalLimits(b, &push.FolderSyncResponse{}, lim)
		wbxml.UnmarshalLimits(b, &push.PingResponse{}, lim)
		wbxml.UnmarshalLimits(b, &push.ProvisionResponse{}, lim)
		wbxml.UnmarshalLimits(b, &push.GetItemEstimateResponse{}, lim)
		var sync push.SyncResponse
		if wbxml.UnmarshalLimits(b, &sync, lim) != nil {
			return
		}
		for _, col := range sync.Collections {
			if col.Commands == nil {
				continue
			}
			for _, a := range col.Commands.Add {
				var v contactFields
				a.ApplicationData.Decode(&v)
				a.ApplicationData.EmptyElements()
				again, err := push.ItemDataFromTokens(a.ApplicationData.Tokens())
				if err != nil {
					t.Fatalf("recorded tokens are unbalanced: %v", err)
				}
				if len(again.Tokens()) != len(a.ApplicationData.Tokens()) {
					t.Fatal("token count changed")
				}
			}
		}
	})
}
