//go:build unix

package engine_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/bridge/secret"
)

// startupRuns is how many times the daemon is started per measurement;
// the median is reported.
const startupRuns = 5

// benchRunStartup times `cradle run --no-tray` on the state in dirs, from
// exec until the account reports "waiting" (the session publishes that
// state as it sends its first Ping), followed over the control socket. Each start does what a real one does: open the state database,
// sync every folder once (a Sync round trip each, nothing to fetch) and
// then Ping. Reported as the median of startupRuns starts, in ms-to-ping.
func benchRunStartup(b *testing.B, dirs config.Dirs) {
	bin := filepath.Join(b.TempDir(), "cradle")
	build := exec.Command("go", "build", "-o", bin, "github.com/cradle-sync/cradle")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build cradle: %v\n%s", err, out)
	}
	env := append(os.Environ(), "CRADLE_CONFIG_DIR="+dirs.Config, "CRADLE_DATA_DIR="+dirs.Data, "CRADLE_SECRETS=file",
		// SOGo holds an abandoned Ping until its heartbeat ends, pinning a
		// worker; stopped daemons must not pile them up.
		"CRADLE_MAX_HEARTBEAT=30s")
	sock := filepath.Join(dirs.Data, "control.sock")
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return control.Dial(ctx, sock) },
	}}
	logPath := filepath.Join(b.TempDir(), "daemon.log")
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for r := 0; r < startupRuns; r++ {
			times = append(times, startOnce(b, bin, env, logPath, hc))
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-to-ping")
	b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "ms-to-ping-max")
	took, server := startInProcess(b, dirs)
	b.ReportMetric(float64(took.Microseconds())/1000, "inproc-ms-to-ping")
	b.ReportMetric(float64(server.Microseconds())/1000, "server-ms-before-ping")
}

// startInProcess repeats one start inside the benchmark, with the engine's
// requests timed, to tell how much of a start is spent waiting on the
// server: it returns the time from engine.Open to the first Ping sent and
// the time requests before it spent on the server.
func startInProcess(b *testing.B, dirs config.Dirs) (took, server time.Duration) {
	b.Helper()
	d := newTimedDoer()
	start := time.Now()
	e, err := engine.Open(context.Background(), engine.Options{Dirs: dirs, HTTP: d, Heartbeat: testHeartbeat,
		Secrets: &secret.File{Path: filepath.Join(dirs.Data, "secrets.json")}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	defer func() { cancel(); <-done; e.Close() }()
	cs := d.await(b, "first Ping", time.Minute, pingOpenAfter(start))
	for _, c := range cs {
		if c.cmd == "Ping" {
			return c.start.Sub(start), server
		}
		server += c.end.Sub(c.start)
	}
	return 0, 0 // not reached: await saw a Ping
}

func startOnce(b *testing.B, bin string, env []string, logPath string, hc *http.Client) time.Duration {
	b.Helper()
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, "run", "--no-tray")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	waiting := make(chan time.Time, 1)
	go func() { waiting <- awaitWaiting(ctx, hc) }()
	select {
	case at := <-waiting:
		if at.IsZero() {
			log, _ := os.ReadFile(logPath)
			b.Fatalf("cradle run not waiting within a minute; its log:\n%s", log)
		}
		return at.Sub(start)
	case err := <-exited:
		log, _ := os.ReadFile(logPath)
		b.Fatalf("cradle run exited before waiting: %v\n%s", err, log)
		return 0
	}
}

// awaitWaiting returns when the daemon's account first reports
// "waiting", or the zero time when ctx ends first. It follows the event
// stream rather than polling the status: a status answer counts every
// folder's items, and polling it every few milliseconds would slow the
// start it measures. Until the socket is there, connecting is retried
// every 5 ms (another process: asking again is the only way).
func awaitWaiting(ctx context.Context, hc *http.Client) time.Time {
	var events *http.Response
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://cradle/v1/events", nil)
		resp, err := hc.Do(req)
		if err == nil && resp.StatusCode == http.StatusOK {
			events = resp
			break
		}
		if err == nil {
			resp.Body.Close()
		}
		select {
		case <-ctx.Done():
			return time.Time{}
		case <-time.After(5 * time.Millisecond):
		}
	}
	defer events.Body.Close()
	// Subscribed: a change from now on is in the stream; the state
	// before it is in one status answer.
	if accountState(ctx, hc) == "waiting" {
		return time.Now()
	}
	dec := json.NewDecoder(events.Body)
	for {
		var ev api.Event
		if err := dec.Decode(&ev); err != nil {
			return time.Time{}
		}
		if ev.Type == "status" && ev.Account == "sogo" && ev.Detail == "waiting" {
			return time.Now()
		}
	}
}

// accountState asks the daemon for the state of account "sogo"; "" when
// it does not answer.
func accountState(ctx context.Context, hc *http.Client) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://cradle/v1/status", nil)
	resp, err := hc.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var st api.Status
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&st) != nil {
		return ""
	}
	for _, a := range st.Accounts {
		if a.Name == "sogo" {
			return a.State
		}
	}
	return ""
}
