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
