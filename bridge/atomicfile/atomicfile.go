// Package atomicfile replaces files so that a reader, or a crash, sees either
// the old content or the new content, never a mix or a truncated file.
//
// The data goes to a temporary file in the destination's own folder (a rename
// is only atomic within one file system), which is synced to stable storage
// before it is renamed over the destination; the folder is synced afterwards
// so the rename itself survives a power cut. Temporary files carry the
// recognisable prefix [TempPrefix] so that change watchers can ignore them and
// [Sweep] can remove the ones a crash left behind. A [Batch] gives many
// files the same guarantees with a constant number of syncs.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// TempPrefix starts the name of every temporary file this package creates.
// It begins with a dot so that tools treating dot files as hidden (vdir
// readers among them) skip it too.
const TempPrefix = ".cradle-tmp-"

// maxTempBase bounds the part of the destination name copied into the
// temporary name, keeping the latter under the common 255-byte limit.
const maxTempBase = 96

// Options adjust [Write]. The zero value replaces the destination with mode 0600.
type Options struct {
	// Perm is the mode of a newly written file; zero means 0600.
	Perm fs.FileMode
	// NoReplace makes Write fail with an error matching fs.ErrExist when the
	// destination already exists, instead of replacing it. It never clobbers
	// a file that appears concurrently where hard links are supported.
	NoReplace bool
	// BeforeRename, if set, runs after the new content is on stable storage
	// and just before it takes the destination's place; it gets the file
	// information the destination will have. An error aborts the write,
	// leaving the destination untouched. Callers use it to re-check that the
	// destination has not been edited meanwhile, keeping the window for a
	// lost update as small as the file system allows, and to record their
	// own write before a watcher can see it.
	BeforeRename func(fs.FileInfo) error
}

// WriteFile atomically replaces the file at path with data, creating it with
// mode perm if it does not exist. On any error the destination keeps its old
// content and no temporary file is left behind.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	_, err := Write(path, data, Options{Perm: perm})
	return err
}

// Write is [WriteFile] with options. It returns the file information of the
// written file as observed on the temporary file before the rename, which has
// the same inode, size and modification time as the destination right after
// it; callers use it to recognise their own write later without a racy stat.
func Write(path string, data []byte, o Options) (fs.FileInfo, error) {
	perm := o.Perm
	if perm == 0 {
		perm = 0o600
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return nil, fmt.Errorf("atomicfile: write %q: empty file name", path)
	}
	tmpName, fi, err := writeTemp(path, dir, base, data, perm, true)
	if err != nil {
		return nil, fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if o.BeforeRename != nil {
		err = o.BeforeRename(fi)
	}
	if err == nil {
		err = place(tmpName, path, o.NoReplace)
	}
	if err != nil {
		// The temp file may already be gone (renamed or linked+removed);
		// only the error matters here.
		_ = os.Remove(tmpName)
		return nil, fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		// The new content is in place; only its durability is in doubt.
		return fi, fmt.Errorf("atomicfile: sync folder of %s: %w", path, err)
	}
	return fi, nil
}

// writeTemp writes data to a new temporary file in dir for the destination
// path (whose name is base), syncing it if sync is set. It refuses a
// destination that exists and is not a regular file, which a rename would
// replace (a symbolic link) or fail on (a folder) only after all the work.
// On error no temporary file is left.
func writeTemp(path, dir, base string, data []byte, perm fs.FileMode, sync bool) (string, fs.FileInfo, error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return "", nil, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	tmp, err := os.OpenFile(filepath.Join(dir, TempName(base)), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return "", nil, err
	}
	fi, err := fill(tmp, data, perm, sync)
	if err != nil {
		_ = os.Remove(tmp.Name())
		return "", nil, err
	}
	return tmp.Name(), fi, nil
}

// fill writes and closes f, syncing it first if sync is set, and returns
// its final file information.
func fill(f *os.File, data []byte, perm fs.FileMode, sync bool) (fs.FileInfo, error) {
	_, err := f.Write(data)
	if err == nil {
		// OpenFile's mode is filtered by the umask; the caller asked for perm.
		err = f.Chmod(perm)
	}
	if err == nil && sync {
		err = f.Sync()
	}
	var fi fs.FileInfo
	if err == nil {
		fi, err = f.Stat()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return fi, err
}

// place moves the synced temporary file to its destination.
func place(tmp, path string, noReplace bool) error {
	if !noReplace {
		return os.Rename(tmp, path)
	}
	// link(2) fails atomically when the destination exists, unlike rename.
	err := os.Link(tmp, path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		_ = os.Remove(tmp)
		return err
	}
	// Some file systems (FAT, some FUSE mounts) have no hard links: fall
	// back to check-then-rename, racy only against a concurrent writer.
	if _, serr := os.Lstat(path); serr == nil {
		return fmt.Errorf("%s: %w", path, fs.ErrExist)
	}
	return os.Rename(tmp, path)
}

// TempName returns a fresh temporary file name (not a path) for a file that
// will replace base. The name starts with [TempPrefix] and is unique with
// overwhelming probability.
func TempName(base string) string {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:]) // crypto/rand.Read never fails (Go 1.24+)
	if len(base) > maxTempBase {
		cut := maxTempBase
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = base[:cut]
	}
	return TempPrefix + base + "-" + hex.EncodeToString(rnd[:])
}

// IsTemp reports whether name (a path or a bare file name) names a temporary
// file created by this package.
func IsTemp(name string) bool {
	return strings.HasPrefix(filepath.Base(name), TempPrefix)
}

// Sweep removes temporary files in dir (not in its subfolders) whose
// modification time is older than olderThan, the leftovers of writes that
// crashed. The age guard keeps it from deleting the temporary file of a write
// in progress in another process. It returns the paths removed; errors on
// single files do not stop the sweep and are joined in the returned error.
func Sweep(dir string, olderThan time.Duration) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("atomicfile: sweep %s: %w", dir, err)
	}
	cutoff := time.Now().Add(-olderThan)
	var removed []string
	var errs []error
	for _, e := range entries {
		if !IsTemp(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		if info.ModTime().After(cutoff) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, p)
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("atomicfile: sweep %s: %w", dir, err)
	}
	return removed, nil
}
