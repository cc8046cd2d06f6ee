package uimodel

import (
	"testing"
)

func fieldMap(fs []Field) map[string]Field {
	m := map[string]Field{}
	for _, f := range fs {
		m[f.Label] = f
	}
	return m
}

func TestCompareCards(t *testing.T) {
	local := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Alice Smith\r\nN:Smith;Alice;;;\r\nTEL;TYPE=CELL:+49 111\r\nEMAIL:a@example.com\r\nEMAIL:alice@example.com\r\nREV:20260101T000000Z\r\nEND:VCARD\r\n"
	server := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Alice Smith\r\nN:Smith;Alice;;;\r\nTEL;TYPE=CELL:+49 222\r\nEMAIL:alice@example.com\r\nEMAIL:a@example.com\r\nNOTE:met at FOSDEM\r\nREV:20260202T000000Z\r\nEND:VCARD\r\n"
	fs, err := Compare("contacts", local, server)
	if err != nil {
		t.Fatal(err)
	}
	m := fieldMap(fs)
	for label, want := range map[string]struct {
		local, server string
		differs       bool
	}{
		"Name":         {"Alice Smith", "Alice Smith", false},
		"Name parts":   {"Smith, Alice", "Smith, Alice", false},
		"Phone (cell)": {"+49 111", "+49 222", true},
		"E-mail":       {"a@example.com\nalice@example.com", "alice@example.com\na@example.com", false},
		"Note":         {"", "met at FOSDEM", true},
	} {
		f, ok := m[label]
		if !ok {
			t.Errorf("no field %q in %+v", label, fs)
			continue
		}
		if f.Local != want.local || f.Server != want.server || f.Differs != want.differs {
			t.Errorf("%s = %+v; want %+v", label, f, want)
		}
	}
	if _, ok := m["REV"]; ok {
		t.Error("REV is shown; it changes on every save")
	}
	if fs[0].Label != "UID" {
		t.Errorf("first field %q; want the local version's order (UID first)", fs[0].Label)
	}
}

func TestCompareEvents(t *testing.T) {
	ev := func(summary, start string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:e1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:" + summary +
			"\r\nDTSTART;TZID=Europe/Berlin:" + start + "\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	fs, err := Compare("calendar", ev("Standup", "20260301T090000"), ev("Stand-up", "20260301T093000"))
	if err != nil {
		t.Fatal(err)
	}
	m := fieldMap(fs)
	if f := m["Title"]; !f.Differs || f.Local != "Standup" || f.Server != "Stand-up" {
		t.Errorf("Title = %+v", f)
	}
	if f := m["Start"]; !f.Differs || f.Local != "20260301T090000 (Europe/Berlin)" {
		t.Errorf("Start = %+v", f)
	}
	if f, ok := m["Reminder trigger"]; !ok || f.Differs {
		t.Errorf("Reminder trigger = %+v, present %v", f, ok)
	}
	if _, ok := m["DTSTAMP"]; ok {
		t.Error("DTSTAMP shown")
	}
}

func TestCompareUnreadable(t *testing.T) {
	_, err := Compare("contacts", "BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n", "not a card")
	if err == nil {
		t.Fatal("no error for a version without a card")
	}
	if _, err := Compare("calendar", "", ""); err == nil {
		t.Fatal("no error for empty events")
	}
}

func FuzzCompare(f *testing.F) {
	f.Add("contacts", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nTEL;TYPE=CELL:1\r\nPHOTO;ENCODING=b:AAAA\r\nEND:VCARD\r\n", "BEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n")
	f.Add("calendar", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nATTENDEE;CN=Bob:mailto:b@x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "BEGIN:VEVENT\r\nEND:VEVENT")
	f.Fuzz(func(t *testing.T, kind, local, server string) {
		fs, err := Compare(kind, local, server)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, fl := range fs {
			if seen[fl.Label] {
				t.Fatalf("label %q twice", fl.Label)
			}
			seen[fl.Label] = true
			if fl.Local == "" && fl.Server == "" && fl.Differs {
				t.Fatalf("field %q empty on both sides but marked differing", fl.Label)
			}
		}
	})
}
