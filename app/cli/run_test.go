//go:build unix

package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/control"
)

// A second `cradle run` names the daemon that holds the control socket
// (its pid and the socket), exits non-zero, and leaves that daemon's
// socket working.
func TestSecondRunReportsTheRunningOne(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CRADLE_DATA_DIR", dir)
	t.Setenv("CRADLE_CONFIG_DIR", dir)
	path, err := control.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := control.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// Accept in the background so the probe's dial and the one below
	// are answered, as by a live daemon.
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()

	out, code := run(t, "", "run", "--no-tray")
	if code == 0 {
		t.Fatalf("second run exited 0:\n%s", out)
	}
	for _, want := range []string{"already running", fmt.Sprintf("pid %d", os.Getpid()), path} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	c, err := control.Dial(context.Background(), path)
	if err != nil {
		t.Fatalf("the running daemon's socket no longer answers: %v", err)
	}
	c.Close()
}
