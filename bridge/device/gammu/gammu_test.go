package gammu

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/devicetest"
)

// dummyPhone returns an opened phone backed by gammu's dummy driver, which
// keeps the phone's entries as files under dir (pbk/ME/1, calendar/1, …).
func dummyPhone(t testing.TB) (dev device.Device, dir string) {
	t.Helper()
	if _, err := exec.LookPath("gammu"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("gammu not installed (apt-get install gammu): %v", err)
		}
		t.Skipf("gammu not installed: %v", err)
	}
	base := t.TempDir()
	dir = filepath.Join(base, "phone")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(base, "gammurc")
	conf := fmt.Sprintf("[gammu]\nconnection = none\nmodel = dummy\ndevice = %s\n", dir)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	drv, err := New(Config{Gammurc: rc})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	infos, err := drv.Detect(ctx)
	if err != nil || len(infos) != 1 || infos[0].Label != "Gammu unknown (Dummy)" {
		t.Fatalf("detect: %+v %v", infos, err)
	}
	dev, err = drv.Open(ctx, rc)
	if err != nil {
		t.Fatal(err)
	}
	return dev, dir
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

const card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:lost@example.org\r\nFN:Zoë O'Brien\r\nN:O'Brien;Zoë;;;\r\n" +
	"TEL;TYPE=CELL:+353 1 234\r\nTEL;TYPE=HOME:+353 1 555\r\nEMAIL;TYPE=WORK:zoe@example.ie\r\n" +
	"NOTE:semi\\; colon\\, comma\\nline two = equals\r\nBDAY:1980-01-31\r\nORG:Acme\r\nURL:https://x.ie/?a=b\r\nEND:VCARD\r\n"

func TestContactsRoundTrip(t *testing.T) {
	dev, dir := dummyPhone(t)
	ctx := testCtx(t)
	if caps := dev.Capabilities(); caps.KeepsUIDs || !caps.HasTasks || !caps.TwoWay {
		t.Fatalf("capabilities = %+v", caps)
	}
	key, err := dev.Put(ctx, PhoneMemory, "", []byte(card))
	if err != nil {
		t.Fatal(err)
	}
	if key != "ME:1" {
		t.Errorf("key = %q, want ME:1", key)
	}
	// gammu stores vCard 2.1 with quoted-printable text.
	raw, err := os.ReadFile(filepath.Join(dir, "pbk", "ME", "1"))
	if err != nil || !strings.Contains(string(raw), "QUOTED-PRINTABLE") {
		t.Fatalf("phone file: %v %q", err, raw)
	}
	recs, err := dev.List(ctx, PhoneMemory)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Key != key || recs[0].UID != "" {
		t.Fatalf("records = %+v", recs)
	}
	c, err := device.ParseContact(recs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if c.FormattedName != "Zoë O'Brien" || c.Name.Family != "O'Brien" || c.Name.Given != "Zoë" ||
		c.Note != "semi; colon, comma\nline two = equals" || c.Birthday != "1980-01-31" || c.Org != "Acme" ||
		len(c.Phones) != 2 || c.Phones[0].Value != "+353 1 234" || !c.Phones[0].HasType("CELL") ||
		len(c.Emails) != 1 || len(c.URLs) != 1 || c.URLs[0] != "https://x.ie/?a=b" {
		t.Errorf("read back %+v", c)
	}
	// The engine pairs by content: the match keys of what we wrote and
	// what the phone gives back agree although the UID is gone.
	k1, _ := device.MatchKey(device.Contacts, []byte(card))
	k2, _ := device.MatchKey(device.Contacts, recs[0].Data)
	if k1 != k2 {
		t.Errorf("match keys differ: %q vs %q", k1, k2)
	}

	// A second contact, then update the first (delete + add).
	key2, err := dev.Put(ctx, PhoneMemory, "", []byte(strings.ReplaceAll(card, "Zoë", "Ann")))
	if err != nil || key2 != "ME:2" {
		t.Fatalf("second put: %q %v", key2, err)
	}
	key3, err := dev.Put(ctx, PhoneMemory, key, []byte(strings.Replace(card, "ORG:Acme", "ORG:Other", 1)))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := dev.List(ctx, PhoneMemory)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 2 {
			t.Fatalf("after update: %d records, want 2", len(again))
		}
		var found bool
		for _, r := range again {
			if r.Key == key3 {
				found = true
				if c, _ := device.ParseContact(r.Data); c.Org != "Other" {
					t.Errorf("updated org = %q", c.Org)
				}
			}
		}
		if !found {
			t.Fatalf("updated key %s not listed", key3)
		}
	}
	if sim, err := dev.List(ctx, SIMMemory); err != nil || len(sim) != 0 {
		t.Fatalf("SIM: %d records, %v", len(sim), err)
	}

	if err := dev.Delete(ctx, PhoneMemory, key2); err != nil {
		t.Fatal(err)
	}
	if err := dev.Delete(ctx, PhoneMemory, key2); !errors.Is(err, device.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := dev.Delete(ctx, PhoneMemory, "SM:1"); !errors.Is(err, device.ErrNotFound) {
		t.Fatalf("wrong-memory key: %v", err)
	}
}

// TestPhoneEditedFiles plays the phone: entries written into the dummy's
// folder as a phone would hold them are listed decoded.
func TestPhoneEditedFiles(t *testing.T) {
	dev, dir := dummyPhone(t)
	ctx := testCtx(t)
	entry := "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n" +
		"TEL;CELL:+49 170 1\r\nTEL;WORK;FAX:+49 30 2\r\nNOTE;ENCODING=QUOTED-PRINTABLE:first=0D=0A=\r\nsecond\r\nEND:VCARD\r\n"
	if err := os.WriteFile(filepath.Join(dir, "pbk", "SM", "7"), []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, err := dev.List(ctx, SIMMemory)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Key != "SM:7" {
		t.Fatalf("records = %+v", recs)
	}
	c, _ := device.ParseContact(recs[0].Data)
	if c.Name.Family != "Müller" || c.Name.Given != "Jürgen" || len(c.Phones) != 2 ||
		!c.Phones[1].HasType("FAX") || c.Note != "first\nsecond" {
		t.Errorf("decoded %+v", c)
	}
}

const event = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:ev1\r\nDTSTART:20260410T090000Z\r\n" +
	"DTEND:20260410T100000Z\r\nSUMMARY:Stand-up\\; daily\r\nLOCATION:Room \"7\"\\, 2nd\r\nDESCRIPTION:a\\nb\r\n" +
	"RRULE:FREQ=WEEKLY\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func TestCalendarAndTodo(t *testing.T) {
	dev, _ := dummyPhone(t)
	ctx := testCtx(t)
	key, err := dev.Put(ctx, CalendarID, "", []byte(event))
	if err != nil {
		t.Fatal(err)
	}
	allDay := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260501\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if _, err := dev.Put(ctx, CalendarID, "", []byte(allDay)); err != nil {
		t.Fatal(err)
	}
	recs, err := dev.List(ctx, CalendarID)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Key != key {
		t.Fatalf("records %+v", recs)
	}
	it, _ := device.ParseCalendarItem(recs[0].Data)
	if it.Summary != "Stand-up; daily" || it.Location != `Room "7", 2nd` || it.Description != "a\nb" ||
		!it.Start.Equal(time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)) || it.End.Sub(it.Start) != time.Hour ||
		len(it.Alarms) != 1 || it.Alarms[0] != 15*time.Minute || it.RRule != "" || it.UID != "" {
		t.Errorf("event read back %+v", it)
	}
	ad, _ := device.ParseCalendarItem(recs[1].Data)
	if !ad.AllDay || ad.Start.Format("20060102") != "20260501" {
		t.Errorf("all-day read back %+v", ad)
	}
	k1, _ := device.MatchKey(device.Calendar, []byte(allDay))
	k2, _ := device.MatchKey(device.Calendar, recs[1].Data)
	if k1 != k2 {
		t.Errorf("all-day match keys differ: %q %q", k1, k2)
	}
	// Update: delete + add; the listing holds no duplicate.
	newKey, err := dev.Put(ctx, CalendarID, key, []byte(strings.Replace(event, "Stand-up", "Retro", 1)))
	if err != nil {
		t.Fatal(err)
	}
	recs, _ = dev.List(ctx, CalendarID)
	if len(recs) != 2 {
		t.Fatalf("after update %d events", len(recs))
	}
	for _, r := range recs {
		if r.Key == newKey {
			if it, _ := device.ParseCalendarItem(r.Data); it.Summary != "Retro; daily" {
				t.Errorf("updated summary %q", it.Summary)
			}
		}
	}

	todo := "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:Buy milk\r\nDUE:20260412T170000Z\r\nPRIORITY:1\r\nSTATUS:COMPLETED\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
	tk, err := dev.Put(ctx, TodoID, "", []byte(todo))
	if err != nil {
		t.Fatal(err)
	}
	todos, err := dev.List(ctx, TodoID)
	if err != nil || len(todos) != 1 || todos[0].Key != tk {
		t.Fatalf("todos %+v %v", todos, err)
	}
	td, _ := device.ParseCalendarItem(todos[0].Data)
	if td.Component != "VTODO" || td.Summary != "Buy milk" || !td.Completed || td.Priority != 1 ||
		!td.Due.Equal(time.Date(2026, 4, 12, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("todo read back %+v", td)
	}
	if err := dev.Delete(ctx, TodoID, tk); err != nil {
		t.Fatal(err)
	}
	if todos, _ := dev.List(ctx, TodoID); len(todos) != 0 {
		t.Fatalf("todo not deleted")
	}
	if _, err := dev.Put(ctx, TodoID, "", []byte(event)); !errors.Is(err, device.ErrInvalid) {
		t.Fatalf("event into to-do list: %v", err)
	}
}

// TestErrorWithExitZero checks that gammu's "Function not supported"
// (printed with exit status 0) is an error.
func TestErrorWithExitZero(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "gammu")
	body := "#!/bin/sh\ncase \"$3\" in\nidentify) printf 'Manufacturer         : Nokia\\nModel                : 3310\\n';;\n" +
		"*) echo 'Function not supported by phone.';;\nesac\nexit 0\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	drv, err := New(Config{Gammurc: "/nonexistent", Binary: script})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	dev, err := drv.Open(ctx, "/nonexistent")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dev.List(ctx, CalendarID); !errors.Is(err, device.ErrUnsupported) {
		t.Fatalf("calendar list: %v, want ErrUnsupported", err)
	}
	if _, err := dev.List(ctx, PhoneMemory); err == nil {
		t.Fatalf("phonebook list succeeded on an error message")
	}
}

func TestWatchPolls(t *testing.T) {
	_, dir := dummyPhone(t)
	rc := filepath.Join(filepath.Dir(dir), "gammurc")
	drv, err := New(Config{Gammurc: rc, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := make(chan device.Event)
	done := make(chan error, 1)
	go func() { done <- drv.Watch(ctx, events) }()
	if ev := <-events; ev.Type != device.Attach || ev.ID != rc {
		t.Fatalf("first event %+v", ev)
	}
	// The phone goes away: its folder disappears at once. (Removing it
	// file by file races with a gammu polling meanwhile, which recreates
	// the dummy phone's subfolders.)
	if err := os.Rename(dir, dir+".gone"); err != nil {
		t.Fatal(err)
	}
	if ev := <-events; ev.Type != device.Detach {
		t.Fatalf("second event %+v", ev)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("watch: %v", err)
	}
}

func TestConformance(t *testing.T) {
	dev, _ := dummyPhone(t)
	t.Run("ME", func(t *testing.T) { devicetest.Run(t, dev, PhoneMemory, device.Contacts) })
	t.Run("SM", func(t *testing.T) { devicetest.Run(t, dev, SIMMemory, device.Contacts) })
	t.Run("calendar", func(t *testing.T) { devicetest.Run(t, dev, CalendarID, device.Calendar) })
	t.Run("todo", func(t *testing.T) { devicetest.Run(t, dev, TodoID, device.Tasks) })
}
