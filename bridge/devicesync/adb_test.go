package devicesync

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/adb"
	"github.com/cradle-sync/cradle/internal/fakephone"
)

// seedPhoneContact stores a contact as Android's Contacts app does: a raw
// contact with name, phone and e-mail data rows.
func seedPhoneContact(t testing.TB, p *fakephone.Provider, i int) {
	t.Helper()
	id, err := p.Insert(fakephone.RawContactsURI, map[string]string{"account_type": "com.google", "sourceid": fmt.Sprint("g", i)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []map[string]string{
		{"mimetype": "vnd.android.cursor.item/name", "data1": fmt.Sprintf("Phone%03d Family", i), "data2": fmt.Sprintf("Phone%03d", i), "data3": "Family"},
		{"mimetype": "vnd.android.cursor.item/phone_v2", "data1": fmt.Sprintf("+49 30 %07d", i), "data2": "2"},
		{"mimetype": "vnd.android.cursor.item/email_v2", "data1": fmt.Sprintf("p%03d@example.org", i), "data2": "1"},
	} {
		r["raw_contact_id"] = fmt.Sprint(id)
		if _, err := p.Insert(fakephone.DataURI, r); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAndroidThroughRealADBServer reconciles 150 phone contacts and 150
// local ones through the real adb server and the fake phone.
func TestAndroidThroughRealADBServer(t *testing.T) {
	srv := fakephone.StartADBServer(t)
	phone, err := fakephone.Start(fakephone.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { phone.Close() })
	srv.Connect(t, phone.Addr())
	ctx := testCtx(t)
	dev, err := adb.New(srv.Addr, nil).Open(ctx, phone.Addr())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { dev.Close() })

	const half = 150
	for i := range half {
		seedPhoneContact(t, phone.Provider(), i)
	}
	p, v := newPairing(t, dev, adb.ContactsCollection)
	for i := range half {
		uid := fmt.Sprintf("local-%03d@example.org", i)
		if _, err := v.Create(ctx, uid, []byte(cardText(uid, fmt.Sprintf("Local%03d", i), fmt.Sprintf("+44 20 %07d", i)))); err != nil {
			t.Fatal(err)
		}
	}

	res := syncOK(t, p)
	if res.LocalCreated != half || res.DeviceCreated != half || res.Matched != 0 || len(res.Conflicts) != 0 {
		t.Fatalf("first sync: %+v", res)
	}
	local, names := localCards(t, v), deviceNames(t, dev, adb.ContactsCollection)
	if len(local) != 2*half || len(names) != 2*half {
		t.Fatalf("local %d, phone %d contacts; want %d each", len(local), len(names), 2*half)
	}
	for i := range half {
		if _, ok := local[fmt.Sprintf("Phone%03d Family", i)]; !ok {
			t.Fatalf("phone contact %d missing locally", i)
		}
		if _, ok := names[fmt.Sprintf("Local%03d", i)]; !ok {
			t.Fatalf("local contact %d missing on the phone", i)
		}
	}
	if res := syncOK(t, p); res.Changed() || res.Matched != 0 {
		t.Fatalf("second sync: %+v", res)
	}
	// An edit on the phone reaches the local card; a local deletion
	// reaches the phone.
	key := names["Local007"]
	if _, err := dev.Put(ctx, adb.ContactsCollection, key, []byte(cardText("local-007@example.org", "Local007", "+44 20 7654321"))); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalUpdated != 1 || res.DeviceUpdated != 0 || len(res.Conflicts) != 0 {
		t.Fatalf("phone edit: %+v", res)
	}
	if got := localCards(t, v)["Local007"]; !strings.Contains(got, "7654321") {
		t.Fatalf("phone edit not merged:\n%s", got)
	}
	es, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.UID == "local-008@example.org" {
			if err := v.Delete(ctx, e.Href, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	if res := syncOK(t, p); res.DeviceDeleted != 1 || res.LocalDeleted != 0 {
		t.Fatalf("local delete: %+v", res)
	}
	if _, ok := deviceNames(t, dev, adb.ContactsCollection)["Local008"]; ok {
		t.Fatal("deleted contact still on the phone")
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
	// Android keeps UIDs: forgetting the state pairs everything by UID.
	p.StatePath += ".new"
	if res := syncOK(t, p); res.Changed() || res.Matched != 2*half-1 {
		t.Fatalf("re-attach: %+v", res)
	}
}

// seedPhoneEvent stores an event as Android's Calendar app does: no
// uid2445 for odd i (the app leaves it NULL for local events), with a
// reminder.
func seedPhoneEvent(t testing.TB, p *fakephone.Provider, i int) {
	t.Helper()
	start := calBase.AddDate(0, 0, i)
	row := map[string]string{
		"calendar_id": "1", "title": fmt.Sprintf("Phone meeting %03d", i), "dtstart": fmt.Sprint(start.UnixMilli()),
		"dtend": fmt.Sprint(start.Add(time.Hour).UnixMilli()), "eventTimezone": "Europe/Berlin", "allDay": "0",
		"description": fmt.Sprintf("Agenda, item=%d", i),
	}
	if i%2 == 0 {
		row["uid2445"] = fmt.Sprintf("phone-ev-%03d@example.org", i)
	}
	id, err := p.Insert(fakephone.EventsURI, row)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Insert(fakephone.RemindersURI, map[string]string{"event_id": fmt.Sprint(id), "minutes": "10", "method": "1"}); err != nil {
		t.Fatal(err)
	}
}

// TestAndroidCalendarThroughRealADBServer pairs the fake phone's calendar
// with an .ics vdir through the real adb server: events cross both ways
// (a recurring local event keeps its rule and exception dates on the
// phone), edits and deletions cross, and a re-pair without state adds
// nothing.
func TestAndroidCalendarThroughRealADBServer(t *testing.T) {
	srv := fakephone.StartADBServer(t)
	phone, err := fakephone.Start(fakephone.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { phone.Close() })
	srv.Connect(t, phone.Addr())
	ctx := testCtx(t)
	dev, err := adb.New(srv.Addr, nil).Open(ctx, phone.Addr())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { dev.Close() })
	const n = 30
	for i := range n {
		seedPhoneEvent(t, phone.Provider(), i)
	}
	const cal = "calendar/1"
	p, v := newKindPairing(t, dev, cal, device.Calendar)
	for i := range n {
		uid := fmt.Sprintf("local-ev-%03d@example.org", i)
		extra := "LOCATION:Room " + fmt.Sprint(i) + "\r\n"
		if i == 0 {
			extra += "RRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE:20261208T120000Z\r\n"
		}
		if _, err := v.Create(ctx, uid, []byte(eventText(uid, fmt.Sprintf("Local meeting %03d", i), calBase.AddDate(0, 0, i).Add(3*time.Hour), extra))); err != nil {
			t.Fatal(err)
		}
	}
	if res := syncOK(t, p); res.LocalCreated != n || res.DeviceCreated != n || len(res.Conflicts) != 0 {
		t.Fatalf("first sync: %+v", res)
	}
	local, onPhone := localEvents(t, v), deviceEvents(t, dev, cal)
	if len(local) != 2*n || len(onPhone) != 2*n {
		t.Fatalf("local %d, phone %d events; want %d each", len(local), len(onPhone), 2*n)
	}
	rows := phone.Provider().Rows(fakephone.EventsURI, map[string]string{"uid2445": "local-ev-000@example.org"})
	if len(rows) != 1 || rows[0]["rrule"] != "FREQ=WEEKLY;COUNT=10" || rows[0]["exdate"] != "20261208T120000Z" {
		t.Fatalf("recurring event on the phone: %v", rows)
	}
	if it, _ := device.ParseCalendarItem([]byte(local["Phone meeting 004"])); it.UID != "phone-ev-004@example.org" || len(it.Alarms) != 1 {
		t.Fatalf("phone event stored locally as %+v", it)
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}

	// The phone moves a meeting; the local side deletes one and the
	// phone another.
	moved := onPhone["Local meeting 005"]
	it, _ := device.ParseCalendarItem(moved.Data)
	it.Location = "Room 99"
	if _, err := dev.Put(ctx, cal, moved.Key, it.ICalendar()); err != nil {
		t.Fatal(err)
	}
	deleteLocalUID(t, v, "local-ev-006@example.org")
	if err := dev.Delete(ctx, cal, onPhone["Phone meeting 007"].Key); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalUpdated != 1 || res.DeviceDeleted != 1 || res.LocalDeleted != 1 || res.LocalCreated+res.DeviceCreated+res.DeviceUpdated != 0 {
		t.Fatalf("edits: %+v", res)
	}
	local, onPhone = localEvents(t, v), deviceEvents(t, dev, cal)
	if !strings.Contains(local["Local meeting 005"], "LOCATION:Room 99") {
		t.Errorf("phone edit not merged:\n%s", local["Local meeting 005"])
	}
	if _, ok := onPhone["Local meeting 006"]; ok {
		t.Error("locally deleted event still on the phone")
	}
	if _, ok := local["Phone meeting 007"]; ok {
		t.Error("event deleted on the phone still local")
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
	// A new computer: events pair by UID or, for the phone's own events
	// without one, by start and summary.
	p.StatePath += ".new"
	if res := syncOK(t, p); res.Changed() || res.Matched != 2*n-2 {
		t.Fatalf("re-pair: %+v", res)
	}
}
