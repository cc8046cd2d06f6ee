package controltest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cradle-sync/cradle/bridge/control"
)

// Start listens on a fresh control socket, serves srv on it and returns
// the socket path. The server stops when the test ends; the test fails
// if Serve returned an error. The socket lives in a short temporary
// directory because Unix socket paths are limited to about 100 bytes,
// which t.TempDir() under long test names can exceed.
func Start(t testing.TB, srv *control.Server) string {
	t.Helper()
	if srv.Backend == nil {
		t.Fatal("controltest: Server.Backend is nil")
	}
	path := SocketPath(t)
	ln, err := control.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return path
}

// SocketPath returns a control socket path in a new short temporary
// directory removed when the test ends.
func SocketPath(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "cradle")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "run", "control.sock")
}
