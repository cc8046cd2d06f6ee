package crash

import (
	"regexp"
	"strings"
	"testing"
)

func TestKeyField(t *testing.T) {
	tests := []struct {
		name      string
		kind      Kind
		body      string
		tok, want string
		ok        bool
	}{
		{"generated contact", Contact, Body(Contact, "u1", "C00001 v1 seed", 1), "C00001", "C00001 v1 seed", true},
		{"generated event", Event, Body(Event, "u2", "E00002 v9 local", 2), "E00002", "E00002 v9 local", true},
		// SOGo's own serialisation of a contact added over ActiveSync.
		{"sogo contact", Contact, "BEGIN:VCARD\nUID:7BDC-6B07B700-E7-199B1FC0.vcf\nVERSION:3.0\nCLASS:PUBLIC\nPROFILE:VCARD\nFN:C00002 v1 l\nN:C00002;Item\nEND:VCARD",
			"C00002", "C00002 v1 l", true},
		{"parameters and group", Contact, "BEGIN:VCARD\r\nitem1.FN;CHARSET=utf-8:C00003 v4 server\r\nEND:VCARD\r\n", "C00003", "C00003 v4 server", true},
		{"folded", Event, "BEGIN:VEVENT\r\nSUMMARY:E00004 v5\r\n  server\r\nEND:VEVENT\r\n", "E00004", "E00004 v5 server", true},
		{"quoted colon in parameter", Event, "SUMMARY;X-A=\"a:b\":E00005 v1 x\r\n", "E00005", "E00005 v1 x", true},
		{"escaped text", Contact, `FN:C00006 v1 a\, b` + "\n", "C00006", "C00006 v1 a, b", true},
		{"lower-case name", Contact, "fn:C00007 v2 s\n", "C00007", "C00007 v2 s", true},
		{"FN is not N", Contact, "BEGIN:VCARD\nN:Doe;Jane\nEND:VCARD\n", "", "", false},
		{"empty value", Event, "SUMMARY:\n", "", "", false},
		{"contact key is not SUMMARY", Contact, "SUMMARY:E00008 v1 s\n", "", "", false},
		{"no colon", Event, "SUMMARY E00009\n", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, v, ok := KeyField(tc.kind, tc.body)
			if tok != tc.tok || v != tc.want || ok != tc.ok {
				t.Errorf("KeyField = %q, %q, %v; want %q, %q, %v", tok, v, ok, tc.tok, tc.want, tc.ok)
			}
		})
	}
}

func TestSetKeyField(t *testing.T) {
	tests := []struct {
		name, body, want string
		kind             Kind
		ok               bool
	}{
		{"keeps CRLF and other lines", "BEGIN:VCARD\r\nFN:C1 v1 s\r\nNOTE:a long\r\n  folded note\r\nEND:VCARD\r\n",
			"BEGIN:VCARD\r\nFN:C1 v2 l\r\nNOTE:a long\r\n  folded note\r\nEND:VCARD\r\n", Contact, true},
		{"replaces a folded key line whole", "BEGIN:VEVENT\nSUMMARY:E1 v1\n  s\nDTSTART:20261201T100000Z\nEND:VEVENT",
			"BEGIN:VEVENT\nSUMMARY:E1 v2 l\nDTSTART:20261201T100000Z\nEND:VEVENT", Event, true},
		{"only the first", "SUMMARY:E1 v1 s\nSUMMARY:alarm\n", "SUMMARY:E1 v2 l\nSUMMARY:alarm\n", Event, true},
		{"none", "BEGIN:VCARD\nN:x\nEND:VCARD\n", "BEGIN:VCARD\nN:x\nEND:VCARD\n", Contact, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := "C1 v2 l"
			if tc.kind == Event {
				v = "E1 v2 l"
			}
			got, ok := SetKeyField(tc.kind, tc.body, v)
			if got != tc.want || ok != tc.ok {
				t.Errorf("SetKeyField = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
			if ok {
				if _, gv, _ := KeyField(tc.kind, got); gv != v {
					t.Errorf("KeyField after SetKeyField = %q, want %q", gv, v)
				}
			}
		})
	}
}

var dateRE = regexp.MustCompile(`(?m)^DTSTART:202612(0[1-9]|1[0-9]|2[0-8])T(0[89]|1[0-7])0000Z\r$`)

func TestBodyIsWellFormed(t *testing.T) {
	for _, k := range []Kind{Contact, Event} {
		for n := range 40 {
			b := Body(k, "uid", "X00001 v1 s", n)
			if !strings.HasSuffix(b, "\r\n") || strings.Contains(strings.ReplaceAll(b, "\r\n", ""), "\n") {
				t.Fatalf("%v body %d has bare line ends: %q", k, n, b)
			}
			if k == Event && !dateRE.MatchString(b) {
				t.Fatalf("event %d: bad DTSTART: %q", n, b)
			}
		}
	}
}
