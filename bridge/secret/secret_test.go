package secret

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFileStore(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "sub", "secrets.json")}
	if _, err := f.Get("a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	if err := f.Set("a", "pw1"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("b", "pw2"); err != nil {
		t.Fatal(err)
	}
	if s, err := f.Get("a"); err != nil || s != "pw1" {
		t.Fatalf("get: %q %v", s, err)
	}
	fi, err := os.Stat(f.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if err := f.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get("a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}
