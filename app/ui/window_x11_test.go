//go:build linux

package ui_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

// These tests run the real `cradle ui` binary. The window test starts a
// private Xvfb, so it needs no desktop; under CI=true a missing Xvfb or
// xdotool fails the test instead of skipping it.

// windowWait bounds every wait on the window process. A cold Fyne
// start on a loaded 2-core machine with software GL takes seconds.
const windowWait = 60 * time.Second

func TestUIWithoutWindowsProgram(t *testing.T) {
	// cradle alone in a folder, as a build without the windows program.
	data, err := os.ReadFile(buildCradle(t))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "cradle")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "ui", "activity")
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PATH=") }), "PATH=/nonexistent")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "has no windows") {
		t.Errorf("cradle ui without cradle-ui: %v\n%s", err, out)
	}
}

func TestUIWithoutDisplayFailsPlainly(t *testing.T) {
	bin := buildCradle(t)
	cmd := exec.Command(bin, "ui", "activity")
	cmd.Env = withoutDisplay(os.Environ())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("cradle ui without a display: %v; want exit status 1\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "cradle-ui: no display") || strings.Contains(stderr.String(), "panic") {
		t.Errorf("stderr %q; want a plain 'no display' error and no panic", stderr.String())
	}
}

func TestActivityWindowOpensOnX(t *testing.T) {
	xvfb := needProgram(t, "Xvfb", "xvfb")
	xdotool := needProgram(t, "xdotool", "xdotool")
	bin := buildCradle(t)
	display := startXvfb(t, xvfb)

	b := controltest.NewBackend(api.Status{Accounts: []api.Account{{Name: "work", State: "waiting",
		Folders: []api.Folder{{ID: "c1", Name: "Contacts", Kind: "contacts", State: "active", Items: 3}}}}})
	sock := controltest.Start(t, &control.Server{Backend: b})

	cmd := exec.Command(bin, "ui", "activity", "--socket", sock)
	// No session bus: the window must not need one, and Fyne must not
	// reach the developer's desktop.
	cmd.Env = append(withoutDisplay(os.Environ()), "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS=disabled:")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})

	// --sync waits for the window to be mapped; the context bounds it.
	ctx, cancel := context.WithTimeout(t.Context(), windowWait)
	defer cancel()
	search := exec.CommandContext(ctx, xdotool, "search", "--sync", "--onlyvisible", "--name", "^Cradle — Activity$")
	search.Env = append(withoutDisplay(os.Environ()), "DISPLAY="+display)
	ids, err := search.Output()
	if err != nil {
		t.Fatalf("no visible Activity window within %v: %v\ncradle ui said:\n%s", windowWait, err, out.String())
	}
	wid := strings.Fields(string(ids))[0]
	geo := exec.CommandContext(ctx, xdotool, "getwindowgeometry", wid)
	geo.Env = search.Env
	g, err := geo.Output()
	if err != nil || !strings.Contains(string(g), "Geometry:") {
		t.Errorf("window %s geometry: %v %q", wid, err, g)
	}
	// The window asked the daemon for its state over the socket.
	if !slices.Contains(b.Calls(), "Status") {
		t.Errorf("the daemon was never asked for its status; calls %v", b.Calls())
	}

	// SIGTERM ends the process the way a logout does: cleanly.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("cradle ui after SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(windowWait):
		t.Fatalf("cradle ui did not exit after SIGTERM\n%s", out.String())
	}
	if strings.Contains(out.String(), "panic") {
		t.Errorf("cradle ui panicked:\n%s", out.String())
	}
}

// built holds the binaries buildCradle made, once per test run.
var built struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildCradle builds cradle (no cgo needed) and cradle-ui (cgo, for
// Fyne) into one directory, as an installation has them, and returns
// cradle's path. Tests share the build; they must not change the
// directory.
func buildCradle(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the cradle binaries; not in -short")
	}
	built.once.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		if built.dir, built.err = os.MkdirTemp("", "cradle-ui-test"); built.err != nil {
			return
		}
		for _, b := range [][2]string{{"cradle", "github.com/cradle-sync/cradle"}, {"cradle-ui", "github.com/cradle-sync/cradle/app/ui/cmd/cradle-ui"}} {
			cmd := exec.Command(goBin, "build", "-o", filepath.Join(built.dir, b[0]), b[1])
			cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				built.err = fmt.Errorf("go build %s: %w\n%s", b[1], err, out)
				return
			}
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return filepath.Join(built.dir, "cradle")
}

// startXvfb starts a private X server and returns its display. Xvfb
// picks a free display number and writes it to -displayfd once it
// accepts clients, so nothing is polled and no fixed :N collides.
func startXvfb(t *testing.T, xvfb string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	var log bytes.Buffer
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatal(err)
	}
	w.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-done
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatalf("Xvfb did not start:\n%s", log.String())
		}
		return ":" + n
	case <-time.After(windowWait):
		t.Fatalf("Xvfb did not report a display within %v:\n%s", windowWait, log.String())
	}
	return ""
}

func withoutDisplay(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return k == "DISPLAY" || k == "WAYLAND_DISPLAY" || k == "DBUS_SESSION_BUS_ADDRESS"
	})
}

// needProgram returns program's path, or ends the test: a skip locally,
// a failure under CI=true, where a missing tool is a broken set-up.
func needProgram(t *testing.T, program, debianPkg string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found (Debian package %s)", program, debianPkg)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI must provide it")
	}
	t.Skip(msg)
	return ""
}
