package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/session"
)

// Heartbeats in whole seconds (the wire unit), kept short.
var quick = session.HeartbeatPolicy{Initial: 3 * time.Second, Min: 1 * time.Second, Max: 6 * time.Second, Step: 1 * time.Second}
var quickBackoff = session.BackoffPolicy{Initial: 50 * time.Millisecond, Max: 400 * time.Millisecond, Factor: 2}

type fakeAccount struct {
	srv *eastest.Server
	c   *easclient.Client
	m   *memSyncer
	s   *session.Session
}

func newFake(t *testing.T, cfg eastest.Config, o session.Options) *fakeAccount {
	t.Helper()
	srv := eastest.Start(t, cfg)
	c, err := easclient.New(easclient.Config{URL: srv.URL, User: "u", DeviceID: "dev1"})
	if err != nil {
		t.Fatal(err)
	}
	m := newMemSyncer(c)
	o.Client, o.Syncer = c, m
	if o.Heartbeat == (session.HeartbeatPolicy{}) {
		o.Heartbeat = quick
	}
	if o.Backoff == (session.BackoffPolicy{}) {
		o.Backoff = quickBackoff
	}
	return &fakeAccount{srv: srv, c: c, m: m, s: session.New(o)}
}

func (f *fakeAccount) add(t *testing.T, folder, first string) string {
	t.Helper()
	id, err := f.srv.AddItem(folder, contactData(t, first, "Test"))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fakeAccount) waitHeld(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := f.srv.WaitHeld(ctx, 1); err != nil {
		t.Fatal(err)
	}
}

// commandsSince returns the commands logged from index i on.
func (f *fakeAccount) commandsSince(i int) []string {
	var out []string
	for _, r := range f.srv.Requests()[i:] {
		out = append(out, r.Command)
	}
	return out
}

func TestFakePingChangeSyncsOnlyThatFolder(t *testing.T) {
	f := newFake(t, eastest.Config{}, session.Options{})
	stop := runSession(t, f.s)
	defer stop()
	f.waitHeld(t)
	mark := len(f.srv.Requests()) - 1 // the held Ping
	f.add(t, "contacts", "Grace")
	f.m.waitFor(t, 1, 10*time.Second)
	f.waitHeld(t)
	reqs := f.srv.Requests()[mark:]
	if len(reqs) < 2 || reqs[0].Command != "Ping" || reqs[1].Command != "Sync" {
		t.Fatalf("want Ping then Sync, got %v", f.commandsSince(mark))
	}
	for _, r := range reqs[1:] {
		if r.Command == "Sync" && (len(r.Folders) != 1 || r.Folders[0] != "contacts") {
			t.Fatalf("synced %v; only contacts changed", r.Folders)
		}
		if r.Command == "FolderSync" {
			t.Fatalf("FolderSync without a hierarchy change: %v", f.commandsSince(mark))
		}
	}
}

// A NAT cutting the held Ping: the session notices, steps its heartbeat
// down, syncs everything from its keys (so a change made during the outage
// arrives) and only then Pings again.
func TestFakeCutPingReconnectsStepsDownAndLosesNothing(t *testing.T) {
	f := newFake(t, eastest.Config{}, session.Options{})
	stop := runSession(t, f.s)
	defer stop()
	f.waitHeld(t)
	before := f.s.Status().Heartbeat
	time.Sleep(1200 * time.Millisecond) // let the Ping run a while before the cut

	// The change lands while the connection is down.
	f.srv.Inject(eastest.Fault{Command: "Sync", Times: 1, Cut: true})
	mark := len(f.srv.Requests())
	if n := f.srv.CutHeld(); n != 1 {
		t.Fatalf("cut %d held requests", n)
	}
	f.add(t, "calendar", "During outage")
	f.m.waitFor(t, 1, 20*time.Second)
	f.waitHeld(t)
	after := f.s.Status().Heartbeat
	if after >= before {
		t.Fatalf("heartbeat %v after a cut Ping, was %v: did not step down", after, before)
	}
	cmds := f.commandsSince(mark)
	firstPing := -1
	for i, c := range cmds {
		if c == "Ping" {
			firstPing = i
			break
		}
	}
	syncsBefore := 0
	for _, c := range cmds[:max(firstPing, 0)] {
		if c == "Sync" {
			syncsBefore++
		}
	}
	if firstPing < 0 || syncsBefore < 3 {
		t.Fatalf("after the gap the session must sync all 3 folders before pinging: %v", cmds)
	}
}

func TestFakeRetryAfterHonoured(t *testing.T) {
	f := newFake(t, eastest.Config{}, session.Options{})
	f.srv.Inject(eastest.Fault{Command: "FolderSync", HTTPStatus: http.StatusServiceUnavailable,
		Header: http.Header{"Retry-After": {"2"}}})
	start := time.Now()
	stop := runSession(t, f.s)
	defer stop()
	st := waitState(t, f.s, session.Failed, 5*time.Second)
	if d := st.NextRetry.Sub(start); d < 2*time.Second {
		t.Fatalf("next retry planned after %v, want ≥ Retry-After 2s", d)
	}
	f.waitHeld(t)
	var fs []time.Time
	for _, r := range f.srv.Requests() {
		if r.Command == "FolderSync" {
			fs = append(fs, r.Time)
		}
	}
	if len(fs) < 2 || fs[1].Sub(fs[0]) < 2*time.Second {
		t.Fatalf("FolderSync retried after %v, want ≥ 2s", fs[1].Sub(fs[0]))
	}
}

func TestFakeInvalidSyncKeyRecoversWithoutDuplicates(t *testing.T) {
	f := newFake(t, eastest.Config{}, session.Options{})
	for i := 0; i < 5; i++ {
		f.add(t, "contacts", "Existing")
	}
	stop := runSession(t, f.s)
	defer stop()
	f.m.waitFor(t, 5, 10*time.Second)
	f.waitHeld(t)
	f.srv.Inject(eastest.Fault{Command: "Sync", Status: int(push.SyncInvalidSyncKey)})
	f.add(t, "contacts", "New")
	f.m.waitFor(t, 1, 10*time.Second)
	f.waitHeld(t)
	if got, want := f.m.count("contacts"), len(f.srv.Items("contacts")); got != want {
		t.Fatalf("after Status 3 recovery: %d local items, server has %d", got, want)
	}
}

func TestFakeHeartbeatLimitFromStatus5(t *testing.T) {
	f := newFake(t, eastest.Config{MaxHeartbeat: 2}, session.Options{})
	stop := runSession(t, f.s)
	defer stop()
	f.waitHeld(t) // the retried Ping within the limit is held
	if hb := f.s.Status().Heartbeat; hb != 2*time.Second {
		t.Fatalf("heartbeat %v, want the server's maximum 2s", hb)
	}
}

func TestFakeHierarchyChangeRunsFolderSync(t *testing.T) {
	f := newFake(t, eastest.Config{}, session.Options{})
	stop := runSession(t, f.s)
	defer stop()
	f.waitHeld(t)
	if err := f.srv.AddFolder(eastest.Folder{ID: "work", ParentID: "0", Name: "Work contacts", Type: push.FolderUserContacts}); err != nil {
		t.Fatal(err)
	}
	f.add(t, "work", "Colleague")
	f.m.waitFor(t, 1, 10*time.Second)
	if f.m.count("work") != 1 {
		t.Fatalf("the new folder was not synced")
	}
}

// A black hole: the server (or a middlebox) swallows the Ping and never
// answers. The session's own deadline must end it and lower the heartbeat.
func TestFakeBlackHoleDetectedByOwnDeadline(t *testing.T) {
	f := newFake(t, eastest.Config{}, session.Options{PingGrace: 500 * time.Millisecond})
	f.srv.Inject(eastest.Fault{Command: "Ping", Delay: time.Minute})
	stop := runSession(t, f.s)
	defer stop()
	st := waitState(t, f.s, session.Offline, 10*time.Second)
	if st.Heartbeat >= quick.Initial {
		t.Fatalf("heartbeat %v after a black-holed Ping, want below %v", st.Heartbeat, quick.Initial)
	}
	f.waitHeld(t)
}

func TestFakeSyncNowInterruptsPing(t *testing.T) {
	f := newFake(t, eastest.Config{}, session.Options{Heartbeat: session.HeartbeatPolicy{Initial: 60 * time.Second, Min: 60 * time.Second, Max: 60 * time.Second, Step: time.Second}})
	stop := runSession(t, f.s)
	defer stop()
	f.waitHeld(t)
	mark := len(f.srv.Requests())
	start := time.Now()
	f.s.SyncNow("tasks")
	// Wait for the next held Ping: the Sync must have happened before it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		reqs := f.srv.Requests()[mark:]
		if len(reqs) >= 2 && reqs[len(reqs)-1].Command == "Ping" {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no Sync+Ping after SyncNow: %v", f.commandsSince(mark))
		case <-time.After(20 * time.Millisecond):
		}
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("SyncNow waited for the heartbeat")
	}
	cmds := f.commandsSince(mark)
	if cmds[0] != "Sync" {
		t.Fatalf("after SyncNow: %v, want Sync first", cmds)
	}
}

func TestFakeAuthFailureWaitsForUser(t *testing.T) {
	ok := false
	f := newFake(t, eastest.Config{Authenticate: func(*http.Request) bool { return ok }}, session.Options{})
	stop := runSession(t, f.s)
	defer stop()
	waitState(t, f.s, session.AuthFailed, 5*time.Second)
	n := len(f.srv.Requests())
	time.Sleep(500 * time.Millisecond) // ten back-off periods: none may be used
	if m := len(f.srv.Requests()); m != n {
		t.Fatalf("%d requests with rejected credentials while waiting for the user", m-n)
	}
	ok = true
	f.s.SyncNow()
	f.waitHeld(t)
}

// An untrusted (or changed) server certificate stops the session until the
// user acts; it is never retried around.
func TestFakeUntrustedCertificateStops(t *testing.T) {
	srv := eastest.New(eastest.Config{})
	hs := httptest.NewTLSServer(srv)
	t.Cleanup(hs.Close)
	t.Cleanup(srv.Close)
	c, err := easclient.New(easclient.Config{URL: hs.URL + eastest.Path, User: "u", DeviceID: "dev1",
		HTTP: &http.Client{Transport: easclient.PinnedTransport("")}})
	if err != nil {
		t.Fatal(err)
	}
	s := session.New(session.Options{Client: c, Syncer: newMemSyncer(c), Heartbeat: quick, Backoff: quickBackoff})
	stop := runSession(t, s)
	defer stop()
	st := waitState(t, s, session.AuthFailed, 10*time.Second)
	if !strings.Contains(st.Err, "not trusted") {
		t.Fatalf("status error %q does not say the certificate is not trusted", st.Err)
	}
	n := len(srv.Requests())
	time.Sleep(500 * time.Millisecond) // ten back-off periods: none may be used
	if m := len(srv.Requests()); m != n {
		t.Fatalf("%d requests after the certificate was refused", m-n)
	}
}
