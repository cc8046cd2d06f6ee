package watch

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// fakeLoop runs a loop fed by the test instead of the OS.
func fakeLoop(t *testing.T, dir string, debounce time.Duration) (chan fsnotify.Event, chan error, <-chan Batch) {
	t.Helper()
	events, errs, out := make(chan fsnotify.Event), make(chan error), make(chan Batch)
	l := &loop{dir: dir, o: Options{Debounce: debounce}, events: events, errs: errs,
		closer: nopCloser{}, out: out, pending: map[string]bool{}}
	l.o.Logger = discardLogger()
	ctx, cancel := context.WithCancel(context.Background())
	go l.run(ctx)
	t.Cleanup(func() {
		cancel()
		for range out {
		}
	})
	return events, errs, out
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

func receive(t *testing.T, out <-chan Batch) Batch {
	t.Helper()
	select {
	case b := <-out:
		return b
	case <-time.After(failAfter):
		t.Fatal("no batch")
		return Batch{}
	}
}

func TestLoopOverflowAsksRescan(t *testing.T) {
	dir := t.TempDir()
	events, errs, out := fakeLoop(t, dir, 10*time.Millisecond)
	p := filepath.Join(dir, "a.vcf")
	write(t, p, "x")
	events <- fsnotify.Event{Name: p, Op: fsnotify.Write}
	errs <- fsnotify.ErrEventOverflow
	b := receive(t, out)
	if !b.Rescan || !slices.Equal(b.Changed, []string{p}) {
		t.Errorf("batch = %+v, want Rescan with %s", b, p)
	}
}

func TestLoopIgnoresChmodAndCoalesces(t *testing.T) {
	dir := t.TempDir()
	events, _, out := fakeLoop(t, dir, 10*time.Millisecond)
	a, b := filepath.Join(dir, "a.vcf"), filepath.Join(dir, "b.vcf")
	write(t, b, "x")
	events <- fsnotify.Event{Name: a, Op: fsnotify.Chmod}
	events <- fsnotify.Event{Name: b, Op: fsnotify.Create}
	events <- fsnotify.Event{Name: b, Op: fsnotify.Write}
	events <- fsnotify.Event{Name: a, Op: fsnotify.Remove}
	got := receive(t, out)
	if !slices.Equal(got.Changed, []string{b}) || !slices.Equal(got.Removed, []string{a}) || got.Rescan {
		t.Errorf("batch = %+v", got)
	}
}

// TestLoopMaxDelay feeds events faster than the debounce period without
// end: a batch must come out anyway. (When exactly is nextWait's business,
// tested without a clock below.)
func TestLoopMaxDelay(t *testing.T) {
	dir := t.TempDir()
	const debounce = 20 * time.Millisecond
	events, _, out := fakeLoop(t, dir, debounce)
	p := filepath.Join(dir, "busy.vcf")
	write(t, p, "x")
	tick := time.NewTicker(debounce / 4)
	defer tick.Stop()
	for {
		select {
		case events <- fsnotify.Event{Name: p, Op: fsnotify.Write}:
			<-tick.C
			continue
		case b := <-out:
			if !slices.Equal(b.Changed, []string{p}) {
				t.Errorf("batch = %+v", b)
			}
			return
		case <-time.After(failAfter):
			t.Fatal("continuous events starved the batch")
		}
	}
}

func TestLoopRemovedFileNotOwn(t *testing.T) {
	dir := t.TempDir()
	events, _, out := fakeLoop(t, dir, 10*time.Millisecond)
	p := filepath.Join(dir, "gone.vcf")
	write(t, p, "x")
	events <- fsnotify.Event{Name: p, Op: fsnotify.Create}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	events <- fsnotify.Event{Name: p, Op: fsnotify.Remove}
	// Created then removed within one period: the state now is "absent".
	if b := receive(t, out); !slices.Equal(b.Removed, []string{p}) || len(b.Changed) != 0 {
		t.Errorf("batch = %+v", b)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestNextWait(t *testing.T) {
	const d = 100 * time.Millisecond
	tests := []struct{ waited, want time.Duration }{
		{0, d},
		{500 * time.Millisecond, d},
		{900 * time.Millisecond, d},
		{950 * time.Millisecond, 50 * time.Millisecond},
		{time.Second, 0},
		{time.Hour, 0},
	}
	for _, tt := range tests {
		if got := nextWait(d, tt.waited); got != tt.want {
			t.Errorf("nextWait(%v, %v) = %v, want %v", d, tt.waited, got, tt.want)
		}
	}
}
