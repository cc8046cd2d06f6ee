package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/store"
)

// failAfter bounds every wait for an event; tests never sleep for one.
const failAfter = 10 * time.Second

// collector gathers batches until one mentions sentinel.
func untilSentinel(t *testing.T, ch <-chan Batch, sentinel string) []Batch {
	t.Helper()
	timeout := time.After(failAfter)
	var got []Batch
	for {
		select {
		case b, ok := <-ch:
			if !ok {
				t.Fatalf("channel closed before %s was seen; batches %+v", sentinel, got)
			}
			got = append(got, b)
			if slices.Contains(b.Changed, sentinel) || slices.Contains(b.Removed, sentinel) {
				return got
			}
		case <-timeout:
			t.Fatalf("no batch with %s within %v; got %+v", sentinel, failAfter, got)
		}
	}
}

func mentions(bs []Batch, path string) bool {
	for _, b := range bs {
		if slices.Contains(b.Changed, path) || slices.Contains(b.Removed, path) {
			return true
		}
	}
	return false
}

func start(t *testing.T, dir string, o Options) <-chan Batch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := Watch(ctx, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		for range ch { // wait for the goroutine to finish
		}
	})
	return ch
}

func TestWatchCreateModifyRemove(t *testing.T) {
	dir := t.TempDir()
	ch := start(t, dir, Options{Debounce: 20 * time.Millisecond})
	p := filepath.Join(dir, "a.vcf")
	write(t, p, "one")
	if bs := untilSentinel(t, ch, p); !slices.Contains(bs[len(bs)-1].Changed, p) {
		t.Errorf("create reported as %+v", bs)
	}
	write(t, p, "two")
	untilSentinel(t, ch, p)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	bs := untilSentinel(t, ch, p)
	if last := bs[len(bs)-1]; !slices.Contains(last.Removed, p) || slices.Contains(last.Changed, p) {
		t.Errorf("remove reported as %+v", last)
	}
}

func TestWatchIgnoresTempAndOwnWrites(t *testing.T) {
	dir := t.TempDir()
	log := store.NewWriteLog()
	v, err := store.OpenVdir(dir, ".vcf", store.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ch := start(t, dir, Options{Debounce: 20 * time.Millisecond, Own: log, Keep: v.IsItemName})
	ctx := context.Background()
	e, err := v.Create(ctx, "mine", []byte("BEGIN:VCARD\r\nUID:mine\r\nEND:VCARD\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(dir, e.Href)
	if _, err := v.Update(ctx, e.Href, []byte("BEGIN:VCARD\r\nUID:mine\r\nFN:x\r\nEND:VCARD\r\n"), ""); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, atomicfile.TempName("x.vcf")), "temp")
	write(t, filepath.Join(dir, "notes.txt"), "not an item")
	// Events arrive in order: once the user's file is seen, every event
	// of the writes above has been delivered or dropped.
	user := filepath.Join(dir, "user.vcf")
	write(t, user, "BEGIN:VCARD\r\nUID:user\r\nEND:VCARD\r\n")
	bs := untilSentinel(t, ch, user)
	for _, b := range bs {
		for _, p := range slices.Concat(b.Changed, b.Removed) {
			if p != user {
				t.Errorf("unexpected change %s in %+v", p, b)
			}
		}
	}
	// Cradle's delete is not reported either, while the user's edit of
	// Cradle's file is.
	if err := v.Delete(ctx, e.Href, ""); err != nil {
		t.Fatal(err)
	}
	write(t, user, "edited by the user")
	bs = untilSentinel(t, ch, user)
	if mentions(bs, own) {
		t.Errorf("own delete reported: %+v", bs)
	}
	e, err = v.Create(ctx, "mine2", []byte("BEGIN:VCARD\r\nUID:mine2\r\nEND:VCARD\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	own2 := filepath.Join(dir, e.Href)
	write(t, own2, "the user edits Cradle's file")
	untilSentinel(t, ch, own2)
}

func TestWatchDebounceCoalesces(t *testing.T) {
	dir := t.TempDir()
	ch := start(t, dir, Options{Debounce: 300 * time.Millisecond})
	p := filepath.Join(dir, "busy.ics")
	for i := range 50 {
		write(t, p, strings.Repeat("x", i+1))
	}
	done := filepath.Join(dir, "done.ics")
	write(t, done, "done")
	bs := untilSentinel(t, ch, done)
	n := 0
	for _, b := range bs {
		if slices.Contains(b.Changed, p) {
			n++
		}
	}
	// 50 writes within one debounce period; a heavily loaded machine may
	// split them a few times, but never into anything near 50 batches.
	if n == 0 || n > 5 {
		t.Errorf("50 quick writes gave %d batches: %+v", n, bs)
	}
}

func TestWatchFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "contacts.vcf")
	write(t, p, "v1")
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := WatchFile(ctx, p, Options{Debounce: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "other.vcf"), "not watched")
	// An editor's save by rename is seen on the watched file.
	if err := atomicfile.WriteFile(p, []byte("v2"), 0o600); err != nil {
		t.Fatal(err)
	}
	bs := untilSentinel(t, ch, p)
	if mentions(bs, filepath.Join(dir, "other.vcf")) {
		t.Errorf("sibling file reported: %+v", bs)
	}
	cancel()
	select {
	case _, ok := <-ch:
		for ok {
			_, ok = <-ch
		}
	case <-time.After(failAfter):
		t.Fatal("channel not closed after cancel")
	}
}

func TestWatchMissingFolder(t *testing.T) {
	if _, err := Watch(context.Background(), filepath.Join(t.TempDir(), "nope"), Options{}); err == nil {
		t.Error("Watch of a missing folder succeeded")
	}
}

func TestWatchFolderRemovedAsksRescan(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "coll")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ch := start(t, dir, Options{Debounce: 20 * time.Millisecond})
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-ch:
		if !b.Rescan {
			t.Errorf("folder removal gave %+v, want Rescan", b)
		}
	case <-time.After(failAfter):
		t.Fatal("no batch after the folder was removed")
	}
}

func TestWatchFileIgnoresOwnRewrites(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "contacts.vcf")
	log := store.NewWriteLog()
	f, err := store.OpenFile(p, store.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := WatchFile(ctx, p, Options{Debounce: 20 * time.Millisecond, Own: log})
	if err != nil {
		t.Fatal(err)
	}
	for _, uid := range []string{"a", "b", "c"} {
		if _, err := f.Create(ctx, uid, []byte("BEGIN:VCARD\r\nUID:"+uid+"\r\nEND:VCARD\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	// The user's edit of the same file is the sentinel: every batch
	// before it must be empty of the file, and the edit itself seen.
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	write(t, p, string(raw)+"BEGIN:VCARD\r\nUID:user\r\nEND:VCARD\r\n")
	bs := untilSentinel(t, ch, p)
	if len(bs) != 1 {
		t.Errorf("own rewrites were reported: %+v", bs)
	}
}
