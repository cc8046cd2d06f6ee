package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/event"
	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
	"github.com/cradle-sync/cradle/internal/sogotest"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/schema"
)

func itemsIn(t *testing.T, dir string) map[string]*event.Item {
	t.Helper()
	out := map[string]*event.Item{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".ics") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		doc, err := ical.Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		items, _ := event.Items(doc, e.Name())
		for _, it := range items {
			if it.Kind == "VEVENT" {
				out[it.UID] = it
			}
		}
	}
	return out
}

// summary is the SUMMARY of an item's master, or of its first override
// when the master is absent.
func summary(it *event.Item) string { return it.Components()[0].Value("SUMMARY") }

// A sample of real-world events pushed to SOGo by one installation arrive
// at a second one with the same occurrences (UTC instants over two years)
// and summaries.
func TestLiveCorpusEventsRoundTripThroughSOGo(t *testing.T) {
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	srv.PutContact(t, user, pass, "seed.vcf", vcard("seed", "Seed", "Contact", ""))
	src := filepath.Join(t.TempDir(), "a")
	os.MkdirAll(src, 0o700)
	corpus := "../../formats/testdata/corpus/ical"
	ents, _ := os.ReadDir(corpus)
	n := 0
	uids := map[string]bool{}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".ics") || strings.HasPrefix(e.Name(), "malformed") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(corpus, e.Name()))
		doc, err := ical.Read(bytes.NewReader(b))
		if err != nil {
			continue
		}
		items, problems := event.Items(doc, e.Name())
		// One event per file keeps a vdir item per file.
		// Overrides without their master are included: they travel as a
		// series of their own.
		if len(items) != 1 || len(problems) > 0 || items[0].Kind != "VEVENT" || strings.Contains(items[0].UID, "#") {
			continue
		}
		if uids[items[0].UID] {
			continue // some corpus files share a UID; a calendar holds one of them
		}
		if strings.Contains(items[0].UID, "/") {
			// SOGo names a calendar object after its UID and cannot
			// store one containing '/': it answers the Add with a
			// ServerId but keeps no object. Not Cradle's to fix.
			continue
		}
		uids[items[0].UID] = true
		os.WriteFile(filepath.Join(src, e.Name()), b, 0o600)
		n++
	}
	a := openInstall(t, srv, user, pass, "vevent%2Fpersonal", src)
	if err := a.SyncOnce(context.Background(), ""); err != nil {
		t.Fatalf("push the corpus: %v", err)
	}
	if got := len(srv.ListEvents(t, user, pass)); got != n {
		t.Fatalf("server has %d events, want the %d corpus events", got, n)
	}
	dst := filepath.Join(t.TempDir(), "b")
	b := openInstall(t, srv, user, pass, "vevent%2Fpersonal", dst)
	if err := b.SyncOnce(context.Background(), ""); err != nil {
		t.Fatalf("pull: %v", err)
	}
	orig, back := itemsIn(t, src), itemsIn(t, dst)
	from := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	same := 0
	diverged := map[string]string{}
	for uid, o := range orig {
		g := back[uid]
		if g == nil {
			t.Errorf("%s did not come back", uid)
			continue
		}
		if summary(o) != summary(g) {
			t.Errorf("%s: summary %q came back %q", uid, summary(o), summary(g))
		}
		oo, err1 := event.Occurrences(o, event.Options{}, from, to)
		go_, err2 := event.Occurrences(g, event.Options{}, from, to)
		if err1 != nil || err2 != nil {
			t.Errorf("%s: expand: %v %v", uid, err1, err2)
			continue
		}
		if len(oo) != len(go_) {
			diverged[uid] = fmt.Sprintf("%d occurrences, came back with %d", len(oo), len(go_))
			continue
		}
		ok := true
		for i := range oo {
			if !oo[i].Start.Equal(go_[i].Start) || !oo[i].End.Equal(go_[i].End) {
				diverged[uid] = fmt.Sprintf("occurrence %d %v–%v came back %v–%v", i, oo[i].Start, oo[i].End, go_[i].Start, go_[i].End)
				ok = false
				break
			}
		}
		if ok {
			same++
		}
	}
	t.Logf("%d of %d corpus events identical after the round trip", same, len(orig))
	for uid, why := range diverged {
		if reason, known := knownEventDivergences[uid]; known {
			t.Logf("known divergence %s: %s (%s)", uid, why, reason)
			continue
		}
		t.Errorf("%s changed on the way through SOGo: %s", uid, why)
	}
	for uid := range knownEventDivergences {
		if _, still := diverged[uid]; !still {
			t.Errorf("%s now round-trips: remove it from knownEventDivergences", uid)
		}
	}
}

// knownEventDivergences are corpus events that do not yet come back
// identical through SOGo. The list only shrinks: the test fails when an
// entry starts to round-trip, and for any event not listed. Each reason
// names the cause; TestLiveSOGoStoresEASEventsInTheAccountZone reproduces
// the SOGo ones.
var knownEventDivergences = map[string]string{
	"d_rdate": "RDATE has no ActiveSync form: kept in the sender's file (reported kept-locally by event.ToEAS), " +
		"absent on the second installation",
	"812dae9d-4114-45c1-ba5b-4ee34756ab47": "SOGo 5.8: Add with Calendar:Timezone=Romance Standard Time (-60, DST 3/last-Sun 02:00, " +
		"STD 10/last-Sun 03:00), StartTime 20171009T183000Z, weekly Monday rule and Deleted exceptions at 20171023T183000Z and " +
		"20171030T193000Z is stored as DTSTART;TZID=Etc/UTC:20171009T183000 (the account's SOGoTimeZone, the blob is " +
		"ignored) with only EXDATE:20171023T183000Z: SOGo keeps a deleted exception only when its UTC time of day equals " +
		"DTSTART's, so the 5 winter EXDATEs are dropped (even with the account in Europe/Paris). No EAS encoding avoids it",
	"BFE33ADD-5553-48B5-B5A5-F9DA5CA4C393": "SOGo 5.8 ignores Calendar:Timezone: the Europe/Zurich weekday series (W. Europe " +
		"Standard Time blob, StartTime 20161028T120000Z) is stored as DTSTART;TZID=Etc/UTC:20161028T120000, so every " +
		"occurrence after the October DST change comes back an hour early (13:00 CET). Exact when the account's SOGo " +
		"time zone is Europe/Zurich (proved live)",
}

// sogoCalendar talks EAS to the SOGo calendar of one user as one device,
// with nothing of Cradle's between the test and the wire but the schema.
type sogoCalendar struct {
	c      *easclient.Client
	folder string
	key    string
}

func openSOGoCalendar(t *testing.T, srv *sogotest.Server, user, pass, device string) *sogoCalendar {
	t.Helper()
	c, err := easclient.New(easclient.Config{URL: srv.EASURL(), User: user, DeviceID: device,
		Auth: easclient.BasicAuth(user, pass)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fr, err := c.FolderSync(ctx, "0")
	if err != nil {
		t.Fatalf("FolderSync: %v", err)
	}
	s := &sogoCalendar{c: c}
	for _, f := range fr.Changes.Add {
		if f.ServerID == "vevent%2Fpersonal" {
			s.folder = f.ServerID
		}
	}
	if s.folder == "" {
		t.Fatal("no personal calendar in FolderSync")
	}
	r, err := c.Sync(ctx, &push.SyncRequest{Collections: []push.SyncCollection{{SyncKey: "0", CollectionID: s.folder}}})
	if err != nil || len(r.Collections) != 1 {
		t.Fatalf("initial Sync: %v %+v", err, r)
	}
	s.key = r.Collections[0].SyncKey
	return s
}

// add sends one Add and returns the ServerId SOGo gave the event.
func (s *sogoCalendar) add(t *testing.T, e *schema.Event) string {
	t.Helper()
	d, err := push.NewItemData(e)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.c.Sync(context.Background(), &push.SyncRequest{Collections: []push.SyncCollection{{SyncKey: s.key, CollectionID: s.folder,
		Commands: &push.SyncCommands{Add: []push.SyncAdd{{ClientID: "c1", ApplicationData: d}}}}}})
	if err != nil || len(r.Collections) != 1 || r.Collections[0].Responses == nil || len(r.Collections[0].Responses.Add) != 1 {
		t.Fatalf("Add: %v %+v", err, r)
	}
	s.key = r.Collections[0].SyncKey
	return r.Collections[0].Responses.Add[0].ServerID
}

// pull returns every event the server sends this device.
func (s *sogoCalendar) pull(t *testing.T) []schema.Event {
	t.Helper()
	r, err := s.c.Sync(context.Background(), &push.SyncRequest{Collections: []push.SyncCollection{{SyncKey: s.key, CollectionID: s.folder,
		Options: &push.SyncOptions{BodyPreference: []push.BodyPreference{{Type: 1}}}}}})
	if err != nil || len(r.Collections) != 1 {
		t.Fatalf("Sync: %v %+v", err, r)
	}
	s.key = r.Collections[0].SyncKey
	var out []schema.Event
	if r.Collections[0].Commands != nil {
		for _, a := range r.Collections[0].Commands.Add {
			var e schema.Event
			if err := a.ApplicationData.Decode(&e); err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
	}
	return out
}

// setSOGoTimeZone sets the account's time zone preference (what a user
// picks in SOGo's web preferences), which SOGo 5.8 stores every event
// received over EAS in.
func setSOGoTimeZone(t *testing.T, srv *sogotest.Server, user, zone string) {
	t.Helper()
	pgPort := os.Getenv("PG_PORT")
	if pgPort == "" {
		pgPort = "25432"
	}
	sql := fmt.Sprintf(`INSERT INTO sogo_user_profile (c_uid, c_defaults) VALUES ('%s', '{"SOGoTimeZone":"%s"}')
		ON CONFLICT (c_uid) DO UPDATE SET c_defaults = EXCLUDED.c_defaults;`, user, zone)
	cmd := exec.Command("psql", "-h", srv.PeerDir+"/run/pg", "-p", pgPort, "-U", "sogo", "-d", "sogo", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("set SOGo time zone: %v: %s", err, out)
	}
}

func corpusEvent(t *testing.T, file string, v event.Version) (*event.Item, *schema.Event) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../formats/testdata/corpus/ical", file))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ical.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	items, _ := event.Items(doc, file)
	e, _, err := event.ToEAS(items[0], event.Options{Version: v})
	if err != nil {
		t.Fatal(err)
	}
	return items[0], e
}

// SOGo 5.8 ignores Calendar:Timezone (its iCalEvent+ActiveSync.m reads the
// account's SOGoTimeZone preference instead) and keeps a deleted exception
// only when its UTC time of day equals DTSTART's. Cradle sends the
// corpus's Europe/Paris series correctly (a Romance Standard Time blob with
// both transitions, exceptions at each occurrence's own UTC instant); this
// test pins down what SOGo makes of it, and that the series comes back
// exact once the account's zone matches the event's and no exception
// crosses a DST change.
func TestLiveSOGoStoresEASEventsInTheAccountZone(t *testing.T) {
	srv := sogotest.Start(t)
	_, e := corpusEvent(t, "thunderbird-recurrence-exdate.ics", event.V141)
	// The proof needs the request to be right: the blob Cradle sends
	// says +01:00 in winter and +02:00 in summer.
	z, err := tz.FromTimeZone(*e.TimeZone, 2017)
	if err != nil {
		t.Fatalf("Cradle's blob for Europe/Paris does not resolve: %v", err)
	}
	for month, want := range map[time.Month]int{time.January: 3600, time.July: 7200} {
		if _, off := time.Date(2017, month, 15, 12, 0, 0, 0, z.Loc).Zone(); off != want {
			t.Fatalf("Cradle's blob gives %s 2017 offset %d, want %d", month, off, want)
		}
	}
	for _, tc := range []struct {
		zone, tzid string
	}{{"UTC", "Etc/UTC"}, {"Europe/Paris", "Europe/Paris"}} {
		t.Run(tc.zone, func(t *testing.T) {
			user, pass := srv.NewUser(t)
			setSOGoTimeZone(t, srv, user, tc.zone)
			cal := openSOGoCalendar(t, srv, user, pass, "proofa"+user[1:9])
			id := cal.add(t, e)
			stored, ok := srv.GetEvent(t, user, pass, id+".ics")
			if !ok {
				t.Fatalf("SOGo kept no object for ServerId %s", id)
			}
			if want := "DTSTART;TZID=" + tc.tzid + ":"; !strings.Contains(stored, want) {
				t.Errorf("SOGo stored DTSTART in another zone than the account's %s:\n%s", tc.zone, stored)
			}
			// 20171023T183000Z shares DTSTART's UTC time of day (CEST);
			// 20171030T193000Z is the same 20:30 Paris occurrence after
			// the October change (CET) and is silently dropped.
			if !strings.Contains(stored, "EXDATE:20171023T183000Z") || strings.Contains(stored, "20171030T193000Z") {
				t.Errorf("SOGo's handling of deleted exceptions changed:\n%s", stored)
			}
		})
	}
	// The workaround for users: with the account in the event's zone, a
	// series without cross-DST exceptions comes back exactly.
	user, pass := srv.NewUser(t)
	setSOGoTimeZone(t, srv, user, "Europe/Zurich")
	it, e2 := corpusEvent(t, "google-x-apple-structured-location.ics", event.V141)
	a := openSOGoCalendar(t, srv, user, pass, "proofb"+user[1:9])
	a.add(t, e2)
	b := openSOGoCalendar(t, srv, user, pass, "proofc"+user[1:9])
	got := b.pull(t)
	if len(got) != 1 {
		t.Fatalf("second device got %d events", len(got))
	}
	back, _, err := event.FromEAS(&got[0], nil, event.Options{})
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	want, _ := event.Occurrences(it, event.Options{}, from, to)
	have, _ := event.Occurrences(back, event.Options{}, from, to)
	if len(want) != len(have) {
		t.Fatalf("%d occurrences came back as %d", len(want), len(have))
	}
	for i := range want {
		if !want[i].Start.Equal(have[i].Start) {
			t.Fatalf("occurrence %d %v came back %v", i, want[i].Start, have[i].Start)
		}
	}
}

// SOGo 5.8 stores an EAS monthly rule faithfully (DayOfMonth becomes
// BYMONTHDAY, Interval INTERVAL) but answers it as a bare
// <Recurrence><Type>2</Type></Recurrence>: its encoder has no branch for a
// positive BYMONTHDAY and never writes Interval for monthly or yearly
// rules. event.FromEAS takes the missing day from StartTime, so an
// every-month rule survives; an every-other-month one comes back monthly,
// which no client can repair from the response. This test pins that down.
func TestLiveSOGoAnswersMonthlyRulesWithoutPattern(t *testing.T) {
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	start := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	uid, subj := "monthly-every-2", "Every other month"
	e := &schema.Event{UID: &uid, Subject: &subj, StartTime: schema.NewEventTime(start), EndTime: schema.NewEventTime(start.Add(time.Hour)),
		Recurrence: &schema.Recurrence{Type: schema.RecurMonthly, Interval: ptr(2), DayOfMonth: ptr(15)}}
	a := openSOGoCalendar(t, srv, user, pass, "montha"+user[1:9])
	id := a.add(t, e)
	stored, _ := srv.GetEvent(t, user, pass, id+".ics")
	if !strings.Contains(stored, "RRULE:FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15") {
		t.Errorf("SOGo stored the rule differently:\n%s", stored)
	}
	got := openSOGoCalendar(t, srv, user, pass, "monthb"+user[1:9]).pull(t)
	if len(got) != 1 || got[0].Recurrence == nil {
		t.Fatalf("second device got %+v", got)
	}
	r := got[0].Recurrence
	if r.Type != schema.RecurMonthly || r.Interval != nil || r.DayOfMonth != nil {
		t.Errorf("SOGo's monthly Recurrence is now %+v: revisit event.impliedRecurrence and this test", r)
	}
	back, _, err := event.FromEAS(&got[0], nil, event.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rule := back.Master.Value("RRULE"); rule != "FREQ=MONTHLY;BYMONTHDAY=15" {
		t.Errorf("read back as %q", rule)
	}
}

func ptr[T any](v T) *T { return &v }
