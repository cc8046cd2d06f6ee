// Package folder treats mounted storage as a device: a USB stick, an SD
// card, a phone mounted over MTP (gvfs, jmtpfs) or a folder that holds a
// configured .vcf or .ics file or a vdir (one item per file). It notices
// such storage coming and going by watching the mount table and the
// folders where desktops mount media.
//
// Android's Contacts app imports a .vcf as new contacts each time, so for
// phones a file here is an export/import point rather than a live store.
package folder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/cradle-sync/cradle/bridge/device"
)

// Config says what storage counts as a device.
type Config struct {
	// Files are paths, relative to the storage's root, of the address
	// books and calendars to use: "Contacts.vcf", "Calendar/work.ics",
	// or a folder (vdir) such as "contacts". Storage is a device when at
	// least one of them exists.
	Files []string
	// Roots are folders whose subfolders are candidate storage and under
	// which any mount counts; nil means /media, /media/$USER and
	// /run/media/$USER.
	Roots []string
	// Mountinfo is the mount table to watch; "" means
	// /proc/self/mountinfo.
	Mountinfo string
	// Rescan is the period of a safety-net rescan; 0 means 10s.
	Rescan time.Duration
	// Logger receives progress; nil discards.
	Logger *slog.Logger
}

// Driver finds storage holding the configured files.
type Driver struct {
	cfg Config
}

// New returns a driver for cfg, filling in defaults.
func New(cfg Config) *Driver {
	if cfg.Roots == nil {
		cfg.Roots = []string{"/media"}
		if u, err := user.Current(); err == nil {
			cfg.Roots = append(cfg.Roots, filepath.Join("/media", u.Username), filepath.Join("/run/media", u.Username))
		}
	}
	if cfg.Mountinfo == "" {
		cfg.Mountinfo = "/proc/self/mountinfo"
	}
	if cfg.Rescan <= 0 {
		cfg.Rescan = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Driver{cfg: cfg}
}

// Kind returns "folder".
func (d *Driver) Kind() string { return "folder" }

// underRoot reports whether p lies inside one of the roots.
func (d *Driver) underRoot(p string) bool {
	for _, r := range d.cfg.Roots {
		if rel, err := filepath.Rel(r, p); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
}

// scan returns the storage present now: ID (absolute path) → label.
func (d *Driver) scan() map[string]string {
	cands := map[string]bool{}
	if f, err := os.Open(d.cfg.Mountinfo); err == nil {
		mounts, _ := ParseMountinfo(f)
		f.Close()
		for _, m := range mounts {
			if removableFS[m.FSType] || d.underRoot(m.Point) {
				cands[m.Point] = true
			}
		}
	}
	for _, r := range d.cfg.Roots {
		entries, err := os.ReadDir(r)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() {
				cands[filepath.Join(r, e.Name())] = true
			}
		}
	}
	out := map[string]string{}
	for c := range cands {
		for _, f := range d.cfg.Files {
			if _, err := os.Stat(filepath.Join(c, f)); err == nil {
				out[c] = filepath.Base(c)
				break
			}
		}
	}
	return out
}

// Detect returns the storage present now.
func (d *Driver) Detect(ctx context.Context) ([]device.Info, error) {
	var out []device.Info
	for id, label := range d.scan() {
		out = append(out, device.Info{ID: id, Label: label, State: device.Attach})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Watch reports storage appearing (Attach) and going away (Detach). It
// rescans when the mount table changes (POLLPRI on mountinfo), when
// anything changes in a root or its direct subfolders (fsnotify), and
// every Rescan period, since either notification alone can miss a mount.
func (d *Driver) Watch(ctx context.Context, events chan<- device.Event) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("folder watch: %w", err)
	}
	defer w.Close()
	watched := map[string]bool{}
	addWatches := func() {
		for _, r := range d.cfg.Roots {
			dirs := []string{r}
			if entries, err := os.ReadDir(r); err == nil {
				for _, e := range entries {
					if e.IsDir() {
						dirs = append(dirs, filepath.Join(r, e.Name()))
					}
				}
			}
			for _, dir := range dirs {
				if !watched[dir] && w.Add(dir) == nil {
					watched[dir] = true
				}
			}
		}
		for dir := range watched {
			if _, err := os.Stat(dir); err != nil {
				_ = w.Remove(dir)
				delete(watched, dir)
			}
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	mountsChanged := make(chan struct{}, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := watchMountinfo(ctx, d.cfg.Mountinfo, mountsChanged); err != nil && ctx.Err() == nil {
			d.cfg.Logger.Warn("mountinfo watch stopped; relying on folder events and rescans", "err", err)
		}
	}()
	ticker := time.NewTicker(d.cfg.Rescan)
	defer ticker.Stop()

	present := map[string]string{}
	for {
		addWatches()
		now := d.scan()
		var evs []device.Event
		for id, label := range now {
			if _, ok := present[id]; !ok {
				evs = append(evs, device.Event{Type: device.Attach, ID: id, Label: label})
			}
		}
		for id, label := range present {
			if _, ok := now[id]; !ok {
				evs = append(evs, device.Event{Type: device.Detach, ID: id, Label: label})
			}
		}
		sort.Slice(evs, func(i, j int) bool { return evs[i].ID < evs[j].ID })
		present = now
		for _, ev := range evs {
			select {
			case events <- ev:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-mountsChanged:
			// A mount hides the folder a watch was placed on; watch
			// the mounted file system's root instead.
			for dir := range watched {
				_ = w.Remove(dir)
				delete(watched, dir)
			}
		case <-ticker.C:
		case err := <-w.Errors:
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				continue // rescan anyway
			}
			d.cfg.Logger.Warn("folder watch", "err", err)
		case <-w.Events:
		}
	}
}

// Open returns the storage at id (a path from an event).
func (d *Driver) Open(ctx context.Context, id string) (device.Device, error) {
	st, err := os.Stat(id)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("folder open %s: %w", id, device.ErrGone)
	}
	return &Storage{root: id, files: d.cfg.Files}, nil
}

var _ device.Driver = (*Driver)(nil)
