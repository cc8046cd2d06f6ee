package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Batch replaces and removes many files with the guarantees of [Write] for
// each, but a constant number of syncs for all: one sync of the new
// contents per file system (syncfs(2) where the kernel reports its errors
// reliably) and one sync per folder for the renames, instead of two syncs
// per file. On a disk where a sync takes 10 ms that is the difference
// between seconds and milliseconds for a hundred files.
//
// [Batch.Commit] works in four steps:
//
//  1. It writes every new content to a temporary file, without syncing.
//  2. It makes all those contents durable at once. If that fails, it
//     removes every temporary file and changes no destination: no file
//     can end up in place with content that is not on stable storage.
//  3. In the order the items were added, it runs each write's
//     BeforeRename hook and renames its temporary file over the
//     destination (or links it, for NoReplace), and runs each removal's
//     hook and removes the file.
//  4. It syncs each folder once, so the renames and removals survive a
//     power cut.
//
// A crash at any point leaves every destination with either its old or its
// new content, never a mix: before step 2 completes only temporary files
// exist, which [Sweep] removes later; during step 3 some destinations
// have their new, durable content and the rest their old; before step 4
// completes some renames or removals may be undone by the file system's
// recovery, leaving old contents and orphaned temporary files. What a crash
// can lose is the batch's progress, never a file's consistency, so a caller
// must record the batch as done (in its own database, say) only after
// Commit returns; redoing it must then cope with destinations that did get
// their new content, as a store's "already exists" handling does.
//
// Syncing a whole file system also writes out other programs' pending
// data on it; a batch started while another program writes gigabytes
// waits for them. Where syncfs(2) is not known to report errors (before
// Linux 5.8, on network, FUSE and unknown file systems, on other systems)
// each file is synced by itself, and only the folder syncs are shared.
//
// The zero value is an empty batch. A Batch is not safe for concurrent use.
type Batch struct {
	items []batchItem
}

type batchItem struct {
	path   string
	data   []byte
	opts   Options
	remove bool
	// beforeRemove is the hook of a removal.
	beforeRemove func() error

	// Set by Commit.
	dir  *folder
	tmp  string // temporary file holding data, "" if none
	info fs.FileInfo
}

// folder is one destination folder of a batch, opened before any temporary
// file in it is written so that syncing through it reports every writeback
// error since (see syncfs(2)).
type folder struct {
	path string
	f    *os.File // nil where folders cannot be opened (Windows)
	err  error    // opening failed: every item in the folder fails
	// deferred lists the temporary files whose content still needs a sync.
	deferred []string
	// changed is set once a destination in the folder was replaced or
	// removed, so the folder needs its entries synced.
	changed bool
}

// Result is the outcome of one item of a [Batch].
type Result struct {
	// Info is the written file's information as [Write] returns it: that
	// of the destination right after the rename. It is nil for removals
	// and for writes that were not done.
	Info fs.FileInfo
	// Done reports whether the destination was changed: the new content
	// took its place, or the file was removed.
	Done bool
	// Err says why the item was not done or, together with Done, that
	// the folder could not be synced, so the change may not survive a
	// crash.
	Err error
}

// Add queues a write of data to path with the options of [Write] and returns
// the item's index in the results of [Batch.Commit]. Nothing is written
// before Commit, and data is not copied: it must not change until then.
// BeforeRename runs after the content of every item of the batch is on
// stable storage, just before this item's rename.
func (b *Batch) Add(path string, data []byte, o Options) int {
	b.items = append(b.items, batchItem{path: path, data: data, opts: o})
	return len(b.items) - 1
}

// Remove queues the removal of the file at path and returns the item's index
// in the results of [Batch.Commit]. before, if not nil, runs just before the
// removal, after the contents of the batch's writes are on stable storage;
// an error from it keeps the file and becomes the item's error. Removing a
// file that does not exist is an error matching fs.ErrNotExist.
func (b *Batch) Remove(path string, before func() error) int {
	b.items = append(b.items, batchItem{path: path, remove: true, beforeRemove: before})
	return len(b.items) - 1
}

// Len returns the number of items queued since the last Commit.
func (b *Batch) Len() int { return len(b.items) }

// Commit carries out the queued items as described on [Batch] and empties
// the batch. It returns one Result per item, in the order added. Items fail
// independently: an item whose temporary file cannot be written, whose hook
// refuses or whose destination exists despite NoReplace (an error matching
// fs.ErrExist) is not done and leaves no temporary file, and the others go
// ahead.
//
// The returned error reports a failure of a step shared by the whole batch.
// If syncing the new contents fails, no item is done, every Result carries
// the error and no temporary file is left. If syncing a folder fails, the
// items in it are done but their Results carry the error, as their changes
// may not survive a crash.
func (b *Batch) Commit() ([]Result, error) {
	items := b.items
	b.items = nil
	res := make([]Result, len(items))
	var folders []*folder
	defer func() {
		for _, d := range folders {
			d.close()
		}
	}()

	// Open the folders first: a sync through them then covers every
	// write below, including its writeback errors.
	byPath := make(map[string]*folder)
	writes := 0
	for i := range items {
		it := &items[i]
		dir, base := filepath.Split(it.path)
		if base == "" {
			res[i].Err = fmt.Errorf("atomicfile: %s %q: empty file name", it.verb(), it.path)
			continue
		}
		dir = filepath.Clean(dir) // "" becomes "."
		d := byPath[dir]
		if d == nil {
			d = &folder{path: dir}
			d.f, d.err = openFolder(dir)
			byPath[dir] = d
			folders = append(folders, d)
		}
		if d.err != nil {
			res[i].Err = fmt.Errorf("atomicfile: %s %s: %w", it.verb(), it.path, d.err)
			continue
		}
		it.dir = d
		if !it.remove {
			writes++
		}
	}

	// Step 1: write the temporary files. A lone write is synced as Write
	// does: syncing the whole file system would buy nothing.
	for i := range items {
		it := &items[i]
		if it.dir == nil || it.remove {
			continue
		}
		perm := it.opts.Perm
		if perm == 0 {
			perm = 0o600
		}
		deferSync := writes > 1 && it.dir.f != nil && canSyncFS(it.dir.f)
		tmp, fi, err := writeTemp(it.path, it.dir.path, filepath.Base(it.path), it.data, perm, !deferSync)
		if err != nil {
			res[i].Err = fmt.Errorf("atomicfile: write %s: %w", it.path, err)
			continue
		}
		it.tmp, it.info = tmp, fi
		if deferSync {
			it.dir.deferred = append(it.dir.deferred, tmp)
		}
	}

	// Step 2: make the contents durable.
	if err := syncContents(folders); err != nil {
		err = fmt.Errorf("atomicfile: sync new contents: %w", err)
		for i := range items {
			if items[i].tmp != "" {
				_ = os.Remove(items[i].tmp)
			}
			if res[i].Err == nil {
				res[i].Err = err
			}
		}
		return res, err
	}

	// Step 3: put each item in place.
	for i := range items {
		it := &items[i]
		if it.dir == nil || (!it.remove && it.tmp == "") {
			continue
		}
		if err := it.place(); err != nil {
			res[i].Err = fmt.Errorf("atomicfile: %s %s: %w", it.verb(), it.path, err)
			continue
		}
		res[i].Info, res[i].Done = it.info, true
		it.dir.changed = true
	}

	// Step 4: make the renames and removals durable.
	var errs []error
	for _, d := range folders {
		if !d.changed || d.f == nil {
			continue
		}
		if err := syncFolder(d.f); err != nil {
			err = fmt.Errorf("atomicfile: sync folder %s: %w", d.path, err)
			errs = append(errs, err)
			for i := range items {
				if items[i].dir == d && res[i].Done {
					res[i].Err = err
				}
			}
		}
	}
	return res, errors.Join(errs...)
}

// place runs the item's hook and replaces or removes its destination. A
// write's temporary file is gone afterwards, whatever the outcome.
func (it *batchItem) place() error {
	if it.remove {
		if it.beforeRemove != nil {
			if err := it.beforeRemove(); err != nil {
				return err
			}
		}
		return os.Remove(it.path)
	}
	var err error
	if it.opts.BeforeRename != nil {
		err = it.opts.BeforeRename(it.info)
	}
	if err == nil {
		err = place(it.tmp, it.path, it.opts.NoReplace)
	}
	if err != nil {
		// The temp file may already be gone (linked and removed).
		_ = os.Remove(it.tmp)
	}
	return err
}

func (it *batchItem) verb() string {
	if it.remove {
		return "remove"
	}
	return "write"
}

func (d *folder) close() {
	if d.f != nil {
		_ = d.f.Close()
	}
}

// syncContents makes the content of every deferred temporary file in
// folders durable. It is a variable so tests can make it fail.
var syncContents = func(folders []*folder) error {
	synced := make(map[uint64]bool)
	var errs []error
	for _, d := range folders {
		if len(d.deferred) == 0 {
			continue
		}
		dev, known := device(d.f)
		if known && synced[dev] {
			continue
		}
		err := syncFS(d.f)
		if errors.Is(err, errSyncFSUnavailable) {
			// Sandboxes may refuse the system call; the files can
			// still be synced one by one.
			err = syncEach(d.deferred)
		} else if err == nil && known {
			synced[dev] = true
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.path, err))
		}
	}
	return errors.Join(errs...)
}

// syncFolder syncs an open folder's entries. It is a variable so tests can
// make it fail.
var syncFolder = (*os.File).Sync

// syncEach syncs the named files one by one.
func syncEach(names []string) error {
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return err
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
