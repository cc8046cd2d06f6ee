//go:build linux

package atomicfile

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// errSyncFSUnavailable means the syncfs system call is refused (ENOSYS or
// EPERM, as seccomp sandboxes answer), so files must be synced one by one.
var errSyncFSUnavailable = errors.New("syncfs unavailable")

// syncFSKernel reports whether the kernel's syncfs(2) returns writeback
// errors. Before Linux 5.8 it returned success even when writing some
// file's data had failed, so only a per-file fsync could be trusted.
var syncFSKernel = sync.OnceValue(func() bool {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return false
	}
	return kernelAtLeast(unix.ByteSliceToString(u.Release[:]), 5, 8)
})

// kernelAtLeast reports whether a kernel release string such as
// "6.1.0-18-amd64" is at least major.minor; an unparsable one is not.
func kernelAtLeast(release string, major, minor int) bool {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return false
	}
	maj, err := strconv.Atoi(parts[0])
	if err != nil {
		return false
	}
	minStr := parts[1]
	if i := strings.IndexFunc(minStr, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minStr = minStr[:i]
	}
	mnr, err := strconv.Atoi(minStr)
	if err != nil {
		return false
	}
	return maj > major || (maj == major && mnr >= minor)
}

// canSyncFS reports whether syncfs through the open folder d makes the
// files written in it durable and reports their writeback errors. That is
// known for the common local file systems, which commit their journal or
// log on syncfs and record writeback errors per file system; network and
// FUSE file systems, stacked ones like overlayfs, and unknown ones get a
// per-file fsync, whose semantics every file system implements.
func canSyncFS(d *os.File) bool {
	if !syncFSKernel() {
		return false
	}
	var st unix.Statfs_t
	if err := fstatfs(d, &st); err != nil {
		return false
	}
	switch uint32(st.Type) { //nolint:unconvert // Type's width varies by architecture
	case unix.EXT4_SUPER_MAGIC, // also ext2 and ext3
		unix.XFS_SUPER_MAGIC,
		unix.BTRFS_SUPER_MAGIC,
		unix.F2FS_SUPER_MAGIC,
		unix.BCACHEFS_SUPER_MAGIC,
		unix.TMPFS_MAGIC: // nothing to make durable, trivially correct
		return true
	}
	return false
}

func fstatfs(d *os.File, st *unix.Statfs_t) error {
	rc, err := d.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.Fstatfs(int(fd), st) }); err != nil {
		return err
	}
	return serr
}

// syncFS flushes the whole file system holding the open folder d. Since
// the folder was opened before the batch wrote anything, the kernel
// reports any writeback error on that file system since then: one in a
// file that is not the batch's fails the batch too, which errs on the safe
// side.
func syncFS(d *os.File) error {
	rc, err := d.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.Syncfs(int(fd)) }); err != nil {
		return err
	}
	if errors.Is(serr, unix.ENOSYS) || errors.Is(serr, unix.EPERM) {
		return errSyncFSUnavailable
	}
	return serr
}

// device returns the ID of the device holding the open file d, so that a
// file system shared by several folders is synced once; ok is false if it
// is unknown.
func device(d *os.File) (dev uint64, ok bool) {
	fi, err := d.Stat()
	if err != nil {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Dev), true //nolint:unconvert // Dev's width varies by architecture
}
