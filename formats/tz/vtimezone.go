package tz

import (
	"fmt"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/teambition/rrule-go"
)

// ruleHorizon is the last year for which VTIMEZONE rules are expanded; the
// TZif encoding used for synthesised zones ends in 2038 anyway.
const ruleHorizon = 2037

// maxRuleIterations bounds expansion of one observance's RRULE.
const maxRuleIterations = 1000

// FromVTimezone builds a *time.Location from a VTIMEZONE's own STANDARD
// and DAYLIGHT rules (DTSTART, TZOFFSETFROM/TO, RRULE, RDATE, TZNAME), named
// after its TZID. Yearly and monthly rules are expanded up to 2037.
func FromVTimezone(vtz *ical.Component) (*time.Location, error) {
	name := ical.Unescape(vtz.Value("TZID"))
	initial, trans, err := vtimezoneTransitions(vtz)
	if err != nil {
		return nil, fmt.Errorf("VTIMEZONE %q: %w", name, err)
	}
	return synthLocation(name, initial, trans)
}

func vtimezoneTransitions(vtz *ical.Component) (transition, []transition, error) {
	var (
		trans    []transition
		initial  transition
		earliest int64 = 1<<63 - 1
	)
	horizon := time.Date(ruleHorizon, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, ob := range vtz.Children {
		if ob.Name != "STANDARD" && ob.Name != "DAYLIGHT" {
			continue
		}
		from, ok1 := parseOffset(ob.Value("TZOFFSETFROM"))
		to, ok2 := parseOffset(ob.Value("TZOFFSETTO"))
		if !ok2 {
			return initial, nil, fmt.Errorf("%s at line %d: bad TZOFFSETTO %q", ob.Name, ob.Line, ob.Value("TZOFFSETTO"))
		}
		if !ok1 {
			from = to
		}
		start, err := parseWall(ob.Value("DTSTART"))
		if err != nil {
			return initial, nil, fmt.Errorf("%s at line %d: DTSTART: %w", ob.Name, ob.Line, err)
		}
		dst := ob.Name == "DAYLIGHT"
		abbr := ical.Unescape(ob.Value("TZNAME"))
		if abbr == "" || len(abbr) > 16 {
			abbr = offsetName(to)
		}
		// Onsets are wall times in the offset in force before them.
		add := func(wall time.Time) {
			at := wall.Unix() - int64(from)
			trans = append(trans, transition{at: at, off: to, dst: dst, name: abbr})
			if at < earliest {
				earliest = at
				initial = transition{off: from, dst: false, name: offsetName(from)}
			}
		}
		starts := []time.Time{start}
		if rule := ob.Value("RRULE"); rule != "" {
			occ, err := expandZoneRule(rule, start, from, horizon)
			if err != nil {
				return initial, nil, fmt.Errorf("%s at line %d: RRULE: %w", ob.Name, ob.Line, err)
			}
			starts = occ
		}
		for _, rd := range ob.PropsNamed("RDATE") {
			for _, v := range ical.SplitList(rd.Value) {
				if t, err := parseWall(v); err == nil {
					starts = append(starts, t)
				}
			}
		}
		for _, s := range starts {
			add(s)
		}
	}
	if len(trans) == 0 {
		return initial, nil, fmt.Errorf("no STANDARD or DAYLIGHT observance")
	}
	return initial, trans, nil
}

// expandZoneRule expands an observance RRULE from a wall-clock DTSTART.
// UNTIL in UTC is converted to wall time with the observance's FROM
// offset, as RFC 5545 requires it to match the onset instant.
func expandZoneRule(rule string, start time.Time, from int, horizon time.Time) ([]time.Time, error) {
	opt, err := rrule.StrToROption(rule)
	if err != nil {
		return nil, err
	}
	if opt.Freq != rrule.YEARLY && opt.Freq != rrule.MONTHLY {
		return nil, fmt.Errorf("unsupported frequency %v for a zone rule", opt.Freq)
	}
	if strings.Contains(strings.ToUpper(rule), "UNTIL=") && strings.Contains(rule, "Z") && !opt.Until.IsZero() {
		opt.Until = opt.Until.Add(time.Duration(from) * time.Second)
	}
	// Rules starting in 1601 (Exchange) only matter from 1901 on.
	if start.Year() < 1900 && opt.Count == 0 {
		y := 1900 - start.Year()
		if opt.Interval > 1 {
			y -= y % opt.Interval
		}
		start = start.AddDate(y, 0, 0)
	}
	opt.Dtstart = start
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	it := r.Iterator()
	for i := 0; i < maxRuleIterations; i++ {
		t, ok := it()
		if !ok || t.After(horizon) {
			break
		}
		out = append(out, t)
	}
	return out, nil
}

// parseWall reads a DATE-TIME or DATE as wall-clock fields in UTC,
// ignoring any trailing Z.
func parseWall(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	v = strings.TrimSuffix(strings.TrimSuffix(v, "Z"), "z")
	for _, l := range []string{"20060102T150405", "20060102T1504", "20060102"} {
		if t, err := time.Parse(l, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date-time %q", v)
}

// sameRules reports whether a and b give the same offset at every probe
// instant of the years [from, to]: the 1st and 15th of each month and a
// half hour either side of each of a's and b's transitions in those years.
func sameRules(a, b *time.Location, from, to int) bool {
	for y := from; y <= to; y++ {
		for m := time.January; m <= time.December; m++ {
			for _, d := range []int{1, 15} {
				t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
				if offsetAt(a, t) != offsetAt(b, t) {
					return false
				}
			}
		}
		for _, loc := range []*time.Location{a, b} {
			for _, tr := range yearTransitions(loc, y) {
				for _, d := range []time.Duration{-30 * time.Minute, 30 * time.Minute} {
					t := tr.Add(d)
					if offsetAt(a, t) != offsetAt(b, t) {
						return false
					}
				}
			}
		}
	}
	return true
}

func offsetAt(loc *time.Location, t time.Time) int {
	_, off := t.In(loc).Zone()
	return off
}

// yearTransitions returns the instants in year y at which loc's offset
// changes, to the minute.
func yearTransitions(loc *time.Location, y int) []time.Time {
	var out []time.Time
	t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := offsetAt(loc, t)
	for t.Before(end) {
		next := t.Add(24 * time.Hour)
		if o := offsetAt(loc, next); o != prev {
			lo, hi := t, next
			for hi.Sub(lo) > time.Minute {
				mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Minute)
				if mid.Equal(lo) {
					break
				}
				if offsetAt(loc, mid) == prev {
					lo = mid
				} else {
					hi = mid
				}
			}
			out = append(out, hi)
			prev = o
		}
		t = next
	}
	return out
}
