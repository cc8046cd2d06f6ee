package export

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/store"
)

const corpus = "../../formats/testdata/corpus"

// corpusVdir copies every file of a corpus folder into a fresh vdir with
// extension ext, one file per item as read (a file holding several cards
// or events stays one item), and returns the store and the sorted list of
// item names.
func corpusVdir(t testing.TB, sub, ext string) (*store.Vdir, []string) {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(filepath.Join(corpus, sub))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(corpus, sub, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())) + ext
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return openVdir(t, dir, ext), names
}

// vdirOf writes the given items (file name → content) into a new vdir.
func vdirOf(t testing.TB, ext string, items map[string]string) *store.Vdir {
	t.Helper()
	dir := t.TempDir()
	for name, data := range items {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return openVdir(t, dir, ext)
}

func openVdir(t testing.TB, dir, ext string) *store.Vdir {
	t.Helper()
	v, err := store.OpenVdir(dir, ext, store.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// crlf turns a readable multi-line literal into CRLF content lines.
func crlf(s string) string {
	return strings.ReplaceAll(strings.TrimLeft(s, "\n"), "\n", "\r\n")
}

var bg = context.Background()

// quiet drops the stores' warnings about items without a UID, which the
// corpus is full of and an export does not need.
var quiet = slog.New(slog.DiscardHandler)
