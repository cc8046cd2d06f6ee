//go:build unix

package tray

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenWindowStartsUI runs a stand-in executable that writes its
// arguments to a FIFO, the way OpenWindow runs cradle itself; reading
// the FIFO waits for exactly that write.
func TestOpenWindowStartsUI(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "args")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	exe := filepath.Join(dir, "cradle")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\necho \"$@\" > "+fifo+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		b, err := os.ReadFile(fifo) // blocks until the script opens it
		if err != nil {
			got <- err.Error()
			return
		}
		got <- strings.TrimSpace(string(b))
	}()
	if err := openWindow(exe, ShowConflicts); err != nil {
		t.Fatal(err)
	}
	select {
	case args := <-got:
		if args != "ui conflicts" {
			t.Errorf("started with %q; want \"ui conflicts\"", args)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the window process did not run")
	}
}
