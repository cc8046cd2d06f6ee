package tz

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
)

// TestVTimezoneOutRoundTrip writes a VTIMEZONE for zones of both
// hemispheres and without DST, reads it back as rules and compares.
func TestVTimezoneOutRoundTrip(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		vt := VTimezone(loc, name, 2026)
		doc, err := ical.Read(strings.NewReader(vt.String()))
		if err != nil {
			t.Fatal(err)
		}
		back, err := FromVTimezone(doc.Calendars[0].Children[0])
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, vt.String())
		}
		if !sameRules(back, loc, 2026, 2026) {
			t.Errorf("%s: rules differ after VTIMEZONE round trip:\n%s", name, vt.String())
		}
	}
}

func TestResolverPrefersNameOverStaleRules(t *testing.T) {
	// An Exchange export's VTIMEZONE with pre-2007 US rules under a
	// Windows name: the name wins, so 2026 events use today's rules.
	src := "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T020000\r\n" +
		"TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n" +
		"DTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\nEND:DAYLIGHT\r\n" +
		"END:VTIMEZONE\r\nEND:VCALENDAR\r\n"
	doc, err := ical.Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	z, err := NewResolver(doc.Calendars...).Resolve("Eastern Standard Time")
	if err != nil || z.IANA != "America/New_York" || z.Method != MethodWindows {
		t.Errorf("Resolve = %+v, %v", z, err)
	}
	// The same rules under a custom name are used as written.
	src = strings.ReplaceAll(src, "Eastern Standard Time", "My Zone")
	doc, _ = ical.Read(strings.NewReader(src))
	z, err = NewResolver(doc.Calendars...).Resolve("My Zone")
	if err != nil || z.Method != MethodRules {
		t.Fatalf("Resolve(custom) = %+v, %v", z, err)
	}
	// 2026-03-20 is EDT in New York but EST under the old rules.
	if off := offsetAt(z.Loc, time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)); off != -5*3600 {
		t.Errorf("custom zone offset = %d, want -18000", off)
	}
}

func TestUnknownZone(t *testing.T) {
	_, err := NewResolver().Resolve("Nowhere Standard Time")
	if err == nil || !strings.Contains(err.Error(), "Nowhere") {
		t.Errorf("err = %v", err)
	}
	z, err := NewResolver().Resolve("GMT+0530")
	if err != nil || z.Method != MethodOffset || offsetAt(z.Loc, time.Now()) != 5*3600+1800 {
		t.Errorf("offset zone = %+v, %v", z, err)
	}
}
