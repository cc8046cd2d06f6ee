package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Fingerprint identifies a file version from its stat data alone: size,
// modification time and inode. Any write through a rename changes the inode;
// an in-place write changes the modification time (and usually the size).
// Two versions with equal fingerprints are taken to be the same content;
// the one change this misses is an in-place rewrite keeping the size within
// one tick of a coarse file system clock (2 s on FAT), which no stat-based
// scanner can see.
type Fingerprint struct {
	Size    int64
	ModTime int64 // nanoseconds since the Unix epoch
	Inode   uint64
}

// FingerprintOf returns the fingerprint of the file described by fi.
func FingerprintOf(fi fs.FileInfo) Fingerprint {
	return Fingerprint{Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), Inode: inode(fi)}
}

// StatFingerprint returns the fingerprint of the file at path, without
// following a final symbolic link.
func StatFingerprint(path string) (Fingerprint, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return Fingerprint{}, err
	}
	return FingerprintOf(fi), nil
}

// WriteLog remembers the files Cradle itself wrote or deleted, so that a
// change watcher can tell its own writes from the user's: an event for a
// path whose current state is what Cradle last left there is Cradle's echo.
// It is safe for concurrent use; the zero value is not usable, call
// [NewWriteLog].
type WriteLog struct {
	mu sync.Mutex
	// last maps a cleaned absolute path to the fingerprint Cradle left,
	// or to nil when Cradle deleted the file.
	last map[string]*Fingerprint
}

// NewWriteLog returns an empty log.
func NewWriteLog() *WriteLog { return &WriteLog{last: make(map[string]*Fingerprint)} }

// Wrote records that Cradle left the file at path with fingerprint fp.
func (l *WriteLog) Wrote(path string, fp Fingerprint) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last[filepath.Clean(path)] = &fp
}

// Deleted records that Cradle removed the file at path.
func (l *WriteLog) Deleted(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last[filepath.Clean(path)] = nil
}

// IsOwn reports whether the current state of path (its fingerprint, or
// exists=false) is the state Cradle's last recorded write left. A path
// Cradle never wrote is not its own. Entries are kept, not consumed, since
// one write can produce several events; an entry that no longer matches is
// dropped, as the user has taken the file over.
func (l *WriteLog) IsOwn(path string, fp Fingerprint, exists bool) bool {
	if l == nil {
		return false
	}
	path = filepath.Clean(path)
	l.mu.Lock()
	defer l.mu.Unlock()
	last, ok := l.last[path]
	if !ok {
		return false
	}
	own := (last == nil && !exists) || (last != nil && exists && *last == fp)
	if !own {
		delete(l.last, path)
	}
	return own
}
