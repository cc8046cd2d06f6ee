package tz

import (
	"fmt"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/push/schema"
)

// ToTimeZone describes loc as an ActiveSync TIME_ZONE_INFORMATION using the
// rules in force in year: the standard bias, and when the zone observes
// daylight saving that year, both transitions as "nth weekday of month"
// rules (the fifth means the last). Names are the Windows zone name when
// CLDR maps the zone (iana may be "" to use loc's name), else the IANA name.
//
// The blob holds one yearly rule, so a zone's history and irregular years
// (e.g. several transitions in one year) are not expressible; the first
// DST start and last DST end of the year are used.
func ToTimeZone(loc *time.Location, iana string, year int) schema.TimeZone {
	if iana == "" {
		iana = loc.String()
	}
	stdName, dstName := iana, iana
	if w, ok := IANAToWindows(iana); ok {
		stdName = w
		dstName = strings.Replace(w, "Standard", "Daylight", 1)
	}
	var (
		start, end time.Time
		stdOff     = offsetAt(loc, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
		dstOff     int
	)
	for _, tr := range yearTransitions(loc, year) {
		after := tr.In(loc)
		_, off := after.Zone()
		if after.IsDST() {
			if start.IsZero() {
				start = tr
			}
			dstOff = off
		} else {
			end = tr
			stdOff = off
		}
	}
	if !start.IsZero() && end.IsZero() || start.IsZero() && !end.IsZero() {
		// DST begins or ends for good this year: describe the state at
		// the end of the year without a rule.
		start, end = time.Time{}, time.Time{}
		stdOff = offsetAt(loc, time.Date(year, 12, 31, 12, 0, 0, 0, time.UTC))
	}
	if start.IsZero() {
		// A zone without DST whose Jan 1 offset is "daylight" (rare) still
		// needs its standard offset.
		if mid := time.Date(year, 7, 1, 0, 0, 0, 0, time.UTC).In(loc); !mid.IsDST() {
			_, stdOff = mid.Zone()
		}
		return schema.TimeZone{Bias: int32(-stdOff / 60), StandardName: stdName, DaylightName: dstName}
	}
	return schema.TimeZone{
		Bias:         int32(-stdOff / 60),
		StandardName: stdName,
		StandardDate: ruleOf(end.Add(time.Duration(dstOff) * time.Second)),
		DaylightName: dstName,
		DaylightDate: ruleOf(start.Add(time.Duration(stdOff) * time.Second)),
		DaylightBias: int32(-(dstOff - stdOff) / 60),
	}
}

// ruleOf turns a wall-clock time (in UTC fields) into a yearly
// "nth weekday of month" SYSTEMTIME.
func ruleOf(wall time.Time) schema.SystemTime {
	d := wall.Day()
	n := (d-1)/7 + 1
	if d+7 > daysIn(wall.Year(), wall.Month()) {
		n = 5
	}
	return schema.SystemTime{
		Month:     uint16(wall.Month()),
		DayOfWeek: uint16(wall.Weekday()),
		Day:       uint16(n),
		Hour:      uint16(wall.Hour()),
		Minute:    uint16(wall.Minute()),
	}
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ruleDate returns the wall-clock date-time (UTC fields) on which a
// SYSTEMTIME rule falls in year y. A non-zero Year makes it absolute.
func ruleDate(s schema.SystemTime, y int) (time.Time, bool) {
	if s.Month < 1 || s.Month > 12 {
		return time.Time{}, false
	}
	m := time.Month(s.Month)
	if s.Year != 0 {
		if int(s.Year) != y || s.Day < 1 || int(s.Day) > daysIn(y, m) {
			return time.Time{}, false
		}
		return time.Date(y, m, int(s.Day), int(s.Hour), int(s.Minute), 0, 0, time.UTC), true
	}
	n := int(s.Day)
	if n < 1 || n > 5 || s.DayOfWeek > 6 {
		return time.Time{}, false
	}
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	d := 1 + (int(s.DayOfWeek)-int(first.Weekday())+7)%7 + 7*(n-1)
	for d > daysIn(y, m) {
		d -= 7
	}
	return time.Date(y, m, d, int(s.Hour), int(s.Minute), 0, 0, time.UTC), true
}

// blobLocation synthesises a location that applies the blob's yearly rule
// to every year from 1970 to 2037.
func blobLocation(b schema.TimeZone) (*time.Location, error) {
	stdOff := -int(b.Bias+b.StandardBias) * 60
	name := b.StandardName
	if name == "" {
		name = "GMT" + offsetName(stdOff)
	}
	if !b.HasDST() {
		return time.FixedZone(name, stdOff), nil
	}
	dstOff := -int(b.Bias+b.DaylightBias) * 60
	stdAbbr, dstAbbr := offsetName(stdOff), offsetName(dstOff)
	var trans []transition
	for y := 1970; y <= ruleHorizon; y++ {
		if on, ok := ruleDate(b.DaylightDate, y); ok {
			trans = append(trans, transition{at: on.Unix() - int64(stdOff), off: dstOff, dst: true, name: dstAbbr})
		}
		if off, ok := ruleDate(b.StandardDate, y); ok {
			trans = append(trans, transition{at: off.Unix() - int64(dstOff), off: stdOff, name: stdAbbr})
		}
	}
	return synthLocation(name, transition{off: stdOff, name: stdAbbr}, trans)
}

// FromTimeZone finds the zone a TIME_ZONE_INFORMATION blob describes,
// judged by its rules in the years around year. The all-zero blob is UTC.
// A StandardName that names a zone (Windows name, IANA, display name) is
// preferred when that zone's rules agree with the blob; otherwise the CLDR
// zones are searched for one with the same rules, the named Windows zone's
// siblings first; failing that a zone is synthesised from the blob's rule
// (MethodRules).
func FromTimeZone(b schema.TimeZone, year int) (Zone, error) {
	if b.IsZero() {
		return Zone{Loc: time.UTC, IANA: "Etc/UTC", Method: MethodUTC}, nil
	}
	own, err := blobLocation(b)
	if err != nil {
		return Zone{}, fmt.Errorf("timezone blob %q: %w", b.StandardName, err)
	}
	var cands []string
	if z, ok := ByName(b.StandardName); ok {
		if z.Method == MethodUTC || sameRules(z.Loc, own, year-1, year+1) {
			return z, nil
		}
		if wz, ok := windows().byIANA[z.IANA]; ok {
			cands = append(cands, wz.iana...)
		}
	}
	cands = append(cands, windows().allIANA...)
	for _, n := range cands {
		loc, ok := loadIANA(n)
		if ok && sameRules(loc, own, year-1, year+1) {
			return Zone{Loc: loc, IANA: n, Method: MethodVTimezone}, nil
		}
	}
	return Zone{Loc: own, Method: MethodRules}, nil
}
