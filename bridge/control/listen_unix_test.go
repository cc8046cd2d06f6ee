//go:build unix

package control_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

func listen(t *testing.T, path string) net.Listener {
	t.Helper()
	ln, err := control.Listen(path)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

func TestListenPermissions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prepare func(dir string) error
	}{
		{"new dir", func(string) error { return nil }},
		{"loose dir tightened", func(dir string) error { return os.MkdirAll(dir, 0o755) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := controltest.SocketPath(t)
			if err := tc.prepare(filepath.Dir(path)); err != nil {
				t.Fatal(err)
			}
			listen(t, path)
			if m := mode(t, filepath.Dir(path)); m != fs.ModeDir|0o700 {
				t.Errorf("dir mode = %v, want drwx------", m)
			}
			if m := mode(t, path); m != fs.ModeSocket|0o600 {
				t.Errorf("socket mode = %v, want Srw-------", m)
			}
		})
	}
}

func TestListenRefusesSymlinkDir(t *testing.T) {
	path := controltest.SocketPath(t)
	real := filepath.Join(filepath.Dir(filepath.Dir(path)), "elsewhere")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Dir(path)); err != nil {
		t.Fatal(err)
	}
	if ln, err := control.Listen(path); err == nil {
		ln.Close()
		t.Fatal("Listen through a symlinked directory succeeded")
	}
}

func TestListenSecondIsRunning(t *testing.T) {
	path := controltest.SocketPath(t)
	listen(t, path)

	_, err := control.Listen(path)
	if !errors.Is(err, control.ErrRunning) {
		t.Fatalf("second Listen: %v, want ErrRunning", err)
	}
	var re *control.RunningError
	if !errors.As(err, &re) || re.Path != path || re.PID != os.Getpid() {
		t.Errorf("RunningError = %+v, want path %s pid %d", re, path, os.Getpid())
	}
	// The refused Listen must leave the first daemon reachable.
	c, err := control.Dial(context.Background(), path)
	if err != nil {
		t.Fatalf("first listener lost its socket: %v", err)
	}
	c.Close()
}

// A live socket made without the lock (another build, a deleted lock
// file) is still detected by asking it.
func TestListenLiveSocketWithoutLock(t *testing.T) {
	path := controltest.SocketPath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	other, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := control.Listen(path); !errors.Is(err, control.ErrRunning) {
		t.Fatalf("Listen over a live socket: %v, want ErrRunning", err)
	}
}

func TestListenReplacesStaleSocket(t *testing.T) {
	path := controltest.SocketPath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	dead, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	dead.SetUnlinkOnClose(false) // what a crashed daemon leaves behind
	dead.Close()
	if _, err := control.Dial(context.Background(), path); !errors.Is(err, control.ErrNotRunning) {
		t.Fatalf("Dial stale socket: %v, want ErrNotRunning", err)
	}

	ln := listen(t, path)
	accepted := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
		accepted <- err
	}()
	c, err := control.Dial(context.Background(), path)
	if err != nil {
		t.Fatalf("Dial replaced socket: %v", err)
	}
	c.Close()
	if err := <-accepted; err != nil {
		t.Fatalf("Accept: %v", err)
	}
}

func TestListenKeepsOtherFiles(t *testing.T) {
	path := controltest.SocketPath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("not a socket"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ln, err := control.Listen(path); err == nil {
		ln.Close()
		t.Fatal("Listen replaced a regular file")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "not a socket" {
		t.Errorf("file at socket path changed: %q, %v", b, err)
	}
}

func TestCloseRemovesSocketAndFreesPath(t *testing.T) {
	path := controltest.SocketPath(t)
	ln, err := control.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket left after Close: %v", err)
	}
	listen(t, path) // the lock was released too
}

func TestDialNotRunning(t *testing.T) {
	path := controltest.SocketPath(t)
	if _, err := control.Dial(context.Background(), path); !errors.Is(err, control.ErrNotRunning) {
		t.Fatalf("Dial missing socket: %v, want ErrNotRunning", err)
	}
}
