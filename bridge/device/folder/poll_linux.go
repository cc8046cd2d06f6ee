package folder

import (
	"context"
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// watchMountinfo signals changed each time the kernel reports a change of
// the mount table: /proc/self/mountinfo raises POLLPRI (with POLLERR) on
// every mount and unmount. It returns when ctx ends.
func watchMountinfo(ctx context.Context, path string, changed chan<- struct{}) error {
	// A raw descriptor, not an *os.File: Go's netpoller would register
	// an os.File with its own epoll, and the kernel clears the mount
	// change flag for whichever poller looks first.
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	// The first poll returns at once for the initial table; read it so
	// later polls wait for changes.
	buf := make([]byte, 64<<10)
	drain := func() {
		_, _ = unix.Seek(fd, 0, 0)
		for {
			n, err := unix.Read(fd, buf)
			if n <= 0 || err != nil {
				return
			}
		}
	}
	drain()
	for ctx.Err() == nil {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLPRI}}
		// A bounded timeout lets the loop notice ctx ending.
		n, err := unix.Poll(fds, 250)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return err
		}
		if n > 0 && fds[0].Revents&(unix.POLLPRI|unix.POLLERR) != 0 {
			drain()
			select {
			case changed <- struct{}{}:
			default: // a rescan is already pending
			}
		}
	}
	return ctx.Err()
}
