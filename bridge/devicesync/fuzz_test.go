package devicesync

import "testing"

// FuzzDeviceCards feeds arbitrary device output through what Sync does
// with it: add a UID, merge an edit, compare contacts. None may panic.
func FuzzDeviceCards(f *testing.F) {
	f.Add([]byte(cardText("a", "Ann", "+1 555 1")), []byte(cardText("", "Ann", "+1 555 2")))
	f.Add([]byte("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J\r\nTEL;CELL:+49 170 1\r\nEND:VCARD\r\n"),
		[]byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\nBEGIN:VCARD\r\nEND:VCARD\r\n"))
	f.Add([]byte(""), []byte("BEGIN:VCARD\r\nPHOTO;ENCODING=b:!!!\r\n"))
	f.Fuzz(func(t *testing.T, before, after []byte) {
		_ = sameContact(before, after)
		if _, out, err := withUID("fuzz", after); err == nil {
			if _, _, err := withUID("fuzz", out); err != nil {
				t.Fatalf("card with added UID does not read back: %v", err)
			}
		}
		_, _ = mergeDeviceEdit("fuzz", before, before, after)
	})
}

// FuzzDeviceEvents is FuzzDeviceCards for calendar items.
func FuzzDeviceEvents(f *testing.F) {
	f.Add([]byte(eventText("a", "Standup", calBase, "RRULE:FREQ=DAILY\r\n")), []byte(eventText("", "Standup", calBase, "LOCATION:x\r\n")))
	f.Add([]byte("BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VTODO\r\nSUMMARY;ENCODING=QUOTED-PRINTABLE:a=\r\nb\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"),
		[]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nRECURRENCE-ID:20260101T000000Z\r\nEND:VEVENT\r\n"))
	f.Add([]byte(""), []byte("BEGIN:VEVENT\r\nDTSTART;TZID=\"x:y\":2026\r\n"))
	f.Fuzz(func(t *testing.T, before, after []byte) {
		_ = sameEvent(before, after)
		if _, out, err := eventWithUID("fuzz", after); err == nil {
			if uid, _, err := eventWithUID("fuzz", out); err != nil || uid == "" {
				t.Fatalf("event with added UID does not read back: %q %v", uid, err)
			}
		}
		_, _ = mergeDeviceEventEdit("fuzz", before, before, after)
	})
}
