package event_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/event"
	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/schema"
)

// calendarOn16 is one device's view of the in-process server's calendar on
// EAS 16.1.
type calendarOn16 struct {
	c   *easclient.Client
	key string
}

func openCalendarOn16(t *testing.T, srv *eastest.Server) *calendarOn16 {
	t.Helper()
	c, err := easclient.New(easclient.Config{URL: srv.URL, User: "u", DeviceID: "cradle16", Version: push.Version161,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FolderSync(context.Background(), "0"); err != nil {
		t.Fatal(err)
	}
	cal := &calendarOn16{c: c, key: "0"}
	cal.sync(t, nil)
	return cal
}

func (cal *calendarOn16) sync(t *testing.T, cmds *push.SyncCommands) *push.SyncCollectionResult {
	t.Helper()
	r, err := cal.c.Sync(context.Background(), &push.SyncRequest{Collections: []push.SyncCollection{{
		SyncKey: cal.key, CollectionID: "calendar", Commands: cmds}}})
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	col := r.Collection("calendar")
	if col == nil || col.Err() != nil {
		t.Fatalf("Sync: %+v", r)
	}
	cal.key = col.SyncKey
	return col
}

// On 16.1 a moved occurrence travels with its InstanceId; when the server
// adds the reply time and the online meeting links (as Exchange does once
// a Teams meeting exists), they land in the local file, and the local
// edit that follows goes back without them, as MS-ASCAL requires.
func TestServerSetFieldsThroughEAS161(t *testing.T) {
	const src = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:sync-161\r\nDTSTART;TZID=Europe/Berlin:20260302T090000\r\n" +
		"DTEND;TZID=Europe/Berlin:20260302T093000\r\nSUMMARY:Standup\r\nRRULE:FREQ=DAILY;COUNT=5\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:sync-161\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260304T090000\r\n" +
		"DTSTART;TZID=Europe/Berlin:20260304T110000\r\nDTEND;TZID=Europe/Berlin:20260304T113000\r\nSUMMARY:Standup (late)\r\n" +
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
	doc, err := ical.Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	items, _ := event.Items(doc, "sync-161.ics")
	local := items[0]
	opts := event.Options{Version: event.V161}
	srv := eastest.Start(t, eastest.Config{})
	cal := openCalendarOn16(t, srv)

	e, _, err := event.ToEAS(local, opts)
	if err != nil {
		t.Fatal(err)
	}
	data, err := push.NewItemData(e)
	if err != nil {
		t.Fatal(err)
	}
	col := cal.sync(t, &push.SyncCommands{Add: []push.SyncAdd{{ClientID: "1", ApplicationData: data}}})
	if col.Responses == nil || len(col.Responses.Add) != 1 || col.Responses.Add[0].ServerID == "" {
		t.Fatalf("Add: %+v", col.Responses)
	}
	id := col.Responses.Add[0].ServerID

	// The server fills in what only it knows.
	var stored schema.Event
	if err := srv.Items("calendar")[id].Decode(&stored); err != nil {
		t.Fatal(err)
	}
	if stored.Exceptions == nil || len(stored.Exceptions.Exception) != 1 || stored.Exceptions.Exception[0].InstanceID == nil {
		t.Fatalf("16.1 Add carried exceptions %+v, want one with an InstanceId", stored.Exceptions)
	}
	ext, conf := "https://teams.example.test/l/meetup-join/abc", "sip:alice@example.test;gruu;opaque=app:conf:focus:id:abc"
	stored.AppointmentReplyTime = schema.NewEventTime(time.Date(2026, 2, 27, 16, 0, 0, 0, time.UTC))
	stored.OnlineMeetingExternalLink, stored.OnlineMeetingConfLink = &ext, &conf
	changed, err := push.NewItemData(&stored)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ChangeItem("calendar", id, changed); err != nil {
		t.Fatal(err)
	}
	col = cal.sync(t, nil)
	if col.Commands == nil || len(col.Commands.Change) != 1 {
		t.Fatalf("server change not delivered: %+v", col.Commands)
	}
	var got schema.Event
	if err := col.Commands.Change[0].ApplicationData.Decode(&got); err != nil {
		t.Fatal(err)
	}
	merged, _, err := event.FromEAS(&got, local, opts)
	if err != nil {
		t.Fatal(err)
	}
	master := strings.NewReplacer("\r\n ", "").Replace(merged.Master.String())
	for _, want := range []string{"X-MICROSOFT-CDO-REPLYTIME:20260227T160000Z", "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK:" + ext,
		"CONFERENCE;VALUE=URI:" + ext, `X-MICROSOFT-ONLINEMEETINGCONFLINK:sip:alice@example.test\;gruu`} {
		if !strings.Contains(master, want) {
			t.Errorf("merged master lacks %q:\n%s", want, master)
		}
	}
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	before, _ := event.Occurrences(local, opts, from, to)
	after, _ := event.Occurrences(merged, opts, from, to)
	if len(before) != 5 || len(after) != len(before) {
		t.Fatalf("%d occurrences before, %d after", len(before), len(after))
	}
	for i := range before {
		if !before[i].Start.Equal(after[i].Start) {
			t.Errorf("occurrence %d moved from %v to %v", i, before[i].Start, after[i].Start)
		}
	}

	// A local edit goes back as a whole item without the server's fields.
	merged.Master.Prop("SUMMARY").SetText("Standup v2")
	e2, _, err := event.ToEAS(merged, opts)
	if err != nil {
		t.Fatal(err)
	}
	data2, err := push.NewItemData(e2)
	if err != nil {
		t.Fatal(err)
	}
	if empty := data2.EmptyElements(); len(empty) > 0 {
		t.Fatalf("16.1 Change has empty elements %v", empty)
	}
	cal.sync(t, &push.SyncCommands{Change: []push.SyncChange{{ServerID: id, ApplicationData: data2}}})
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	if last.Command != "Sync" || !strings.Contains(last.XML, "Standup v2") {
		t.Fatalf("last request %s: %s", last.Command, last.XML)
	}
	for _, banned := range []string{"AppointmentReplyTime", "OnlineMeetingConfLink", "OnlineMeetingExternalLink"} {
		if strings.Contains(last.XML, banned) {
			t.Errorf("the Change carries %s, which a request must not:\n%s", banned, last.XML)
		}
	}
}

// Overrides without their master cross EAS 16.1 as one series whose
// exceptions are named by InstanceId; a second device gets the same
// occurrences, and a server-side change to one occurrence reaches just
// that override in the first device's file.
func TestOrphanOverridesThroughEAS161(t *testing.T) {
	const src = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
		"BEGIN:VEVENT\r\nUID:orphans-161\r\nRECURRENCE-ID;TZID=America/New_York:20260305T090000\r\n" +
		"DTSTART;TZID=America/New_York:20260305T090000\r\nDTEND;TZID=America/New_York:20260305T100000\r\nSUMMARY:Sync\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:orphans-161\r\nRECURRENCE-ID;TZID=America/New_York:20260312T090000\r\n" +
		"DTSTART;TZID=America/New_York:20260312T113000\r\nDTEND;TZID=America/New_York:20260312T123000\r\nSUMMARY:Sync (late)\r\n" +
		"X-KEEP:me\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	doc, err := ical.Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	items, _ := event.Items(doc, "orphans-161.ics")
	local := items[0]
	opts := event.Options{Version: event.V161}
	srv := eastest.Start(t, eastest.Config{})
	cal := openCalendarOn16(t, srv)
	e, _, err := event.ToEAS(local, opts)
	if err != nil {
		t.Fatal(err)
	}
	data, err := push.NewItemData(e)
	if err != nil {
		t.Fatal(err)
	}
	col := cal.sync(t, &push.SyncCommands{Add: []push.SyncAdd{{ClientID: "1", ApplicationData: data}}})
	if col.Responses == nil || len(col.Responses.Add) != 1 {
		t.Fatalf("Add: %+v", col.Responses)
	}
	id := col.Responses.Add[0].ServerID

	// A second device sees the same two occurrences (across the US DST
	// change on 8 March).
	c2, err := easclient.New(easclient.Config{URL: srv.URL, User: "u", DeviceID: "phone16", Version: push.Version161,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.FolderSync(context.Background(), "0"); err != nil {
		t.Fatal(err)
	}
	phone := &calendarOn16{c: c2, key: "0"}
	phone.sync(t, nil)
	col = phone.sync(t, nil)
	if col.Commands == nil || len(col.Commands.Add) != 1 {
		t.Fatalf("second device got %+v", col.Commands)
	}
	var got schema.Event
	if err := col.Commands.Add[0].ApplicationData.Decode(&got); err != nil {
		t.Fatal(err)
	}
	other, _, err := event.FromEAS(&got, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	want, _ := event.Occurrences(local, opts, from, to)
	have, _ := event.Occurrences(other, opts, from, to)
	if len(want) != 2 || len(have) != 2 || !want[0].Start.Equal(have[0].Start) || !want[1].Start.Equal(have[1].Start) {
		t.Fatalf("occurrences %v came to the other device as %v", want, have)
	}

	// The phone renames the second occurrence on the server.
	for i, x := range got.Exceptions.Exception {
		if x.Subject != nil && *x.Subject == "Sync (late)" {
			s := "Sync (late, room 4)"
			got.Exceptions.Exception[i].Subject = &s
		}
	}
	changed, err := push.NewItemData(&got)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ChangeItem("calendar", id, changed); err != nil {
		t.Fatal(err)
	}
	col = cal.sync(t, nil)
	if col.Commands == nil || len(col.Commands.Change) != 1 {
		t.Fatalf("change not delivered: %+v", col.Commands)
	}
	var back schema.Event
	if err := col.Commands.Change[0].ApplicationData.Decode(&back); err != nil {
		t.Fatal(err)
	}
	merged, _, err := event.FromEAS(&back, local, opts)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Master != nil || len(merged.Overrides) != 2 {
		t.Fatalf("merged into %v master, %d overrides", merged.Master != nil, len(merged.Overrides))
	}
	if a, b := merged.Overrides[0].String(), local.Overrides[0].String(); a != b {
		t.Errorf("untouched override rewritten:\n%s", a)
	}
	o := merged.Overrides[1]
	if o.Prop("SUMMARY").Text() != "Sync (late, room 4)" || o.Value("X-KEEP") != "me" || o.Value("DTSTART") != "20260312T113000" {
		t.Errorf("changed override:\n%s", o)
	}
}
