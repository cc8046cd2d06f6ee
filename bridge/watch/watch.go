// Package watch tells the sync engine when local collections change: an
// fsnotify watcher with debouncing for changes as they happen, and [Scan]
// for a full comparison at start and whenever events may have been lost.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/store"
)

// DefaultDebounce is how long a folder must be quiet before its changes
// are reported: editors and sync tools write in bursts (temp file, rename,
// chmod), and one batch per burst is what the engine wants.
const DefaultDebounce = 300 * time.Millisecond

// maxDelayFactor caps the wait under a continuous stream of events at this
// many debounce periods, so a busy folder still reports.
const maxDelayFactor = 10

// Options configure a watcher. The zero value is usable.
type Options struct {
	// Debounce is the quiet period before a batch is sent; 0 means
	// DefaultDebounce.
	Debounce time.Duration
	// Keep, if set, filters file names (not paths); files it rejects
	// produce no events. Cradle's temporary files never do.
	Keep func(name string) bool
	// Own, if set, is the log of Cradle's own writes; a change whose
	// result is what Cradle last wrote there is not reported.
	Own *store.WriteLog
	// Logger receives watcher errors; nil means slog.Default().
	Logger *slog.Logger
}

// Batch is one debounced set of changes in a watched folder.
type Batch struct {
	// Changed are paths that exist now and were created or modified.
	Changed []string
	// Removed are paths that no longer exist.
	Removed []string
	// Rescan means events were lost (the kernel queue overflowed, or
	// the folder itself was moved or removed): the receiver must rescan
	// the whole folder with [Scan]; Changed and Removed may be partial.
	Rescan bool
}

// Watch watches the folder dir (not its subfolders) and sends a Batch on
// the returned channel for each burst of changes. A goroutine owned by the
// watcher delivers batches until ctx is done, then closes the channel and
// releases the OS watch. Sends block: a slow receiver delays changes,
// which accumulate into the next batch; should the OS queue overflow
// meanwhile, the next batch asks for a rescan instead of losing them.
func Watch(ctx context.Context, dir string, o Options) (<-chan Batch, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	if err := w.Add(abs); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	out := make(chan Batch)
	l := &loop{dir: abs, o: o, events: w.Events, errs: w.Errors, closer: w, out: out, pending: make(map[string]bool)}
	go l.run(ctx)
	return out, nil
}

// WatchFile watches a single file, such as a single-file collection, by
// watching its folder filtered to the file's name: editors and Cradle
// replace the file by renaming a new one over it, which a watch on the
// file itself would lose. o.Keep is replaced.
func WatchFile(ctx context.Context, path string, o Options) (<-chan Batch, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", path, err)
	}
	base := filepath.Base(abs)
	o.Keep = func(name string) bool { return name == base }
	return Watch(ctx, filepath.Dir(abs), o)
}

// loop is the state of one watcher; only its goroutine touches it.
type loop struct {
	dir    string
	o      Options
	events <-chan fsnotify.Event
	errs   <-chan error
	closer io.Closer // the OS watch, released when the loop ends
	out    chan<- Batch

	// pending is the set of paths with events since the last batch.
	pending map[string]bool
	rescan  bool
	// first is when the oldest pending event arrived, for the max delay.
	first time.Time
}

func (l *loop) run(ctx context.Context) {
	defer close(l.out)
	defer l.closer.Close()
	// Stopped until the first event; with Go 1.23 timer semantics Stop
	// and Reset never leave a stale tick in timer.C.
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-l.events:
			if !ok {
				return
			}
			if !l.note(ev) {
				continue
			}
			timer.Reset(nextWait(l.o.Debounce, time.Since(l.first)))
		case err, ok := <-l.errs:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				l.rescan = true
				l.mark()
				timer.Reset(l.o.Debounce)
				continue
			}
			l.o.Logger.Warn("watch error", "dir", l.dir, "err", err)
		case <-timer.C:
			b, ok := l.flush()
			if !ok {
				continue
			}
			select {
			case l.out <- b:
			case <-ctx.Done():
				return
			}
		}
	}
}

// nextWait is how long to wait for quiet after an event, given how long
// the oldest unsent event has waited: the debounce period, cut short so
// that no event waits more than maxDelayFactor periods.
func nextWait(debounce, waited time.Duration) time.Duration {
	return max(min(debounce, maxDelayFactor*debounce-waited), 0)
}

// note records an event, reporting whether it counts.
func (l *loop) note(ev fsnotify.Event) bool {
	path := filepath.Clean(ev.Name)
	if path == l.dir {
		// The folder itself was removed or renamed: everything is in doubt.
		l.rescan = true
		l.mark()
		return true
	}
	// Attribute changes alone (touch, chmod, Spotlight and antivirus
	// tagging) do not change an item.
	if ev.Op == fsnotify.Chmod {
		return false
	}
	name := filepath.Base(path)
	if atomicfile.IsTemp(name) || !accept(l.o.Keep, name) {
		return false
	}
	l.pending[path] = true
	l.mark()
	return true
}

// mark starts the max-delay clock at the first event of a batch.
func (l *loop) mark() {
	if l.first.IsZero() {
		l.first = time.Now()
	}
}

// flush turns the pending paths into a batch, looking at each path's
// current state rather than at the events, which arrive in bursts and can
// be out of date (created then removed, written twice).
func (l *loop) flush() (Batch, bool) {
	var b Batch
	b.Rescan = l.rescan
	for _, path := range slices.Sorted(maps.Keys(l.pending)) {
		fi, err := os.Lstat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if !l.o.Own.IsOwn(path, store.Fingerprint{}, false) {
				b.Removed = append(b.Removed, path)
			}
		case err != nil:
			l.o.Logger.Warn("watch stat", "path", path, "err", err)
			b.Changed = append(b.Changed, path)
		case !fi.Mode().IsRegular():
			// Folders and links are not items.
		case !l.o.Own.IsOwn(path, store.FingerprintOf(fi), true):
			b.Changed = append(b.Changed, path)
		}
	}
	clear(l.pending)
	l.rescan = false
	l.first = time.Time{}
	return b, b.Rescan || len(b.Changed)+len(b.Removed) > 0
}

func accept(keep func(string) bool, name string) bool {
	return !atomicfile.IsTemp(name) && (keep == nil || keep(name))
}
