package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// stubSync replaces the content sync for one test; it gets the folders of
// each call.
func stubSync(t *testing.T, fn func(folders []*folder) error) {
	t.Helper()
	orig := syncContents
	syncContents = fn
	t.Cleanup(func() { syncContents = orig })
}

func TestBatchCommitsMany(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	var b Batch
	want := make(map[string]string)
	for i := range 500 {
		p := filepath.Join(dirs[i%2], fmt.Sprintf("item-%03d.vcf", i))
		want[p] = fmt.Sprintf("content %d", i)
		if got := b.Add(p, []byte(want[p]), Options{Perm: 0o640}); got != i {
			t.Fatalf("Add returned index %d, want %d", got, i)
		}
	}
	if b.Len() != 500 {
		t.Fatalf("Len = %d", b.Len())
	}
	res, err := b.Commit()
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if len(res) != 500 || b.Len() != 0 {
		t.Fatalf("%d results, Len after Commit %d", len(res), b.Len())
	}
	for i, r := range res {
		p := filepath.Join(dirs[i%2], fmt.Sprintf("item-%03d.vcf", i))
		if r.Err != nil || !r.Done {
			t.Fatalf("item %d: %+v", i, r)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != want[p] {
			t.Fatalf("%s = %q, %v; want %q", p, got, err, want[p])
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !os.SameFile(fi, r.Info) || fi.Size() != r.Info.Size() || !fi.ModTime().Equal(r.Info.ModTime()) {
			t.Errorf("item %d: Info does not describe the destination", i)
		}
		if fi.Mode().Perm() != 0o640 {
			t.Errorf("item %d: mode %v, want 0640", i, fi.Mode().Perm())
		}
	}
	for _, d := range dirs {
		if left := temps(t, d); len(left) != 0 {
			t.Errorf("temporary files left in %s: %v", d, left)
		}
	}
}

func TestBatchDefersSyncOnlyForSeveralWrites(t *testing.T) {
	dir := t.TempDir()
	probe, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	supported := canSyncFS(probe)
	probe.Close()
	for _, n := range []int{1, 2, 30} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var deferred []string
			stubSync(t, func(folders []*folder) error {
				for _, d := range folders {
					for _, tmp := range d.deferred {
						// Content sync runs before any rename.
						if _, err := os.Stat(tmp); err != nil {
							t.Errorf("deferred temporary file: %v", err)
						}
					}
					deferred = append(deferred, d.deferred...)
				}
				return nil
			})
			var b Batch
			for i := range n {
				b.Add(filepath.Join(dir, fmt.Sprintf("n%d-%d", n, i)), []byte("x"), Options{})
			}
			if _, err := b.Commit(); err != nil {
				t.Fatal(err)
			}
			want := 0
			if n > 1 && supported {
				want = n
			}
			if len(deferred) != want {
				t.Errorf("%d writes deferred their sync, want %d (syncfs usable: %v)", len(deferred), want, supported)
			}
		})
	}
}

func TestBatchItemFailuresAreIsolated(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	if err := os.WriteFile(existing, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	veto := errors.New("veto")
	var hookRuns int
	bad := []struct {
		name string
		path string
		opts Options
		want error
	}{
		{"no replace collision", existing, Options{NoReplace: true}, fs.ErrExist},
		{"hook vetoes", existing, Options{BeforeRename: func(fs.FileInfo) error { hookRuns++; return veto }}, veto},
		{"destination is a folder", sub, Options{}, nil},
		{"missing folder", filepath.Join(dir, "nope", "f"), Options{}, fs.ErrNotExist},
		{"empty name", dir + string(filepath.Separator), Options{}, nil},
	}
	var b Batch
	good := make(map[int]string)
	badAt := make(map[int]int)
	for i, tt := range bad {
		// Good writes around every bad one.
		p := filepath.Join(dir, fmt.Sprintf("good-%d", i))
		good[b.Add(p, []byte(p), Options{NoReplace: i%2 == 0})] = p
		badAt[b.Add(tt.path, []byte("new"), tt.opts)] = i
	}
	p := filepath.Join(dir, "good-last")
	good[b.Add(p, []byte(p), Options{})] = p
	res, err := b.Commit()
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	for k, p := range good {
		if res[k].Err != nil || !res[k].Done {
			t.Errorf("good write %s: %+v", p, res[k])
		}
		if got, _ := os.ReadFile(p); string(got) != p {
			t.Errorf("%s = %q", p, got)
		}
	}
	for k, i := range badAt {
		tt := bad[i]
		r := res[k]
		if r.Err == nil || r.Done || r.Info != nil {
			t.Errorf("%s: %+v, want a failure", tt.name, r)
			continue
		}
		if tt.want != nil && !errors.Is(r.Err, tt.want) {
			t.Errorf("%s: error %v does not match %v", tt.name, r.Err, tt.want)
		}
	}
	if hookRuns != 1 {
		t.Errorf("hook ran %d times", hookRuns)
	}
	if got, _ := os.ReadFile(existing); string(got) != "old" {
		t.Errorf("existing file changed to %q", got)
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestBatchHookSeesEditAfterAdd shows why hooks run late: an edit made
// after the write was queued is still caught before the rename.
func TestBatchHookSeesEditAfterAdd(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "item.ics")
	if err := os.WriteFile(p, []byte("v1"), 0o600); err != nil {
		t.Fatal(err)
	}
	seen, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	errChanged := errors.New("changed")
	unchanged := func(fs.FileInfo) error {
		cur, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !os.SameFile(cur, seen) || cur.Size() != seen.Size() || !cur.ModTime().Equal(seen.ModTime()) {
			return errChanged
		}
		return nil
	}
	var b Batch
	b.Add(p, []byte("v2 from the batch"), Options{BeforeRename: unchanged})
	other := filepath.Join(dir, "other.ics")
	b.Add(other, []byte("other"), Options{})
	if err := os.WriteFile(p, []byte("user's edit"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := b.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res[0].Err, errChanged) || res[0].Done {
		t.Errorf("edited item: %+v, want the hook's error", res[0])
	}
	if got, _ := os.ReadFile(p); string(got) != "user's edit" {
		t.Errorf("edit lost: %q", got)
	}
	if res[1].Err != nil {
		t.Errorf("other item: %v", res[1].Err)
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestBatchSyncFailureChangesNothing(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	doomed := filepath.Join(dir, "doomed")
	for _, p := range []string{existing, doomed} {
		if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	eio := errors.New("input/output error")
	stubSync(t, func(folders []*folder) error {
		// The temporary files are written by now, but no destination
		// has changed.
		if left := temps(t, dir); len(left) != 4 {
			t.Errorf("%d temporary files at sync time, want 4", len(left))
		}
		return eio
	})
	hooks := 0
	hook := func(fs.FileInfo) error { hooks++; return nil }
	var b Batch
	b.Add(existing, []byte("new"), Options{BeforeRename: hook})
	for i := range 3 {
		b.Add(filepath.Join(dir, fmt.Sprint("new-", i)), []byte("new"), Options{NoReplace: true, BeforeRename: hook})
	}
	b.Remove(doomed, func() error { hooks++; return nil })
	res, err := b.Commit()
	if !errors.Is(err, eio) {
		t.Fatalf("Commit: err = %v, want the sync error", err)
	}
	for i, r := range res {
		if r.Done || r.Info != nil || !errors.Is(r.Err, eio) {
			t.Errorf("item %d: %+v, want not done with the sync error", i, r)
		}
	}
	if hooks != 0 {
		t.Errorf("%d hooks ran after a failed sync", hooks)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("folder holds %v, want only the two old files", entries)
	}
	for _, p := range []string{existing, doomed} {
		if got, _ := os.ReadFile(p); string(got) != "old" {
			t.Errorf("%s changed to %q", p, got)
		}
	}
}

func TestBatchFolderSyncFailure(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	failing, err := os.Stat(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	eio := errors.New("input/output error")
	orig := syncFolder
	syncFolder = func(f *os.File) error {
		if fi, err := f.Stat(); err == nil && os.SameFile(fi, failing) {
			return eio
		}
		return orig(f)
	}
	t.Cleanup(func() { syncFolder = orig })
	var b Batch
	for i := range 4 {
		b.Add(filepath.Join(dirs[i%2], fmt.Sprint(i)), []byte("new"), Options{})
	}
	res, err := b.Commit()
	if !errors.Is(err, eio) {
		t.Fatalf("Commit: err = %v, want the folder sync error", err)
	}
	for i, r := range res {
		// The renames happened either way; only in the failing folder
		// is their durability in doubt.
		if !r.Done || r.Info == nil {
			t.Errorf("item %d not done: %+v", i, r)
		}
		if inFailing := i%2 == 0; errors.Is(r.Err, eio) != inFailing {
			t.Errorf("item %d: err = %v, in failing folder: %v", i, r.Err, inFailing)
		}
	}
}

func TestBatchRemove(t *testing.T) {
	dir := t.TempDir()
	a, kept := filepath.Join(dir, "a"), filepath.Join(dir, "kept")
	for _, p := range []string{a, kept} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	veto := errors.New("veto")
	var b Batch
	b.Remove(a, nil)
	b.Remove(filepath.Join(dir, "missing"), nil)
	b.Remove(kept, func() error { return veto })
	b.Add(filepath.Join(dir, "written"), []byte("w"), Options{})
	res, err := b.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Done || res[0].Err != nil {
		t.Errorf("remove: %+v", res[0])
	}
	if _, err := os.Lstat(a); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("removed file still there: %v", err)
	}
	if res[1].Done || !errors.Is(res[1].Err, fs.ErrNotExist) {
		t.Errorf("remove of missing file: %+v", res[1])
	}
	if res[2].Done || !errors.Is(res[2].Err, veto) {
		t.Errorf("vetoed remove: %+v", res[2])
	}
	if _, err := os.Lstat(kept); err != nil {
		t.Errorf("vetoed file: %v", err)
	}
	if !res[3].Done || res[3].Err != nil {
		t.Errorf("write beside removals: %+v", res[3])
	}
}

func TestBatchEmpty(t *testing.T) {
	var b Batch
	res, err := b.Commit()
	if err != nil || len(res) != 0 {
		t.Errorf("empty Commit = %v, %v", res, err)
	}
}
