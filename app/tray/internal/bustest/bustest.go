// Package bustest gives tests a private D-Bus session bus, a virtual X
// display, and the desktop services a tray talks to (a tray host's
// StatusNotifierWatcher and a notification service), so tray tests run
// hermetically on a headless machine.
//
// The helpers need dbus-daemon (Debian: dbus) and Xvfb (xvfb). Without
// them a test is skipped, except under CI=true, where it fails: a CI
// machine missing them is misconfigured, not exempt.
package bustest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// startTimeout bounds how long a daemon may take to report readiness.
const startTimeout = 20 * time.Second

// need returns the path of program, or ends the test if it is missing.
func need(t testing.TB, program, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (Debian package %s); CI must provide it", program, pkg)
	}
	t.Skipf("%s not found (Debian package %s)", program, pkg)
	return ""
}

// config is a session bus with no service activation: a test sees only
// the services it starts itself, never a real notification daemon.
const config = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// Bus is a private session bus daemon that lives as long as the test.
type Bus struct {
	// Address is the value for DBUS_SESSION_BUS_ADDRESS.
	Address string
	cmd     *exec.Cmd
}

// Stop ends the bus daemon now, as when a session ends; every client
// loses its connection. It is safe to call more than once.
func (b *Bus) Stop() { stop(b.cmd) }

// StartBus starts a dbus-daemon on a socket in a temporary directory and
// stops it (by its pid) when the test ends.
func StartBus(t testing.TB) *Bus {
	t.Helper()
	bin := need(t, "dbus-daemon", "dbus")
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "session.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, config, sock), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config-file="+conf, "--nofork", "--nopidfile", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// stderr stays closed: dbus-daemon complains there about raising its
	// fd limit, which an unprivileged test cannot and need not do.
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	t.Cleanup(func() { stop(cmd) })
	// The daemon prints its address once it accepts connections.
	addr, err := firstLine(out)
	if err != nil {
		t.Fatalf("dbus-daemon did not start: %v", err)
	}
	return &Bus{Address: addr, cmd: cmd}
}

// Conn opens a private connection to the bus, closed when the test ends.
func (b *Bus) Conn(t testing.TB) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(b.Address)
	if err != nil {
		t.Fatalf("connect to test bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// StartX starts Xvfb on a free display and returns the DISPLAY value; the
// server is stopped when the test ends.
func StartX(t testing.TB) string {
	t.Helper()
	bin := need(t, "Xvfb", "xvfb")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -displayfd makes Xvfb choose a free display and write its number
	// once it is ready for clients: no polling, no fixed display number.
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { stop(cmd) })
	n, err := firstLine(r)
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not start: %v", err)
	}
	return ":" + n
}

func firstLine(r interface{ Read([]byte) (int, error) }) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		ch <- result{strings.TrimSpace(line), err}
	}()
	select {
	case res := <-ch:
		if res.line == "" {
			return "", fmt.Errorf("no output: %v", res.err)
		}
		return res.line, nil
	case <-time.After(startTimeout):
		return "", fmt.Errorf("no output after %v", startTimeout)
	}
}

// stop ends a helper daemon by its pid and reaps it, once.
func stop(cmd *exec.Cmd) {
	if cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}
