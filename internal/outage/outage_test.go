package outage_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/bridge/secret"
	vc "github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/internal/sogotest"
	"github.com/cradle-sync/cradle/push/session"
)

const scripts = "../../scripts/sogo"

// countingDoer counts the requests Cradle sends, answered or not.
type countingDoer struct {
	next *http.Client
	n    atomic.Int64
}

func (d *countingDoer) Do(req *http.Request) (*http.Response, error) {
	d.n.Add(1)
	return d.next.Do(req)
}

// logRecorder keeps every message the engine logs.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.msgs = append(h.msgs, r.Message)
	h.mu.Unlock()
	return nil
}
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logRecorder) WithGroup(string) slog.Handler      { return h }

func (h *logRecorder) count(substr string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.msgs {
		if strings.Contains(m, substr) {
			n++
		}
	}
	return n
}

func card(uid, name string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:" + name + "\r\nN:" + name + ";;;;\r\nEND:VCARD\r\n"
}

// runScript runs one of the peer's scripts for srv's instance (the ports
// come from the same environment variables sogotest reads) and returns how
// long it took.
func runScript(t *testing.T, srv *sogotest.Server, name string, args ...string) time.Duration {
	t.Helper()
	start := time.Now()
	cmd := exec.Command(filepath.Join(scripts, name), args...)
	cmd.Env = append(os.Environ(), "PEER_DIR="+srv.PeerDir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return time.Since(start)
}

// waitFor polls cond until it holds or the deadline passes: neither the
// server's contents nor the files notify a test.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// localNames counts the display names of the cards in dir.
func localNames(t *testing.T, dir string) map[string]int {
	t.Helper()
	out := map[string]int{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".vcf") || strings.Contains(e.Name(), ".sync-conflict-") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // replaced under us; the next poll sees it
		}
		cs, _, err := vc.Read(bytes.NewReader(b), e.Name())
		if err != nil || len(cs) != 1 {
			t.Errorf("%s is not one card: %v", e.Name(), err)
			continue
		}
		out[vc.DisplayName(&cs[0])]++
	}
	return out
}

func serverNames(t *testing.T, srv *sogotest.Server, user, pass string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, n := range srv.ListContacts(t, user, pass) {
		c, ok := srv.GetContact(t, user, pass, n)
		if !ok {
			continue
		}
		cs, _, err := vc.Read(strings.NewReader(c), n)
		if err != nil || len(cs) != 1 {
			t.Errorf("server contact %s is not one card: %v", n, err)
			continue
		}
		out[vc.DisplayName(&cs[0])]++
	}
	return out
}

// lostAndDuplicated compares got with the names wanted once each.
func lostAndDuplicated(got map[string]int, want []string) (lost, dup []string) {
	for _, n := range want {
		switch {
		case got[n] == 0:
			lost = append(lost, n)
		case got[n] > 1:
			dup = append(dup, n)
		}
	}
	return lost, dup
}

// SOGo stopped and restarted in the middle of a session: Cradle retries
// with backoff while it is down (a bounded number of attempts), picks up
// from its last SyncKey once it is back (no resync from scratch), and every
// change made meanwhile arrives: contacts the user added locally during
// the outage reach the server, one added on the server just before the
// stop and one just after the restart reach the files, none lost, none
// duplicated.
func TestSOGoRestartMidSession(t *testing.T) {
	if os.Getenv("CRADLE_OUTAGE_TEST") != "1" {
		t.Skip("stops the shared SOGo peer, which breaks tests running alongside: run alone with CRADLE_OUTAGE_TEST=1 (scripts/test.sh does)")
	}
	if os.Geteuid() != 0 {
		msg := "the SOGo scripts must run as root"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	srv := sogotest.Start(t) // fails under CI=true when SOGo is missing
	// Whatever happens below, the peer is left running for later tests.
	t.Cleanup(func() { runScript(t, srv, "start.sh") })
	user, pass := srv.NewUser(t)
	srv.PutContact(t, user, pass, "seed-1.vcf", card("seed-1", "Seed One"))
	srv.PutContact(t, user, pass, "seed-2.vcf", card("seed-2", "Seed Two"))
	want := []string{"Seed One", "Seed Two"}

	root := t.TempDir()
	vdir := filepath.Join(root, "contacts")
	dirs := config.Dirs{Config: filepath.Join(root, "config"), Data: filepath.Join(root, "data")}
	acc := config.Account{Name: "sogo", URL: srv.EASURL(), User: user, Folders: []config.Folder{
		{ID: "vcard%2Fpersonal", Path: vdir}, {ID: "vevent%2Fpersonal", Skip: true}, {ID: "vtodo%2Fpersonal", Skip: true}}}
	// SOGo can miss a change made in the same second as a SyncKey (NOTES.md
	// quirk 1), and a restart makes such seconds likelier; the integrity
	// check is Cradle's answer to that, so it runs here as a user's would,
	// only sooner. What the outage itself must not cause (a resync from
	// scratch, a retry storm, duplicates) is asserted separately below.
	cfg := &config.Config{Accounts: []config.Account{acc}, Local: config.Local{Disabled: true}, IntegrityCheck: "1m"}
	if err := config.Save(dirs.Config, cfg); err != nil {
		t.Fatal(err)
	}
	secrets := &secret.File{Path: filepath.Join(root, "secrets.json")}
	if err := secrets.Set("sogo", pass); err != nil {
		t.Fatal(err)
	}
	doer := &countingDoer{next: &http.Client{}}
	logs := &logRecorder{}
	backoff := session.BackoffPolicy{Initial: 500 * time.Millisecond, Max: 4 * time.Second, Factor: 2}
	e, err := engine.Open(context.Background(), engine.Options{Dirs: dirs, Secrets: secrets, HTTP: doer,
		Logger: slog.New(logs), Backoff: backoff, Debounce: 100 * time.Millisecond,
		Heartbeat: session.HeartbeatPolicy{Initial: 20 * time.Second, Min: 10 * time.Second, Max: 30 * time.Second, Step: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	waitFor(t, "the seed contacts locally", 60*time.Second, func() bool { return len(localNames(t, vdir)) == len(want) })
	keyBefore := folderKey(t, e)

	// SOGo's SyncKeys are seconds: a change in the second of a key can be
	// missed by it (NOTES.md quirk 1), a server bug the integrity check
	// covers; the test keeps its changes out of that second.
	time.Sleep(1100 * time.Millisecond)
	srv.PutContact(t, user, pass, "before-stop.vcf", card("before-stop", "Before Stop"))
	want = append(want, "Before Stop")
	stopTook := runScript(t, srv, "stop.sh", "sogod")
	downAt := time.Now()

	for i := range 3 {
		name := fmt.Sprintf("Offline %d", i)
		if err := os.WriteFile(filepath.Join(vdir, fmt.Sprintf("offline-%d.vcf", i)), []byte(card(fmt.Sprintf("offline-%d", i), name)), 0o600); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	from := doer.n.Load()
	time.Sleep(10 * time.Second) // the outage, during which attempts are counted
	attempts := doer.n.Load() - from
	st, err := e.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SOGo down (stop took %v): %d requests in 10 s; account state %q, error %q, next retry %v",
		stopTook.Round(time.Millisecond), attempts, st.Accounts[0].State, st.Accounts[0].Error, st.Accounts[0].NextRetry)
	// Delays of at least 250, 500, 1000, 2000, 2000… ms (equal jitter):
	// at most 8 attempts fit in 10 s, each one or two requests.
	if attempts > 16 {
		t.Errorf("%d requests in 10 s against a stopped server: a retry storm", attempts)
	}
	if attempts < 2 {
		t.Errorf("%d requests in 10 s: Cradle stopped retrying", attempts)
	}

	startTook := runScript(t, srv, "start.sh")
	t.Logf("SOGo back after %v (start took %v)", time.Since(downAt).Round(time.Second), startTook.Round(time.Millisecond))
	time.Sleep(1100 * time.Millisecond) // see above
	srv.PutContact(t, user, pass, "after-restart.vcf", card("after-restart", "After Restart"))
	want = append(want, "After Restart")

	converged := func() bool {
		return len(localNames(t, vdir)) >= len(want) && len(serverNames(t, srv, user, pass)) >= len(want)
	}
	deadline := time.Now().Add(120 * time.Second)
	for !converged() {
		if time.Now().After(deadline) {
			t.Fatalf("after 2 min: local %v, server %v; want each of %v (integrity checks run: %d)",
				localNames(t, vdir), serverNames(t, srv, user, pass), want, logs.count("integrity check done"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("converged %v after SOGo returned; integrity checks run meanwhile: %d", time.Since(downAt).Round(time.Second), logs.count("integrity check done"))
	local, server := localNames(t, vdir), serverNames(t, srv, user, pass)
	ll, ld := lostAndDuplicated(local, want)
	sl, sd := lostAndDuplicated(server, want)
	t.Logf("local: lost=%d duplicated=%d; server: lost=%d duplicated=%d (%d contacts)", len(ll), len(ld), len(sl), len(sd), len(want))
	if len(ll)+len(ld)+len(sl)+len(sd) > 0 || len(local) != len(want) || len(server) != len(want) {
		t.Errorf("local %v, server %v; want each of %v once", local, server, want)
	}
	if n := logs.count("resyncing from the start") + logs.count("starting the folder over"); n > 0 {
		t.Errorf("the folder was synced from scratch %d times after the restart; its SyncKey %q should have been used", n, keyBefore)
	}
	if keyAfter := folderKey(t, e); keyAfter == "0" || keyAfter == "" {
		t.Errorf("folder SyncKey after the outage is %q", keyAfter)
	}
}

// folderKey returns the contacts folder's stored SyncKey.
func folderKey(t *testing.T, e *engine.Engine) string {
	t.Helper()
	ctx := context.Background()
	acc, err := e.DB().Account(ctx, "sogo")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.DB().Folders(ctx, acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.ServerID == "vcard%2Fpersonal" {
			return f.SyncKey
		}
	}
	t.Fatal("no contacts folder in the state")
	return ""
}
