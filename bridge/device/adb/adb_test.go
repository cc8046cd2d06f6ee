package adb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/devicetest"
	"github.com/cradle-sync/cradle/internal/fakephone"
)

// rig is a fake phone connected to a real adb server, opened through the
// driver under test.
type rig struct {
	srv   *fakephone.ADBServer
	phone *fakephone.Phone
	drv   *Driver
	dev   device.Device
}

func newRig(t testing.TB, opts fakephone.Options) *rig {
	t.Helper()
	srv := fakephone.StartADBServer(t)
	phone, err := fakephone.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { phone.Close() })
	srv.Connect(t, phone.Addr())
	drv := New(srv.Addr, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dev, err := drv.Open(ctx, phone.Addr())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { dev.Close() })
	return &rig{srv: srv, phone: phone, drv: drv, dev: dev}
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// seedContact stores a contact the way Android's Contacts app does: a raw
// contact plus name, phone and e-mail data rows.
func seedContact(t testing.TB, p *fakephone.Provider, i int, note string) {
	t.Helper()
	id, err := p.Insert(fakephone.RawContactsURI, map[string]string{"account_type": "com.google", "sourceid": fmt.Sprint("g", i)})
	if err != nil {
		t.Fatal(err)
	}
	rid := fmt.Sprint(id)
	rows := []map[string]string{
		{"mimetype": mimeName, "data1": fmt.Sprintf("Given%03d Family", i), "data2": fmt.Sprintf("Given%03d", i), "data3": "Family"},
		{"mimetype": mimePhone, "data1": fmt.Sprintf("+49 30 %07d", i), "data2": "2"},
		{"mimetype": mimeEmail, "data1": fmt.Sprintf("p%03d@example.org", i), "data2": "1", "is_primary": "1"},
	}
	if note != "" {
		rows = append(rows, map[string]string{"mimetype": mimeNote, "data1": note})
	}
	for _, r := range rows {
		r["raw_contact_id"] = rid
		if _, err := p.Insert(fakephone.DataURI, r); err != nil {
			t.Fatal(err)
		}
	}
}

var base = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func seedEvent(t testing.TB, p *fakephone.Provider, i int) {
	t.Helper()
	start := base.Add(time.Duration(i) * 24 * time.Hour)
	id, err := p.Insert(fakephone.EventsURI, map[string]string{
		"calendar_id": "1", "title": fmt.Sprintf("Meeting %d, room=%d", i, i), "dtstart": fmt.Sprint(start.UnixMilli()),
		"dtend": fmt.Sprint(start.Add(time.Hour).UnixMilli()), "eventTimezone": "Europe/Berlin", "allDay": "0",
		"description": fmt.Sprintf("Agenda\nRow: %d item", i), "uid2445": fmt.Sprintf("ev-%d@example.org", i),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Insert(fakephone.RemindersURI, map[string]string{"event_id": fmt.Sprint(id), "minutes": "10", "method": "1"}); err != nil {
		t.Fatal(err)
	}
}

func TestListThroughRealServer(t *testing.T) {
	r := newRig(t, fakephone.Options{})
	for i := range 300 {
		note := ""
		if i%50 == 0 {
			note = fmt.Sprintf("likes ', \" and ; and\nnew lines, data2=%d", i)
		}
		seedContact(t, r.phone.Provider(), i, note)
	}
	for i := range 100 {
		seedEvent(t, r.phone.Provider(), i)
	}
	ctx := testCtx(t)

	cols, err := r.dev.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 2 || cols[0].Kind != device.Contacts || cols[1] != (device.Collection{ID: "calendar/1", Kind: device.Calendar, Name: "Phone"}) {
		t.Fatalf("collections = %+v", cols)
	}

	recs, err := r.dev.List(ctx, ContactsCollection)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 300 {
		t.Fatalf("listed %d contacts, want 300", len(recs))
	}
	seen := map[string]bool{}
	for _, rec := range recs {
		c, err := device.ParseContact(rec.Data)
		if err != nil {
			t.Fatal(err)
		}
		var i int
		if _, err := fmt.Sscanf(c.Name.Given, "Given%03d", &i); err != nil {
			t.Fatalf("record %s: given name %q", rec.Key, c.Name.Given)
		}
		if seen[c.Name.Given] {
			t.Fatalf("duplicate %s", c.Name.Given)
		}
		seen[c.Name.Given] = true
		if c.FormattedName != fmt.Sprintf("Given%03d Family", i) || c.Name.Family != "Family" {
			t.Errorf("contact %d: name %q / %+v", i, c.FormattedName, c.Name)
		}
		if len(c.Phones) != 1 || c.Phones[0].Value != fmt.Sprintf("+49 30 %07d", i) || !c.Phones[0].HasType("CELL") {
			t.Errorf("contact %d: phones %+v", i, c.Phones)
		}
		if len(c.Emails) != 1 || c.Emails[0].Value != fmt.Sprintf("p%03d@example.org", i) ||
			!c.Emails[0].HasType("HOME") || !c.Emails[0].HasType("PREF") {
			t.Errorf("contact %d: emails %+v", i, c.Emails)
		}
		wantNote := ""
		if i%50 == 0 {
			wantNote = fmt.Sprintf("likes ', \" and ; and\nnew lines, data2=%d", i)
		}
		if c.Note != wantNote {
			t.Errorf("contact %d: note %q, want %q", i, c.Note, wantNote)
		}
		if rec.UID != "" || rec.Hash != device.Hash(rec.Data) {
			t.Errorf("contact %d: uid %q hash %q", i, rec.UID, rec.Hash)
		}
	}

	evs, err := r.dev.List(ctx, "calendar/1")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 100 {
		t.Fatalf("listed %d events, want 100", len(evs))
	}
	for _, rec := range evs {
		it, err := device.ParseCalendarItem(rec.Data)
		if err != nil {
			t.Fatal(err)
		}
		var i int
		if _, err := fmt.Sscanf(it.UID, "ev-%d@example.org", &i); err != nil || rec.UID != it.UID {
			t.Fatalf("event uid %q / %q", it.UID, rec.UID)
		}
		start := base.Add(time.Duration(i) * 24 * time.Hour)
		if !it.Start.Equal(start) || !it.End.Equal(start.Add(time.Hour)) || it.TZID != "Europe/Berlin" {
			t.Errorf("event %d: %v–%v %q", i, it.Start, it.End, it.TZID)
		}
		if it.Summary != fmt.Sprintf("Meeting %d, room=%d", i, i) || it.Description != fmt.Sprintf("Agenda\nRow: %d item", i) {
			t.Errorf("event %d: %q %q", i, it.Summary, it.Description)
		}
		if len(it.Alarms) != 1 || it.Alarms[0] != 10*time.Minute {
			t.Errorf("event %d: alarms %v", i, it.Alarms)
		}
	}

	// Listing twice gives identical records.
	again, err := r.dev.List(ctx, ContactsCollection)
	if err != nil {
		t.Fatal(err)
	}
	if hashes(again) != hashes(recs) {
		t.Fatal("second listing differs")
	}
}

func hashes(recs []device.Record) string {
	var hs []string
	for _, r := range recs {
		hs = append(hs, r.Key+"="+r.Hash)
	}
	sort.Strings(hs)
	return strings.Join(hs, ",")
}

const newCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:card-1@example.org\r\nFN:Zoë O'Brien\r\nN:O'Brien;Zoë;;Dr.;\r\n" +
	"TEL;TYPE=CELL:+353 1 234\r\nTEL;TYPE=WORK,FAX:+353 1 999\r\nEMAIL;TYPE=WORK:zoe@example.ie\r\n" +
	"ADR;TYPE=HOME:;;1 Main St\\, Apt \"2\";Dublin;;D01;Ireland\r\nORG:Acme; Ltd\r\nTITLE:Boss\r\n" +
	"NOTE:semi\\; colon\\, comma\\nline two $HOME `x` \\\\ back\r\nBDAY:1980-01-31\r\nURL:https://example.ie/a?b=c&d\r\n" +
	"NICKNAME:Zo\r\nEND:VCARD\r\n"

func TestContactPutUpdateDelete(t *testing.T) {
	for _, opts := range []fakephone.Options{{}, {NoShellV2: true, SDK: 23}, {SDK: 29}} {
		t.Run(fmt.Sprintf("shellv2=%v,sdk=%d", !opts.NoShellV2, opts.SDK), func(t *testing.T) {
			r := newRig(t, opts)
			ctx := testCtx(t)
			want, err := device.ParseContact([]byte(newCard))
			if err != nil {
				t.Fatal(err)
			}
			key, err := r.dev.Put(ctx, ContactsCollection, "", []byte(newCard))
			if err != nil {
				t.Fatal(err)
			}
			got := listOne(t, r.dev, ContactsCollection, key)
			if got.UID != "card-1@example.org" {
				t.Errorf("uid = %q", got.UID)
			}
			c, _ := device.ParseContact(got.Data)
			if string(c.VCard()) != string(want.VCard()) {
				t.Errorf("read back:\n%s\nwant:\n%s", c.VCard(), want.VCard())
			}

			updated := strings.Replace(newCard, "TITLE:Boss", "TITLE:Chief", 1)
			updated = strings.Replace(updated, "TEL;TYPE=WORK,FAX:+353 1 999\r\n", "", 1)
			key2, err := r.dev.Put(ctx, ContactsCollection, key, []byte(updated))
			if err != nil || key2 != key {
				t.Fatalf("update: key %q err %v", key2, err)
			}
			c2, _ := device.ParseContact(listOne(t, r.dev, ContactsCollection, key).Data)
			if c2.Title != "Chief" || len(c2.Phones) != 1 {
				t.Errorf("after update: title %q phones %+v", c2.Title, c2.Phones)
			}
			if n := len(r.phone.Provider().Rows(fakephone.DataURI, map[string]string{"raw_contact_id": key})); n != 9 {
				t.Errorf("data rows after update = %d, want 9 (old rows replaced)", n)
			}

			if err := r.dev.Delete(ctx, ContactsCollection, key); err != nil {
				t.Fatal(err)
			}
			if recs, _ := r.dev.List(ctx, ContactsCollection); len(recs) != 0 {
				t.Fatalf("after delete: %d contacts", len(recs))
			}
			if err := r.dev.Delete(ctx, ContactsCollection, key); !errors.Is(err, device.ErrNotFound) {
				t.Fatalf("second delete: %v, want ErrNotFound", err)
			}
			if _, err := r.dev.Put(ctx, ContactsCollection, key, []byte(newCard)); !errors.Is(err, device.ErrNotFound) {
				t.Fatalf("update of deleted: %v, want ErrNotFound", err)
			}
		})
	}
}

func listOne(t *testing.T, dev device.Device, coll, key string) device.Record {
	t.Helper()
	recs, err := dev.List(testCtx(t), coll)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("key %s not listed among %d", key, len(recs))
	return device.Record{}
}

const newEvent = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:ev-new@example.org\r\n" +
	"DTSTART;TZID=Europe/Berlin:20260410T090000\r\nDTEND;TZID=Europe/Berlin:20260410T103000\r\n" +
	"SUMMARY:Stand-up\\; daily 'ish'\r\nLOCATION:Room \"7\"\r\nDESCRIPTION:a\\nb\\, c\r\n" +
	"RRULE:FREQ=WEEKLY;BYDAY=FR\r\nEXDATE:20260417T070000Z\r\n" +
	"ATTENDEE;CN=Ann;ROLE=OPT-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:ann@example.org\r\n" +
	"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func TestEventPutUpdateDelete(t *testing.T) {
	for _, sdk := range []int{33, 29} {
		t.Run(fmt.Sprint("sdk=", sdk), func(t *testing.T) { testEventPutUpdateDelete(t, sdk) })
	}
}

func testEventPutUpdateDelete(t *testing.T, sdk int) {
	r := newRig(t, fakephone.Options{SDK: sdk})
	ctx := testCtx(t)
	key, err := r.dev.Put(ctx, "calendar/1", "", []byte(newEvent))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := device.ParseCalendarItem([]byte(newEvent))
	got, _ := device.ParseCalendarItem(listOne(t, r.dev, "calendar/1", key).Data)
	// Recurring events come back with a DURATION, as Android stores them.
	want.Duration, want.End = want.End.Sub(want.Start), time.Time{}
	if string(got.ICalendar()) != string(want.ICalendar()) {
		t.Errorf("read back:\n%s\nwant:\n%s", got.ICalendar(), want.ICalendar())
	}

	single := strings.Replace(newEvent, "RRULE:FREQ=WEEKLY;BYDAY=FR\r\n", "", 1)
	single = strings.Replace(single, "TRIGGER:-PT15M", "TRIGGER:-PT1H", 1)
	// Phones before API 30 cannot bind NULL, so the event is replaced
	// and its key changes.
	k, err := r.dev.Put(ctx, "calendar/1", key, []byte(single))
	if err != nil || (k == key) != (sdk >= 30) {
		t.Fatalf("update: key %q (was %q) %v", k, key, err)
	}
	key = k
	got, _ = device.ParseCalendarItem(listOne(t, r.dev, "calendar/1", key).Data)
	if got.RRule != "" || got.End.Sub(got.Start) != 90*time.Minute || len(got.Alarms) != 1 || got.Alarms[0] != time.Hour {
		t.Errorf("after update: rrule %q span %v alarms %v", got.RRule, got.End.Sub(got.Start), got.Alarms)
	}

	allDay := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Holiday\r\nDTSTART;VALUE=DATE:20260501\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	k2, err := r.dev.Put(ctx, "calendar/1", "", []byte(allDay))
	if err != nil {
		t.Fatal(err)
	}
	ad, _ := device.ParseCalendarItem(listOne(t, r.dev, "calendar/1", k2).Data)
	if !ad.AllDay || ad.Start.Format("20060102") != "20260501" || ad.End.Sub(ad.Start) != 24*time.Hour || ad.UID == "" {
		t.Errorf("all-day read back: %+v", ad)
	}

	if err := r.dev.Delete(ctx, "calendar/1", key); err != nil {
		t.Fatal(err)
	}
	if n := len(r.phone.Provider().Rows(fakephone.RemindersURI, map[string]string{"event_id": key})); n != 0 {
		t.Errorf("reminders left after delete: %d", n)
	}
	if err := r.dev.Delete(ctx, "calendar/1", key); !errors.Is(err, device.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := r.dev.List(ctx, "calendar/99x"); !errors.Is(err, device.ErrNotFound) {
		t.Fatalf("bad collection: %v", err)
	}
}

// TestTruncatedIntegers: phones before Android 8 print INTEGER columns
// through getInt; the driver must refuse such times rather than list
// events in 1970.
func TestTruncatedIntegers(t *testing.T) {
	r := newRig(t, fakephone.Options{})
	if _, err := r.phone.Provider().Insert(fakephone.EventsURI, map[string]string{"calendar_id": "1", "title": "x",
		"dtstart": "-1553446912", "dtend": "-1549846912", "eventTimezone": "UTC"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.dev.List(testCtx(t), "calendar/1"); !errors.Is(err, device.ErrUnsupported) {
		t.Fatalf("list: %v, want ErrUnsupported", err)
	}
}

func TestProviderErrorIsReported(t *testing.T) {
	r := newRig(t, fakephone.Options{})
	ctx := testCtx(t)
	// The fake, like Android, rejects an event in a calendar that does
	// not exist with an exception on stderr and exit status 0.
	_, err := r.dev.Put(ctx, "calendar/42", "", []byte(newEvent))
	if err == nil || !strings.Contains(err.Error(), "Error while accessing provider") {
		t.Fatalf("err = %v", err)
	}
}

func TestConformance(t *testing.T) {
	r := newRig(t, fakephone.Options{})
	t.Run("contacts", func(t *testing.T) { devicetest.Run(t, r.dev, ContactsCollection, device.Contacts) })
	t.Run("calendar", func(t *testing.T) { devicetest.Run(t, r.dev, "calendar/1", device.Calendar) })
}
