package fakephone

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ADBServer is a real adb server (Debian's adb package) run for a test,
// with its own HOME so it writes its key pair into a temporary folder.
type ADBServer struct {
	// Socket is the ADB_SERVER_SOCKET value for clients:
	// "tcp:localhost:PORT".
	Socket string
	// Addr is "localhost:PORT".
	Addr string
	home string
	adb  string
}

// StartADBServer starts `adb -L tcp:localhost:PORT server nodaemon` on a
// free port and kills it (by pid) when the test ends. Without an adb
// binary the test is skipped, or fails when CI=true.
func StartADBServer(t testing.TB) *ADBServer {
	t.Helper()
	adb, err := exec.LookPath("adb")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("adb not installed (apt-get install adb): %v", err)
		}
		t.Skipf("adb not installed: %v", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	s := &ADBServer{
		Socket: "tcp:localhost:" + strconv.Itoa(port),
		Addr:   "localhost:" + strconv.Itoa(port),
		home:   t.TempDir(),
		adb:    adb,
	}
	// adb rejects -L tcp:127.0.0.1:PORT; it wants a host name.
	cmd := exec.Command(adb, "-L", s.Socket, "server", "nodaemon")
	cmd.Env = s.env()
	var logBuf strings.Builder
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start adb server: %v", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	// The server listens once it has loaded its keys; wait for that, or
	// for it to die.
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			return s
		}
		select {
		case <-done:
			t.Fatalf("adb server exited: %s", logBuf.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("adb server did not listen on %s: %v", s.Addr, err)
		}
	}
}

func (s *ADBServer) env() []string {
	return append(os.Environ(), "HOME="+s.home, "ADB_SERVER_SOCKET="+s.Socket, "ANDROID_SDK_HOME="+s.home)
}

// Run runs the adb command line tool against this server and returns its
// combined output.
func (s *ADBServer) Run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.adb, args...)
	cmd.Env = s.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("adb %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Connect runs `adb connect addr` (a Phone's Addr) and fails the test if
// the server reports neither a connection nor a phone refusing its key
// (an Unauthorized phone: "failed to authenticate").
func (s *ADBServer) Connect(t testing.TB, addr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := s.Run(ctx, "connect", addr)
	if err != nil || !strings.Contains(out, "connected to") && !strings.Contains(out, "authenticate") {
		t.Fatalf("adb connect %s: %v %s", addr, err, out)
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
