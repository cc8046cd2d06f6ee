package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
)

// DefaultMaxItemSize bounds one item read from disk. Real contacts and
// events with photos or attachments stay well below it.
const DefaultMaxItemSize = 32 << 20

// Options configure a store. The zero value is usable.
type Options struct {
	// UID extracts an item's UID; nil means [ScanUID].
	UID UIDFunc
	// Log, if set, records every file the store writes or deletes, so a
	// watcher sharing it can ignore Cradle's own changes.
	Log *WriteLog
	// MaxItemSize bounds an item (vdir) or the whole file (single file);
	// zero means DefaultMaxItemSize (vdir) or DefaultMaxFileSize.
	MaxItemSize int64
	// Perm is the mode of files the store creates; zero means 0600, as
	// address books and calendars are private.
	Perm fs.FileMode
	// Logger receives warnings about unreadable items; nil means
	// slog.Default().
	Logger *slog.Logger
}

func (o Options) uid() UIDFunc {
	if o.UID != nil {
		return o.UID
	}
	return ScanUID
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.Default()
}

// Vdir is a collection stored as a folder with one item per file, the
// layout of the vdir storage format (vdirsyncer, khal, khard). Files are
// named after a sanitised UID ([FileStem]) plus the extension; files with
// other extensions, hidden files and Cradle's temporary files are not items.
// The folder may also hold the metadata files "displayname" and "color".
type Vdir struct {
	// Constructor parameters, immutable.
	dir  string
	ext  string
	opts Options

	mu sync.Mutex
	// uids caches href → UID by fingerprint, so listing an unchanged
	// folder reads no item.
	uids map[string]cachedUID

	// beforeCommit, set only by tests, runs after Apply has checked and
	// queued a batch and before it commits it, where a user's edit or
	// another writer's file can slip in.
	beforeCommit func()
}

type cachedUID struct {
	fp  Fingerprint
	uid string
}

var _ Store = (*Vdir)(nil)

// OpenVdir opens the vdir collection in dir, whose items have the extension
// ext (".vcf" or ".ics"). The folder is created if missing. Stale temporary
// files older than an hour are swept.
func OpenVdir(dir, ext string, opts Options) (*Vdir, error) {
	if ext != ".vcf" && ext != ".ics" {
		return nil, fmt.Errorf("open vdir %s: extension %q: want .vcf or .ics", dir, ext)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open vdir %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("open vdir %s: %w", dir, err)
	}
	if opts.MaxItemSize <= 0 {
		opts.MaxItemSize = DefaultMaxItemSize
	}
	if opts.Perm == 0 {
		opts.Perm = 0o600
	}
	if _, err := atomicfile.Sweep(abs, staleTemp); err != nil {
		opts.logger().Warn("sweep stale temporary files", "dir", abs, "err", err)
	}
	return &Vdir{dir: abs, ext: ext, opts: opts, uids: make(map[string]cachedUID)}, nil
}

// Dir returns the collection's absolute folder.
func (v *Vdir) Dir() string { return v.dir }

// Close implements [Store]; a Vdir holds no resources.
func (v *Vdir) Close() error { return nil }

// IsItemName reports whether a file name in the folder is an item of this
// collection (watchers use it to filter events).
func (v *Vdir) IsItemName(name string) bool {
	return strings.HasSuffix(name, v.ext) && len(name) > len(v.ext) &&
		!strings.HasPrefix(name, ".") && !atomicfile.IsTemp(name)
}

// path maps an href to its file, refusing anything that is not a plain
// item name in the folder.
func (v *Vdir) path(href string) (string, error) {
	if !v.IsItemName(href) || strings.ContainsAny(href, `/\`+"\x00") || filepath.Base(href) != href {
		return "", fmt.Errorf("%w: %q", ErrNotFound, href)
	}
	return filepath.Join(v.dir, href), nil
}

// List implements [Store].
func (v *Vdir) List(ctx context.Context) ([]Entry, error) {
	des, err := os.ReadDir(v.dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", v.dir, err)
	}
	entries := make([]Entry, 0, len(des))
	seen := make(map[string]bool, len(des))
	for _, de := range des {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := de.Name()
		if !de.Type().IsRegular() || !v.IsItemName(name) {
			continue
		}
		fi, err := de.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted since ReadDir
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", v.dir, err)
		}
		fp := FingerprintOf(fi)
		uid, ok := v.cachedUID(name, fp)
		if !ok {
			continue // deleted since ReadDir
		}
		seen[name] = true
		entries = append(entries, Entry{Href: name, UID: uid, Etag: fileEtag(fp, "")})
	}
	v.mu.Lock()
	for href := range v.uids {
		if !seen[href] {
			delete(v.uids, href)
		}
	}
	v.mu.Unlock()
	return entries, nil
}

// Remember seeds the UID cache with items as they were last synced
// (typically from the state database after a restart), so that List reads
// only the files that changed since instead of every file. An entry counts
// only while the file on disk still has the size, modification time and
// inode its etag names; entries without stat data, without UID, or for
// files the cache already knows are ignored.
func (v *Vdir) Remember(known []Entry) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, e := range known {
		fp, ok := e.Etag.fingerprint()
		if !ok || e.UID == "" || !v.IsItemName(e.Href) {
			continue
		}
		if _, have := v.uids[e.Href]; !have {
			v.uids[e.Href] = cachedUID{fp: fp, uid: e.UID}
		}
	}
}

// cachedUID returns the UID of the item at href with fingerprint fp,
// reading the file only when the cache does not know that version; ok is
// false if the file is gone.
func (v *Vdir) cachedUID(href string, fp Fingerprint) (uid string, ok bool) {
	v.mu.Lock()
	c, cached := v.uids[href]
	v.mu.Unlock()
	if cached && c.fp == fp {
		return c.uid, true
	}
	data, _, err := v.read(filepath.Join(v.dir, href))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err == nil {
		uid, err = v.opts.uid()(data)
	}
	if err != nil {
		v.opts.logger().Warn("unreadable item", "dir", v.dir, "href", href, "err", err)
		uid = ""
	}
	v.remember(href, fp, uid)
	return uid, true
}

func (v *Vdir) remember(href string, fp Fingerprint, uid string) {
	v.mu.Lock()
	v.uids[href] = cachedUID{fp: fp, uid: uid}
	v.mu.Unlock()
}

// read returns a file's content and the fingerprint of the version read,
// taken from the open file so the two belong together.
func (v *Vdir) read(path string) ([]byte, Fingerprint, error) {
	// A symbolic link in the folder is not an item: following it could
	// read, and a later rename replace, something outside the folder.
	if li, err := os.Lstat(path); err != nil {
		return nil, Fingerprint{}, err
	} else if !li.Mode().IsRegular() {
		return nil, Fingerprint{}, fmt.Errorf("%w: %s is not a regular file", ErrInvalid, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, Fingerprint{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, Fingerprint{}, err
	}
	if !fi.Mode().IsRegular() {
		return nil, Fingerprint{}, fmt.Errorf("%w: %s is not a regular file", ErrInvalid, path)
	}
	if fi.Size() > v.opts.MaxItemSize {
		return nil, Fingerprint{}, fmt.Errorf("%s: %w (%d bytes)", path, ErrTooLarge, fi.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, v.opts.MaxItemSize+1))
	if err != nil {
		return nil, Fingerprint{}, err
	}
	if int64(len(data)) > v.opts.MaxItemSize {
		return nil, Fingerprint{}, fmt.Errorf("%s: %w", path, ErrTooLarge)
	}
	return data, FingerprintOf(fi), nil
}

// Get implements [Store].
func (v *Vdir) Get(ctx context.Context, href string) ([]byte, Entry, error) {
	p, err := v.path(href)
	if err != nil {
		return nil, Entry{}, fmt.Errorf("get: %w", err)
	}
	data, fp, err := v.read(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Entry{}, fmt.Errorf("get %s: %w", href, ErrNotFound)
	}
	if err != nil {
		return nil, Entry{}, fmt.Errorf("get %s: %w", href, err)
	}
	uid, err := v.opts.uid()(data)
	if err != nil {
		v.opts.logger().Warn("item without readable UID", "dir", v.dir, "href", href, "err", err)
		uid = ""
	}
	v.remember(href, fp, uid)
	return data, Entry{Href: href, UID: uid, Etag: fileEtag(fp, ContentHash(data))}, nil
}

// Create implements [Store]. The file is named [FileStem](uid) plus the
// extension; if another UID already took that name (a case-insensitive file
// system, or an improbable hash collision) a numbered variant is used. Only
// the names derived from uid are checked for an existing item with the same
// UID: a file of that UID under an unrelated name is not detected.
func (v *Vdir) Create(ctx context.Context, uid string, data []byte) (Entry, error) {
	return v.applyOne(ctx, Op{Kind: OpCreate, UID: uid, Data: data})
}

// applyOne runs a single op through Apply, so that single writes and
// batches share one implementation.
func (v *Vdir) applyOne(ctx context.Context, op Op) (Entry, error) {
	res, err := v.Apply(ctx, []Op{op})
	if err != nil {
		return Entry{}, err
	}
	return res[0].Entry, res[0].Err
}

// recordWrite returns a BeforeRename hook that logs the write as Cradle's
// own before any watcher can see the new file.
func (v *Vdir) recordWrite(path string) func(fs.FileInfo) error {
	return func(fi fs.FileInfo) error {
		if v.opts.Log != nil {
			v.opts.Log.Wrote(path, FingerprintOf(fi))
		}
		return nil
	}
}

// check returns nil if the file at p is the version ifMatch names.
func (v *Vdir) check(p string, ifMatch Etag) error {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if ifMatch == "" {
		return nil
	}
	ok, err := ifMatch.matchFile(FingerprintOf(fi), func() (string, error) {
		data, _, err := v.read(p)
		if err != nil {
			return "", err
		}
		return ContentHash(data), nil
	})
	if err != nil {
		return err
	}
	if !ok {
		return ErrChanged
	}
	return nil
}

// Update implements [Store]. The file is checked against ifMatch once
// before the new content is written and again just before it replaces the
// file, so an edit made during the write is not lost.
func (v *Vdir) Update(ctx context.Context, href string, data []byte, ifMatch Etag) (Entry, error) {
	return v.applyOne(ctx, Op{Kind: OpUpdate, Href: href, Data: data, IfMatch: ifMatch})
}

// Delete implements [Store] under the same double check as Update. The
// folder is synced afterwards, so a deleted item does not come back after
// a crash.
func (v *Vdir) Delete(ctx context.Context, href string, ifMatch Etag) error {
	_, err := v.applyOne(ctx, Op{Kind: OpDelete, Href: href, IfMatch: ifMatch})
	return err
}
