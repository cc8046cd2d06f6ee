package watch

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cradle-sync/cradle/bridge/store"
)

// FileState is what a scan knows of one file: its stat fingerprint and
// the SHA-256 of its content.
type FileState struct {
	Fingerprint store.Fingerprint
	Hash        [sha256.Size]byte
}

// ScanResult is the outcome of [Scan]: the folder's current files and how
// they differ from the previous scan. Names are file names, not paths.
type ScanResult struct {
	Files    map[string]FileState
	Added    []string
	Modified []string // content changed; a touch alone is not a change
	Removed  []string
}

// Changed reports whether the scan found any difference.
func (r ScanResult) Changed() bool {
	return len(r.Added)+len(r.Modified)+len(r.Removed) > 0
}

// Scan lists the regular files of dir accepted by keep (nil keeps all but
// Cradle's temporary files) and compares them with previous, the Files of
// an earlier scan (nil at first start). A file whose fingerprint is
// unchanged is taken as unchanged from its stat data alone; only files
// whose size, modification time or inode moved are read and hashed, so a
// rescan of an unchanged folder costs one stat per file. A file that moved
// only in its fingerprint (touched, or rewritten with the same content) is
// not reported but gets its new fingerprint in Files.
func Scan(ctx context.Context, dir string, previous map[string]FileState, keep func(name string) bool) (ScanResult, error) {
	des, err := readDir(dir)
	if err != nil {
		return ScanResult{}, fmt.Errorf("scan %s: %w", dir, err)
	}
	res := ScanResult{Files: make(map[string]FileState, len(des))}
	for _, de := range des {
		if err := ctx.Err(); err != nil {
			return ScanResult{}, err
		}
		name := de.Name()
		if !de.Type().IsRegular() || !accept(keep, name) {
			continue
		}
		fi, err := de.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since ReadDir: reported as removed below
		}
		if err != nil {
			return ScanResult{}, fmt.Errorf("scan %s: %w", dir, err)
		}
		fp := store.FingerprintOf(fi)
		prev, had := previous[name]
		if had && prev.Fingerprint == fp {
			res.Files[name] = prev
			continue
		}
		sum, fp, err := hashFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return ScanResult{}, fmt.Errorf("scan %s: %w", dir, err)
		}
		res.Files[name] = FileState{Fingerprint: fp, Hash: sum}
		switch {
		case !had:
			res.Added = append(res.Added, name)
		case prev.Hash != sum:
			res.Modified = append(res.Modified, name)
		}
	}
	for name := range previous {
		if _, ok := res.Files[name]; !ok {
			res.Removed = append(res.Removed, name)
		}
	}
	return res, nil
}

// hashFile hashes a file and returns the fingerprint of the version hashed,
// taken from the open file so the two agree even if it is being replaced.
func hashFile(path string) ([sha256.Size]byte, store.Fingerprint, error) {
	var sum [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, store.Fingerprint{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return sum, store.Fingerprint{}, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, store.Fingerprint{}, err
	}
	h.Sum(sum[:0])
	return sum, store.FingerprintOf(fi), nil
}

// readDir lists dir unsorted: os.ReadDir's sort is wasted on a scan that
// builds a map anyway.
func readDir(dir string) ([]fs.DirEntry, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadDir(-1)
}
