package tz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
)

func TestByName(t *testing.T) {
	tests := []struct {
		in     string
		iana   string
		method Method
	}{
		{"Europe/Berlin", "Europe/Berlin", MethodIANA},
		{"US/Pacific", "US/Pacific", MethodIANA},
		{"W. Europe Standard Time", "Europe/Berlin", MethodWindows},
		{"eastern standard time", "America/New_York", MethodWindows},
		{"New Zealand Standard Time", "Pacific/Auckland", MethodWindows},
		{"Arabian Standard Time", "Asia/Dubai", MethodWindows},
		{"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin", MethodDisplay},
		{"(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna", "Europe/Berlin", MethodDisplay},
		{"(UTC+02:00) Athens, Bucharest", "Europe/Bucharest", MethodDisplay},
		{"(UTC-05:00) Eastern Time (US & Canada)", "America/New_York", MethodDisplay},
		{"Kuala Lumpur, Singapore", "Asia/Singapore", MethodDisplay},
		{"Canberra, Melbourne, Sydney", "Australia/Sydney", MethodDisplay},
		{`Pacific Time (US & Canada)\, Tijuana`, "America/Los_Angeles", MethodDisplay},
		{"/softwarestudio.org/Olson_20011030_5/Europe/Berlin", "Europe/Berlin", MethodVendor},
		{"/mozilla.org/20070129_1/America/New_York", "America/New_York", MethodVendor},
		{"Europe_London", "Europe/London", MethodVendor},
		{"America_New_York", "America/New_York", MethodVendor},
		{"UTC", "Etc/UTC", MethodUTC},
	}
	for _, tt := range tests {
		z, ok := ByName(tt.in)
		if !ok {
			t.Errorf("ByName(%q) not resolved", tt.in)
			continue
		}
		if z.IANA != tt.iana || z.Method != tt.method {
			t.Errorf("ByName(%q) = %s via %v, want %s via %v", tt.in, z.IANA, z.Method, tt.iana, tt.method)
		}
	}
	for _, bad := range []string{"", "FOO", "Local", "../../etc/passwd", "Customized Time Zone"} {
		if z, ok := ByName(bad); ok {
			t.Errorf("ByName(%q) = %+v, want unresolved", bad, z)
		}
	}
}

func TestWindowsRoundTrip(t *testing.T) {
	for _, wz := range windowsZones {
		n, ok := WindowsToIANA(wz.name)
		if !ok || n != wz.iana[0] {
			t.Errorf("WindowsToIANA(%q) = %q", wz.name, n)
		}
		back, ok := IANAToWindows(n)
		if !ok || back != wz.name {
			// Several Windows zones can share an IANA zone only via ZZ/Etc entries.
			if !strings.HasPrefix(n, "Etc/") {
				t.Errorf("IANAToWindows(%q) = %q, want %q", n, back, wz.name)
			}
		}
	}
}

func TestOffsetInName(t *testing.T) {
	tests := []struct {
		in  string
		off int
	}{
		{"GMT +0100 (Standard) / GMT +0200 (Daylight)", 3600},
		{"GMT-0500", -5 * 3600},
		{"UTC+05:30", 5*3600 + 1800},
		{"+0930", 9*3600 + 1800},
	}
	for _, tt := range tests {
		off, ok := offsetInName(tt.in)
		if !ok || off != tt.off {
			t.Errorf("offsetInName(%q) = %d, %v; want %d", tt.in, off, ok, tt.off)
		}
	}
}

// TestCorpusTZIDs resolves every TZID used by a property in the corpus and
// lists how. Only names with neither a usable name nor a VTIMEZONE may fail.
func TestCorpusTZIDs(t *testing.T) {
	files, _ := filepath.Glob("../testdata/corpus/ical/*")
	mayFail := map[string]bool{"FOO": true, "(no TZ description)": true, "IndianReunion": true}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ical.Read(strings.NewReader(string(data)))
		if err != nil {
			continue
		}
		r := NewResolver(doc.Calendars...)
		var walk func(c *ical.Component)
		walk = func(c *ical.Component) {
			for _, p := range c.Props {
				id := p.Param("TZID")
				if id == "" {
					continue
				}
				z, err := r.Resolve(id)
				if err != nil {
					if !mayFail[normTZID(id)] {
						t.Errorf("%s: %s at line %d: %v", filepath.Base(f), id, p.Line, err)
					}
					continue
				}
				t.Logf("%s: %q → %s (%v)", filepath.Base(f), id, z.Loc, z.Method)
			}
			for _, ch := range c.Children {
				walk(ch)
			}
		}
		for _, c := range doc.Calendars {
			walk(c)
		}
	}
}

func TestVTimezoneRulesDirect(t *testing.T) {
	src := "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
	doc, err := ical.Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	loc, err := FromVTimezone(doc.Calendars[0].Children[0])
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if !sameRules(loc, berlin, 2020, 2030) {
		t.Errorf("EU rules from VTIMEZONE differ from Europe/Berlin")
	}
	z, err := NewResolver(doc.Calendars...).Resolve("Customized Time Zone")
	if err != nil || z.Method != MethodVTimezone {
		t.Errorf("Resolve(Customized Time Zone) = %+v, %v; want a rule match", z, err)
	}
}
