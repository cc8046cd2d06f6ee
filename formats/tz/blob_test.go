package tz

import (
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push/schema"
)

func TestToTimeZone(t *testing.T) {
	tests := []struct {
		iana string
		want schema.TimeZone
	}{
		{"Europe/Berlin", schema.TimeZone{
			Bias: -60, StandardName: "W. Europe Standard Time", DaylightName: "W. Europe Daylight Time",
			StandardDate: schema.SystemTime{Month: 10, DayOfWeek: 0, Day: 5, Hour: 3},
			DaylightDate: schema.SystemTime{Month: 3, DayOfWeek: 0, Day: 5, Hour: 2},
			DaylightBias: -60,
		}},
		{"America/New_York", schema.TimeZone{
			Bias: 300, StandardName: "Eastern Standard Time", DaylightName: "Eastern Daylight Time",
			StandardDate: schema.SystemTime{Month: 11, DayOfWeek: 0, Day: 1, Hour: 2},
			DaylightDate: schema.SystemTime{Month: 3, DayOfWeek: 0, Day: 2, Hour: 2},
			DaylightBias: -60,
		}},
		{"Australia/Sydney", schema.TimeZone{
			Bias: -600, StandardName: "AUS Eastern Standard Time", DaylightName: "AUS Eastern Daylight Time",
			StandardDate: schema.SystemTime{Month: 4, DayOfWeek: 0, Day: 1, Hour: 3},
			DaylightDate: schema.SystemTime{Month: 10, DayOfWeek: 0, Day: 1, Hour: 2},
			DaylightBias: -60,
		}},
		{"Asia/Kolkata", schema.TimeZone{Bias: -330, StandardName: "Asia/Kolkata", DaylightName: "Asia/Kolkata"}},
		{"Asia/Calcutta", schema.TimeZone{Bias: -330, StandardName: "India Standard Time", DaylightName: "India Daylight Time"}},
	}
	for _, tt := range tests {
		loc, err := time.LoadLocation(tt.iana)
		if err != nil {
			t.Fatal(err)
		}
		for _, year := range []int{2024, 2026} {
			if got := ToTimeZone(loc, tt.iana, year); got != tt.want {
				t.Errorf("ToTimeZone(%s, %d) =\n %+v\nwant\n %+v", tt.iana, year, got, tt.want)
			}
		}
	}
}

// TestTimeZoneRoundTrip converts every CLDR golden zone to a blob and back
// and checks the zone found keeps the same offsets around that year.
func TestTimeZoneRoundTrip(t *testing.T) {
	const year = 2026
	for _, wz := range windowsZones {
		loc, err := time.LoadLocation(wz.iana[0])
		if err != nil {
			t.Fatal(err)
		}
		blob := ToTimeZone(loc, wz.iana[0], year)
		raw, _ := blob.MarshalBinary()
		var back schema.TimeZone
		if err := back.UnmarshalBinary(raw); err != nil {
			t.Fatal(err)
		}
		z, err := FromTimeZone(back, year)
		if err != nil {
			t.Errorf("%s: %v", wz.name, err)
			continue
		}
		if !sameRules(z.Loc, loc, year, year) {
			t.Errorf("%s: blob resolved to %s (%v) with different offsets in %d", wz.name, z.Loc, z.Method, year)
		}
		if z.IANA != wz.iana[0] && z.Method == MethodWindows {
			t.Errorf("%s: got %s", wz.name, z.IANA)
		}
	}
}

func TestFromTimeZoneZeroAndCustom(t *testing.T) {
	z, err := FromTimeZone(schema.TimeZone{}, 2026)
	if err != nil || z.Loc != time.UTC || z.Method != MethodUTC {
		t.Errorf("zero blob: %+v, %v", z, err)
	}
	// A Central European rule under an unknown name is matched by rules.
	custom := schema.TimeZone{
		Bias: -60, StandardName: "Customized Time Zone",
		StandardDate: schema.SystemTime{Month: 10, Day: 5, Hour: 3},
		DaylightDate: schema.SystemTime{Month: 3, Day: 5, Hour: 2},
		DaylightBias: -60,
	}
	z, err = FromTimeZone(custom, 2026)
	if err != nil || z.Method != MethodVTimezone {
		t.Fatalf("custom CET blob: %+v, %v", z, err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if !sameRules(z.Loc, berlin, 2025, 2027) {
		t.Errorf("custom CET blob matched %s", z.IANA)
	}
	// A rule no real zone has is synthesised and applied.
	odd := schema.TimeZone{
		Bias: -90, StandardName: "Odd",
		StandardDate: schema.SystemTime{Month: 9, Day: 2, DayOfWeek: 3, Hour: 4},
		DaylightDate: schema.SystemTime{Month: 4, Day: 1, DayOfWeek: 1, Hour: 1},
		DaylightBias: -30,
	}
	z, err = FromTimeZone(odd, 2026)
	if err != nil || z.Method != MethodRules {
		t.Fatalf("odd blob: %+v, %v", z, err)
	}
	// 2026-04-06 is the first Monday of April: +02:00 after 01:00 local.
	if off := offsetAt(z.Loc, time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)); off != 2*3600 {
		t.Errorf("odd zone offset after DST start = %d, want 7200", off)
	}
	if off := offsetAt(z.Loc, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); off != 90*60 {
		t.Errorf("odd zone standard offset = %d, want 5400", off)
	}
}

// TestExchangeBlobs decodes Timezone elements found in public EAS traces
// for a Central European mailbox and resolves them. The second one carries
// the display name, cut to 31 UTF-16 units, as DaylightName.
func TestExchangeBlobs(t *testing.T) {
	tests := []struct {
		wire      string
		daylight  string
		reencodes bool // our encoder writes exactly these bytes for Europe/Berlin
	}{
		{"xP///1cALgAgAEUAdQByAG8AcABlACAAUwB0AGEAbgBkAGEAcgBkACAAVABpAG0AZQAAAAAAAAAAAAAAAAAAAAAAAAAAAAoAAAAFAAMAAAAAAAAAAAAAAFcALgAgAEUAdQByAG8AcABlACAARABhAHkAbABpAGcAaAB0ACAAVABpAG0AZQAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAAFAAIAAAAAAAAAxP///w==",
			"W. Europe Daylight Time", true},
		{"xP///1cALgAgAEUAdQByAG8AcABlACAAUwB0AGEAbgBkAGEAcgBkACAAVABpAG0AZQAAAAAAAAAAAAAAAAAAAAAAAAAAAAoAAAAFAAMAAAAAAAAAAAAAACgAVQBUAEMAKwAwADEAOgAwADAAKQAgAEEAbQBzAHQAZQByAGQAYQBtACwAIABCAGUAcgBsAGkAbgAsACAAQgAAAAMAAAAFAAIAAAAAAAAAxP///w==",
			"(UTC+01:00) Amsterdam, Berlin, B", false},
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tt := range tests {
		var b schema.TimeZone
		if err := b.UnmarshalText([]byte(tt.wire)); err != nil {
			t.Fatal(err)
		}
		if b.DaylightName != tt.daylight || b.Bias != -60 || b.StandardDate.Month != 10 || b.DaylightDate.Day != 5 {
			t.Errorf("decoded %+v", b)
		}
		z, err := FromTimeZone(b, 2026)
		if err != nil || z.IANA != "Europe/Berlin" || z.Method != MethodWindows {
			t.Errorf("FromTimeZone = %+v, %v", z, err)
		}
		got, _ := ToTimeZone(berlin, "Europe/Berlin", 2026).MarshalText()
		if (string(got) == tt.wire) != tt.reencodes {
			t.Errorf("ToTimeZone(Europe/Berlin) = %s", got)
		}
	}
}
