package session_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/internal/sogotest"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/session"
)

func vcard(uid, first, last string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:" + first + " " + last +
		"\r\nN:" + last + ";" + first + ";;;\r\nEMAIL;TYPE=work:" + uid + "@example.test\r\nEND:VCARD\r\n"
}

func vevent(uid, summary string, start time.Time) string {
	f := "20060102T150405Z"
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cradle tests//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:" + start.UTC().Format(f) + "\r\nDTSTART:" + start.UTC().Format(f) + "\r\nDTEND:" +
		start.Add(time.Hour).UTC().Format(f) + "\r\nSUMMARY:" + summary + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

type sogoAccount struct {
	srv        *sogotest.Server
	user, pass string
	device     string
	rec        *recorder
	client     *easclient.Client
}

func newSOGoAccount(t testing.TB) *sogoAccount {
	srv := sogotest.Start(t)
	u, p := srv.NewUser(t)
	a := &sogoAccount{srv: srv, user: u, pass: p, device: uniqueDevice("cradle")}
	a.connect(t)
	return a
}

// connect builds a fresh client for the same device, as a restarted
// daemon would.
func (a *sogoAccount) connect(t testing.TB) {
	a.rec = &recorder{next: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	c, err := easclient.New(easclient.Config{
		URL: a.srv.EASURL(), User: a.user, DeviceID: a.device,
		Auth: easclient.BasicAuth(a.user, a.pass), HTTP: a.rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	a.client = c
}

// fastPolicy keeps Pings short so a test never waits on a long heartbeat,
// while staying above SOGo's 5 s change-detection cycle.
var fastPolicy = session.HeartbeatPolicy{Initial: 20 * time.Second, Min: 10 * time.Second, Max: 30 * time.Second, Step: 5 * time.Second}

func runSession(t *testing.T, s *session.Session) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && err != context.Canceled {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(time.Minute):
			t.Error("session did not stop")
		}
	}
}

func waitState(t *testing.T, s *session.Session, want session.State, within time.Duration) session.Status {
	t.Helper()
	ch, unsub := s.Subscribe()
	defer unsub()
	deadline := time.After(within)
	for {
		select {
		case st := <-ch:
			if st.State == want {
				return st
			}
		case <-deadline:
			t.Fatalf("state %v not reached within %v (now %+v)", want, within, s.Status())
		}
	}
}

func TestSOGoFolderSyncListsContactsCalendarTasks(t *testing.T) {
	a := newSOGoAccount(t)
	info, err := a.client.Options(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.client.Version() != push.Version141 {
		t.Fatalf("negotiated %v with %v, want 14.1", a.client.Version(), info)
	}
	m := newMemSyncer(a.client)
	folders, err := m.Folders(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	var classes []string
	for _, f := range folders {
		classes = append(classes, f.Class)
	}
	for _, want := range []string{push.ClassContacts, push.ClassCalendar, push.ClassTasks} {
		if !slices.Contains(classes, want) {
			t.Errorf("FolderSync lacks a %s folder: %v", want, folders)
		}
	}
}

func TestSOGoInitialSyncOf500ContactsThroughWindows(t *testing.T) {
	a := newSOGoAccount(t)
	const n = 500
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("bulk-%03d", i)
		a.srv.PutContact(t, a.user, a.pass, uid+".vcf", vcard(uid, "Bulk", fmt.Sprint(i)))
	}
	m := newMemSyncer(a.client)
	ctx := context.Background()
	if _, err := m.Folders(ctx, false); err != nil {
		t.Fatal(err)
	}
	contacts := m.folderOf(push.ClassContacts)
	if err := m.SyncFolder(ctx, contacts); err != nil {
		t.Fatal(err)
	}
	if got := m.count(contacts); got != n {
		t.Fatalf("initial sync brought %d contacts, want %d", got, n)
	}
	syncs := 0
	for _, c := range a.rec.log() {
		if c == "Sync" {
			syncs++
		}
	}
	// SyncKey 0 round + ceil(500/100) windows (+1 if the last is exactly full).
	if syncs < 6 {
		t.Fatalf("%d Sync requests for %d items with WindowSize 100: windowing not exercised", syncs, n)
	}
}

func TestSOGoClientAddAppearsInCardDAV(t *testing.T) {
	a := newSOGoAccount(t)
	a.srv.PutContact(t, a.user, a.pass, "seed.vcf", vcard("seed", "Seed", "Contact"))
	m := newMemSyncer(a.client)
	ctx := context.Background()
	if _, err := m.Folders(ctx, false); err != nil {
		t.Fatal(err)
	}
	contacts := m.folderOf(push.ClassContacts)
	if err := m.SyncFolder(ctx, contacts); err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	m.queue[contacts] = []push.SyncAdd{{ClientID: "c1", ApplicationData: contactData(t, "Ada", "Lovelace")}}
	m.mu.Unlock()
	if err := m.SyncFolder(ctx, contacts); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, name := range a.srv.ListContacts(t, a.user, a.pass) {
		card, ok := a.srv.GetContact(t, a.user, a.pass, name)
		if ok && strings.Contains(card, "Lovelace") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the client's Add is not in SOGo's address book: %v", a.srv.ListContacts(t, a.user, a.pass))
	}
	if got := m.count(contacts); got != 2 {
		t.Fatalf("local items = %d, want 2 (seed + added, no echo duplicate)", got)
	}
}

// The heart of Direct Push: a change made on the server while a Ping is
// held comes back as Ping status 2 for that folder, and the very next
// request is the Sync that fetches it.
func TestSOGoPushDeliversServerChange(t *testing.T) {
	a := newSOGoAccount(t)
	// SOGo does not watch a folder that was empty at the first sync.
	a.srv.PutContact(t, a.user, a.pass, "seed.vcf", vcard("seed", "Seed", "Contact"))
	a.srv.PutEvent(t, a.user, a.pass, "seed.ics", vevent("seed-ev", "Seed", time.Now()))
	m := newMemSyncer(a.client)
	s := session.New(session.Options{Client: a.client, Syncer: m, Heartbeat: fastPolicy})
	stop := runSession(t, s)
	defer stop()
	m.waitFor(t, 2, time.Minute) // initial sync: the seeds
	waitState(t, s, session.Waiting, time.Minute)
	time.Sleep(1100 * time.Millisecond) // SOGo's one-second SyncKeys (NOTES quirk 1)

	before := len(a.rec.log())
	a.srv.PutContact(t, a.user, a.pass, "pushed.vcf", vcard("pushed", "Pushed", "Change"))
	m.waitFor(t, 1, 30*time.Second)

	log := a.rec.log()[before-1:] // the Ping that was waiting, then what followed
	if log[0] != "Ping" {
		t.Fatalf("request waiting when the change was made: %q (log %v)", log[0], log)
	}
	if log[1] != "Sync" {
		t.Fatalf("after the Ping came %q, want Sync: %v", log[1], log)
	}
	contacts := m.folderOf(push.ClassContacts)
	if m.syncs[contacts] < 2 {
		t.Fatalf("contacts synced %d times", m.syncs[contacts])
	}
}

// Changes made while Cradle was stopped arrive after restart, because the
// session syncs from its stored keys before it Pings.
func TestSOGoChangesWhileStoppedArriveAfterRestart(t *testing.T) {
	a := newSOGoAccount(t)
	a.srv.PutContact(t, a.user, a.pass, "seed.vcf", vcard("seed", "Seed", "Contact"))
	a.srv.PutEvent(t, a.user, a.pass, "seed.ics", vevent("seed-ev", "Seed", time.Now()))
	m := newMemSyncer(a.client)
	s := session.New(session.Options{Client: a.client, Syncer: m, Heartbeat: fastPolicy})
	stop := runSession(t, s)
	m.waitFor(t, 2, time.Minute)
	waitState(t, s, session.Waiting, time.Minute)
	stop()

	for i := 0; i < 3; i++ {
		time.Sleep(1100 * time.Millisecond)
		a.srv.PutContact(t, a.user, a.pass, fmt.Sprintf("offline-%d.vcf", i), vcard(fmt.Sprintf("offline-%d", i), "Offline", fmt.Sprint(i)))
	}
	a.srv.PutEvent(t, a.user, a.pass, "offline.ics", vevent("offline-ev", "While stopped", time.Now().Add(24*time.Hour)))

	a.connect(t) // a new process: new client, same device and stored keys
	m.c = a.client
	s2 := session.New(session.Options{Client: a.client, Syncer: m, Heartbeat: fastPolicy})
	stop2 := runSession(t, s2)
	defer stop2()
	m.waitFor(t, 4, time.Minute)
	log := a.rec.log()
	if i := slices.Index(log, "Ping"); i >= 0 && i < slices.Index(log, "Sync") {
		t.Fatalf("pinged before syncing after restart: %v", log)
	}
}
