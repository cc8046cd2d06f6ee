//go:build unix

package control

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// probeTimeout bounds the dial that tells a live daemon from a stale
// socket; a daemon too busy to accept within it is treated as alive only
// if it still holds the lock.
const probeTimeout = time.Second

// Listen creates the control socket at path and returns its listener.
//
// The parent directory is created 0700 (and tightened to 0700 if it
// exists, after checking the caller owns it and it is not a symlink); the
// socket is 0600. A lock file next to the socket (path + ".lock") is held
// for the listener's lifetime so two daemons starting at once cannot
// both replace the socket. If another daemon holds the lock or answers
// on the socket, Listen returns a *RunningError (errors.Is ErrRunning).
// A socket nothing answers on is stale and replaced; a non-socket file at
// path is never removed.
//
// Closing the listener removes the socket and releases the lock.
func Listen(path string) (net.Listener, error) {
	if err := privateDir(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	lock, err := lockFile(path + ".lock")
	if errors.Is(err, unix.EWOULDBLOCK) {
		return nil, running(path)
	}
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	ln, err := listenLocked(path)
	if err != nil {
		lock.Close() // closing the descriptor drops the flock
		return nil, err
	}
	return &listener{UnixListener: ln, lock: lock}, nil
}

func listenLocked(path string) (*net.UnixListener, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	case fi.Mode().Type() != fs.ModeSocket:
		return nil, fmt.Errorf("control socket %s: exists and is not a socket", path)
	default:
		// Holding the lock makes a live daemon here unlikely (one from
		// an older build, or with the lock file deleted), but asking is
		// the only proof the socket is stale.
		if err := probe(path); !errors.Is(err, ErrNotRunning) {
			if err == nil {
				return nil, running(path)
			}
			return nil, fmt.Errorf("control socket %s: probe: %w", path, err)
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove stale control socket: %w", err)
		}
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	// The directory is 0700 already, so the moment between bind and chmod
	// exposes nothing; chmod rather than umask because umask is
	// process-wide and other goroutines may be creating files.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return ln, nil
}

// privateDir makes dir exist as a directory only the caller can enter.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%s is owned by uid %d, not by us", dir, st.Uid)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return err
		}
	}
	return nil
}

// lockFile opens and exclusively flocks name without waiting; the error
// is EWOULDBLOCK when another process (or another open in this one)
// holds it.
func lockFile(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return f, nil
}

// running builds the ErrRunning answer, naming the daemon's pid when the
// socket answers.
func running(path string) error {
	e := &RunningError{Path: path}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	if c, err := Dial(ctx, path); err == nil {
		if cred, err := peerCred(c); err == nil {
			e.PID = cred.pid
		}
		c.Close()
	}
	return e
}

// probe reports nil if something accepts on path, an error wrapping
// ErrNotRunning if nothing does.
func probe(path string) error {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	c, err := Dial(ctx, path)
	if err != nil {
		return err
	}
	return c.Close()
}

// Dial connects to the control socket at path. When no daemon listens
// the error wraps ErrNotRunning.
func Dial(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("%w: %w", ErrNotRunning, err)
		}
		return nil, err
	}
	return c, nil
}

// listener is the control socket's listener; it owns the lock file.
type listener struct {
	*net.UnixListener
	lock *os.File
	once sync.Once
	err  error
}

// Close stops listening, removes the socket and releases the lock, in
// that order, so a successor that takes the lock finds no live socket.
func (l *listener) Close() error {
	l.once.Do(func() {
		l.err = l.UnixListener.Close()
		if err := l.lock.Close(); l.err == nil {
			l.err = err
		}
	})
	return l.err
}
