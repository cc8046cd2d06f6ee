package codec

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/push"
)

// An RDATE cannot travel over ActiveSync: the event still goes, and the
// log says which item keeps what locally.
func TestEventsToEASWarnsAboutWhatStaysLocal(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:with-rdate\r\n" +
		"DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\n" +
		"RDATE:20260107T090000Z\r\nSUMMARY:Extra dates\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if _, err := (Events{}).ToEAS([]byte(ics), nil, push.Version141); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, "with-rdate") || !strings.Contains(out, "RDATE") {
		t.Fatalf("no warning naming the item and RDATE; log:\n%s", out)
	}

	buf.Reset()
	plain := strings.Replace(ics, "RDATE:20260107T090000Z\r\n", "", 1)
	if _, err := (Events{}).ToEAS([]byte(plain), nil, push.Version141); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Fatalf("warning for an event that travels whole:\n%s", buf.String())
	}
}

// A vdir file is one item. When a user drops a whole exported calendar or
// address book into one, the items after the first cannot be sent: the log
// names them rather than losing them silently.
func TestSeveralItemsInOneFileAreNamed(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	ev := func(uid string) string {
		return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\n" +
			"DTEND:20260105T100000Z\r\nSUMMARY:" + uid + "\r\nEND:VEVENT\r\n"
	}
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + ev("first-ev") + ev("second-ev") + ev("third-ev") + "END:VCALENDAR\r\n"
	if _, err := (Events{}).ToEAS([]byte(ics), nil, push.Version141); err != nil {
		t.Fatal(err)
	}
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:first-card\r\nFN:Ada\r\nN:;Ada;;;\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nEND:VCARD\r\n"
	if _, err := (Contacts{}).ToEAS([]byte(vcf), nil, push.Version141); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"second-ev", "third-ev", "Grace Hopper"} {
		if !strings.Contains(out, want) {
			t.Errorf("log does not name %q:\n%s", want, out)
		}
	}
}
