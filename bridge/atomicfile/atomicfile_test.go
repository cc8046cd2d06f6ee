package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// temps lists the temporary files left in dir.
func temps(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if IsTemp(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteFileCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.vcf")
	for _, content := range []string{"first", "second, longer content", ""} {
		if err := WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatalf("WriteFile(%q): %v", content, err)
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("content = %q, want %q", got, content)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o640 {
			t.Errorf("mode = %v, want 0640", fi.Mode().Perm())
		}
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteReturnsInfoOfDestination(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x")
	fi, err := Write(p, []byte("hello"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(fi, after) || fi.Size() != after.Size() || !fi.ModTime().Equal(after.ModTime()) {
		t.Errorf("returned info %v/%d/%v differs from destination %v/%d/%v",
			fi.Name(), fi.Size(), fi.ModTime(), after.Name(), after.Size(), after.ModTime())
	}
	if after.Mode().Perm() != 0o600 {
		t.Errorf("default mode = %v, want 0600", after.Mode().Perm())
	}
}

func TestWriteFailuresLeaveNoTemp(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing")
	if err := os.WriteFile(existing, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	veto := errors.New("veto")
	tests := []struct {
		name string
		path string
		opts Options
		want error
	}{
		{"destination is a folder", sub, Options{}, nil},
		{"missing folder", filepath.Join(dir, "nope", "f"), Options{}, fs.ErrNotExist},
		{"no replace", existing, Options{NoReplace: true}, fs.ErrExist},
		{"before rename vetoes", existing, Options{BeforeRename: func(fs.FileInfo) error { return veto }}, veto},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Write(tt.path, []byte("new"), tt.opts)
			if err == nil {
				t.Fatal("Write succeeded, want error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v does not match %v", err, tt.want)
			}
			if left := temps(t, dir); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
			if got, _ := os.ReadFile(existing); string(got) != "old" {
				t.Errorf("existing file changed to %q", got)
			}
		})
	}
}

func TestNoReplaceCreates(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "new")
	if _, err := Write(p, []byte("v"), Options{NoReplace: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "v" {
		t.Errorf("content = %q", got)
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestTempName(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes, cut must respect runes
	for _, base := range []string{"a.vcf", long, ""} {
		n := TempName(base)
		if !IsTemp(n) || !IsTemp(filepath.Join("some", "dir", n)) {
			t.Errorf("IsTemp(%q) = false", n)
		}
		if len(n) > 255 {
			t.Errorf("TempName length %d > 255", len(n))
		}
		if !utf8.ValidString(n) {
			t.Errorf("TempName(%q) is not valid UTF-8", base)
		}
	}
	if TempName("a") == TempName("a") {
		t.Error("TempName is not unique")
	}
	for _, n := range []string{"a.vcf", ".hidden", "cradle-tmp-x", "x.cradle-tmp-"} {
		if IsTemp(n) {
			t.Errorf("IsTemp(%q) = true", n)
		}
	}
}

func TestSweep(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, TempName("old.ics"))
	fresh := filepath.Join(dir, TempName("new.ics"))
	keep := filepath.Join(dir, "item.ics")
	for _, p := range []string{stale, fresh, keep} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	removed, err := Sweep(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != stale {
		t.Errorf("removed = %v, want [%s]", removed, stale)
	}
	for _, p := range []string{fresh, keep} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestFullDisk proves on a tiny tmpfs that a write failing with ENOSPC
// leaves the old file byte-identical and no temporary file behind. It needs
// root (or CAP_SYS_ADMIN) to mount; elsewhere it is skipped.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		skipOrFail(t, fmt.Sprintf("cannot mount tmpfs: %v: %s", err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	p := filepath.Join(dir, "big.ics")
	old := bytes.Repeat([]byte("BEGIN:VEVENT\r\n"), 1500) // 21 KB
	if err := WriteFile(p, old, 0o600); err != nil {
		t.Fatalf("initial write: %v", err)
	}
	err := WriteFile(p, bytes.Repeat([]byte("X"), 128<<10), 0o600)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write to full disk: err = %v, want ENOSPC", err)
	}
	got, rerr := os.ReadFile(p)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !bytes.Equal(got, old) {
		t.Errorf("old file changed: %d bytes, want %d", len(got), len(old))
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// The space of the failed write was given back: a small write works.
	if err := WriteFile(p, []byte("small"), 0o600); err != nil {
		t.Errorf("write after ENOSPC: %v", err)
	}
}

// skipOrFail skips where the test cannot run (no root to mount a tmpfs);
// CI runs as root, so there it is a failure.
func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + "; CI runs as root and must be able to mount a tmpfs")
	}
	t.Skip(why)
}
