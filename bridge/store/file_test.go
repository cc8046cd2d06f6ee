package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/bridge/store/storetest"
)

func fileSuite(ext string) storetest.Suite {
	name := "collection" + ext
	return storetest.Suite{
		Ext: ext,
		Open: func(t *testing.T, root string) store.Store {
			f, err := store.OpenFile(filepath.Join(root, name), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return f
		},
		Edit: func(t *testing.T, root, _ string, old, data []byte) {
			p := filepath.Join(root, name)
			content, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			// The stored item is the old one minus the calendar wrapper:
			// replace the part that differs, the event or the card.
			from, to := itemBody(old), itemBody(data)
			if !bytes.Contains(content, from) {
				t.Fatalf("item %q not found in %s", from, p)
			}
			if err := os.WriteFile(p, bytes.Replace(content, from, to, 1), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	}
}

// itemBody returns the VEVENT of a calendar item, or the whole card.
func itemBody(data []byte) []byte {
	if i := bytes.Index(data, []byte("BEGIN:VEVENT")); i >= 0 {
		j := bytes.Index(data, []byte("END:VEVENT\r\n"))
		return data[i : j+len("END:VEVENT\r\n")]
	}
	return data
}

func TestFileConformance(t *testing.T) {
	for _, ext := range []string{".vcf", ".ics"} {
		t.Run(ext, func(t *testing.T) { storetest.Run(t, fileSuite(ext)) })
	}
}
