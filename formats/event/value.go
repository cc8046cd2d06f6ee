package event

import (
	"fmt"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
)

// when is a parsed DATE or DATE-TIME property value.
type when struct {
	T        time.Time // the instant; for dates and floating times, in the zone used
	Date     bool      // VALUE=DATE (all-day)
	Floating bool      // no TZID and no Z: interpreted in Options.Zone
	TZID     string    // as written
	Zone     tz.Zone   // the resolved zone (UTC for Z values)
}

// parseWhen reads a DTSTART-like property. Dates are midnight in the
// default zone; lenient about "VALUE=DATE" with a time and dates without
// VALUE=DATE.
func (c *converter) parseWhen(p *ical.Prop) (when, error) {
	if p == nil {
		return when{}, fmt.Errorf("missing")
	}
	return c.parseValue(p, strings.TrimSpace(p.Value))
}

func (c *converter) parseValue(p *ical.Prop, v string) (when, error) {
	w := when{TZID: p.Param("TZID")}
	utc := strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z")
	wall, err := parseLocal(v)
	if err != nil {
		return w, err
	}
	isDate := len(strings.TrimSuffix(v, "Z")) == 8
	if isDate || (strings.EqualFold(p.Param("VALUE"), "DATE") && wall.Hour() == 0 && wall.Minute() == 0) {
		w.Date = true
		w.Zone = c.defaultZone()
		w.T = time.Date(wall.Year(), wall.Month(), wall.Day(), 0, 0, 0, 0, w.Zone.Loc)
		return w, nil
	}
	switch {
	case utc:
		w.Zone = tz.Zone{Loc: time.UTC, IANA: "Etc/UTC", Method: tz.MethodUTC}
	case w.TZID != "":
		z, err := c.res.Resolve(w.TZID)
		if err != nil {
			// An unknown zone is read as floating rather than dropping
			// the event; the report says so.
			c.note(p, fmt.Sprintf("TZID %q unknown, read in %s", w.TZID, c.defaultZone().Loc))
			w.Floating = true
			w.Zone = c.defaultZone()
		} else {
			w.Zone = z
		}
	default:
		w.Floating = true
		w.Zone = c.defaultZone()
	}
	w.T = time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, w.Zone.Loc)
	return w, nil
}

// parseLocal reads the wall-clock fields of a DATE or DATE-TIME value.
func parseLocal(v string) (time.Time, error) {
	s := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(v), "Z"), "z")
	for _, l := range []string{"20060102T150405", "20060102T1504", "20060102", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date-time %q", v)
}

// formatWhen writes t as a property value in the style of w: a DATE, a UTC
// DATE-TIME, or a local DATE-TIME in w's zone (TZID kept).
func formatWhen(t time.Time, w when) string {
	switch {
	case w.Date:
		t = t.In(w.Zone.Loc)
		return t.Format("20060102")
	case w.Zone.Method == tz.MethodUTC && !w.Floating && w.TZID == "":
		return t.UTC().Format("20060102T150405Z")
	default:
		return t.In(w.Zone.Loc).Format("20060102T150405")
	}
}

// parseDuration reads an RFC 5545 duration ("-PT15M", "P1DT2H", "P2W").
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	s = s[1:]
	var d time.Duration
	inTime := false
	num := 0
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			num = num*10 + int(r-'0')
			digits++
			if digits > 9 {
				return 0, fmt.Errorf("bad duration %q", s)
			}
			continue
		case r == 'T':
			inTime = true
			continue
		}
		if digits == 0 {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		n := time.Duration(num)
		switch {
		case r == 'W' && !inTime:
			d += n * 7 * 24 * time.Hour
		case r == 'D' && !inTime:
			d += n * 24 * time.Hour
		case r == 'H' && inTime:
			d += n * time.Hour
		case r == 'M' && inTime:
			d += n * time.Minute
		case r == 'S' && inTime:
			d += n * time.Second
		default:
			return 0, fmt.Errorf("bad duration %q", s)
		}
		num, digits = 0, 0
	}
	if digits != 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	if neg {
		d = -d
	}
	return d, nil
}

// formatDuration writes d as an RFC 5545 duration.
func formatDuration(d time.Duration) string {
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	b.WriteByte('P')
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	if days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if d > 0 || days == 0 {
		b.WriteByte('T')
		h, m, s := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
		if h > 0 {
			fmt.Fprintf(&b, "%dH", h)
		}
		if m > 0 {
			fmt.Fprintf(&b, "%dM", m)
		}
		if s > 0 || (h == 0 && m == 0) {
			fmt.Fprintf(&b, "%dS", s)
		}
	}
	return b.String()
}
