package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/app/tray"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

func TestSnapshotOfPicksMostUrgentState(t *testing.T) {
	now := time.Now()
	waiting := api.Account{Name: "a", State: "waiting", LastSync: now, Folders: []api.Folder{{Pending: 2}}}
	cases := []struct {
		name string
		st   api.Status
		want tray.State
	}{
		{"all waiting", api.Status{Accounts: []api.Account{waiting}}, tray.UpToDate},
		{"one offline", api.Status{Accounts: []api.Account{waiting, {Name: "b", State: "offline"}}}, tray.Offline},
		{"auth beats offline", api.Status{Accounts: []api.Account{{Name: "b", State: "offline"}, {Name: "c", State: "auth-failed"}}}, tray.Attention},
		{"guard tripped", api.Status{Accounts: []api.Account{{Name: "a", State: "waiting", Folders: []api.Folder{{State: "attention"}}}}}, tray.Attention},
		{"conflicts", api.Status{Conflicts: 2, Accounts: []api.Account{waiting}}, tray.Attention},
		{"paused wins", api.Status{Paused: true, Accounts: []api.Account{{Name: "b", State: "offline"}}}, tray.Paused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := snapshotOf(c.st)
			if s.State != c.want {
				t.Fatalf("state %v, want %v", s.State, c.want)
			}
		})
	}
	s := snapshotOf(api.Status{Accounts: []api.Account{waiting}})
	if s.Waiting != 2 || !s.LastSync.Equal(now) {
		t.Fatalf("waiting %d, last sync %v", s.Waiting, s.LastSync)
	}
}

// scriptedStatus is a Backend whose Status returns the next of a script
// of snapshots; the tray model uses nothing else of it in these tests.
type scriptedStatus struct {
	api.Backend
	script []api.Status
}

func (b *scriptedStatus) Status(context.Context) (api.Status, error) {
	st := b.script[0]
	b.script = b.script[1:]
	return st, nil
}

// A session in back-off wakes up as "connecting" or "syncing" before each
// attempt; until an attempt gets an answer the icon must stay offline,
// and it shows syncing only once a request succeeded.
func TestTrayStaysOfflineWhileRetrying(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	later := t0.Add(time.Minute)
	retryAt := time.Now().Add(time.Hour)
	acct := func(state string, last, folderLast time.Time) api.Account {
		a := api.Account{Name: "work", State: state, LastSync: last,
			Folders: []api.Folder{{ID: "1", Kind: "contacts", LastSync: folderLast}, {ID: "2", Kind: "calendar", LastSync: last}}}
		if state == "offline" {
			a.Error, a.NextRetry = "dial tcp: connection refused", retryAt
		}
		if state == "error" {
			a.Error, a.NextRetry = "server said 503", retryAt
		}
		return a
	}
	one := func(a api.Account) api.Status { return api.Status{Accounts: []api.Account{a}} }
	type step struct {
		st         api.Status
		want       tray.State
		wantDetail string // substring; "" checks nothing
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"first start shows syncing", []step{
			{one(acct("connecting", time.Time{}, time.Time{})), tray.Syncing, ""},
			{one(acct("syncing", time.Time{}, time.Time{})), tray.Syncing, ""},
			{one(acct("waiting", t0, t0)), tray.UpToDate, ""},
		}},
		{"retries that fail stay offline", []step{
			{one(acct("waiting", t0, t0)), tray.UpToDate, ""},
			{one(acct("offline", t0, t0)), tray.Offline, "retrying in"},
			{one(acct("connecting", t0, t0)), tray.Offline, "retrying now"},
			{one(acct("syncing", t0, t0)), tray.Offline, "retrying now"},
			{one(acct("offline", t0, t0)), tray.Offline, "retrying in"},
			{one(acct("syncing", t0, t0)), tray.Offline, ""},
		}},
		{"a folder synced: syncing, then up to date", []step{
			{one(acct("offline", t0, t0)), tray.Offline, ""},
			{one(acct("syncing", t0, t0)), tray.Offline, ""},
			{one(acct("syncing", t0, later)), tray.Syncing, ""},
			{one(acct("syncing", t0, later)), tray.Syncing, ""},
			{one(acct("waiting", later, later)), tray.UpToDate, ""},
		}},
		{"server errors are held with their text", []step{
			{one(acct("error", t0, t0)), tray.Offline, "503"},
			{one(acct("syncing", t0, t0)), tray.Offline, "503"},
		}},
		{"a failure after progress is held again", []step{
			{one(acct("offline", t0, t0)), tray.Offline, ""},
			{one(acct("syncing", t0, later)), tray.Syncing, ""},
			{one(acct("offline", t0, later)), tray.Offline, ""},
			{one(acct("syncing", t0, later)), tray.Offline, ""},
		}},
		{"the wait for a password ends the hold", []step{
			{one(acct("offline", t0, t0)), tray.Offline, ""},
			{one(acct("auth-failed", t0, t0)), tray.Attention, ""},
			{one(acct("syncing", t0, t0)), tray.Syncing, ""},
		}},
		{"a removed account is forgotten", []step{
			{one(acct("offline", t0, t0)), tray.Offline, ""},
			{api.Status{}, tray.UpToDate, ""},
			{one(acct("connecting", t0, t0)), tray.Syncing, ""},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &scriptedStatus{}
			for _, s := range c.steps {
				b.script = append(b.script, s.st)
			}
			m := &trayModel{b: b, feed: tray.NewFeed()}
			for i, s := range c.steps {
				m.publish(context.Background())
				got := <-m.feed.Updates()
				if got.State != s.want || !strings.Contains(got.Detail, s.wantDetail) {
					t.Fatalf("step %d: state %v %q, want %v %q", i, got.State, got.Detail, s.want, s.wantDetail)
				}
			}
		})
	}
}

// steady must not write through to the caller's status.
func TestSteadyLeavesStatusAlone(t *testing.T) {
	r := make(retrying)
	r.steady(api.Status{Accounts: []api.Account{{Name: "a", State: "offline", Error: "x"}}})
	in := api.Status{Accounts: []api.Account{{Name: "a", State: "syncing"}}}
	out := r.steady(in)
	if in.Accounts[0].State != "syncing" || out.Accounts[0].State != "offline" {
		t.Fatalf("in %q, out %q", in.Accounts[0].State, out.Accounts[0].State)
	}
}

// Plugging in a phone is answered with a notification once it is in step,
// or when it must trust this computer first; other events stay quiet.
func TestTrayNotifiesDeviceEvents(t *testing.T) {
	b := controltest.NewBackend(api.Status{})
	type shown struct{ title, body string }
	got := make(chan shown, 8)
	m := &trayModel{b: b, feed: tray.NewFeed(), notify: func(_ context.Context, title, body string) error {
		got <- shown{title, body}
		return nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.run(ctx) }()
	defer func() { cancel(); <-done }()
	<-m.Updates() // run has subscribed and published its first snapshot

	for _, ev := range []api.Event{
		{Type: "change", Action: "add", Detail: "routine"},
		{Type: "device", Action: "detached", Detail: "Nokia was unplugged"},
		{Type: "device", Action: "reconciled", Detail: "Pixel is in step with work contacts; safe to unplug"},
		{Type: "device", Action: "unauthorized", Detail: "Accept this computer's key on Pixel"},
	} {
		b.Publish(ev)
	}
	want := []shown{
		{"Phone in step", "Pixel is in step with work contacts; safe to unplug"},
		{"Allow this computer on the phone", "Accept this computer's key on Pixel"},
	}
	for _, w := range want {
		select {
		case s := <-got:
			if s != w {
				t.Fatalf("notification %+v, want %+v", s, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no notification for %q", w.title)
		}
	}
	select {
	case s := <-got:
		t.Fatalf("unexpected notification %+v", s)
	default:
	}
}
