package event

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/push/schema"
)

var dayCodes = []string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

func dayIndex(code string) int {
	for i, c := range dayCodes {
		if c == code {
			return i
		}
	}
	return -1
}

// ruleParts is a parsed RRULE: upper-case keys to raw values.
type ruleParts map[string]string

func parseRule(s string) (ruleParts, error) {
	rp := ruleParts{}
	// Exchange CDO writes "BYDAY=MO, TU"; rule values never hold spaces.
	s = strings.Join(strings.Fields(s), "")
	for _, kv := range strings.Split(s, ";") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("RRULE part %q has no '='", kv)
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		if _, dup := rp[k]; dup {
			return nil, fmt.Errorf("RRULE part %s repeated", k)
		}
		rp[k] = strings.ToUpper(strings.TrimSpace(v))
	}
	if rp["FREQ"] == "" {
		return nil, fmt.Errorf("RRULE without FREQ")
	}
	return rp, nil
}

// byDay is one BYDAY entry: an optional ordinal and a weekday.
type byDay struct {
	n   int // 0 = every
	day int // 0 = Sunday
}

func parseByDay(v string) ([]byDay, error) {
	var out []byDay
	for _, e := range strings.Split(v, ",") {
		e = strings.TrimSpace(e)
		if len(e) < 2 {
			return nil, fmt.Errorf("bad BYDAY %q", e)
		}
		d := dayIndex(e[len(e)-2:])
		if d < 0 {
			return nil, fmt.Errorf("bad BYDAY %q", e)
		}
		n := 0
		if num := e[:len(e)-2]; num != "" {
			var err error
			if n, err = strconv.Atoi(strings.TrimPrefix(num, "+")); err != nil || n == 0 || n < -53 || n > 53 {
				return nil, fmt.Errorf("bad BYDAY %q", e)
			}
		}
		out = append(out, byDay{n, d})
	}
	return out, nil
}

func singleInt(v string) (int, bool) {
	if v == "" || strings.Contains(v, ",") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(v, "+"))
	return n, err == nil
}

func intp(v int) *int { return &v }

// toRecurrence maps an RRULE to an EAS Recurrence. It returns an error
// naming the reason when EAS cannot express the rule exactly; the caller
// then keeps the rule locally.
func toRecurrence(rule string, start when, until func(string) (time.Time, error)) (*schema.Recurrence, error) {
	rp, err := parseRule(rule)
	if err != nil {
		return nil, err
	}
	for k := range rp {
		switch k {
		case "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST", "BYSETPOS":
		default:
			return nil, fmt.Errorf("%s has no ActiveSync equivalent", k)
		}
	}
	r := &schema.Recurrence{Interval: intp(1)}
	if v := rp["INTERVAL"]; v != "" {
		n, ok := singleInt(v)
		if !ok || n < 1 || n > 999 {
			return nil, fmt.Errorf("INTERVAL %q out of range", v)
		}
		r.Interval = intp(n)
	}
	if v := rp["COUNT"]; v != "" {
		n, ok := singleInt(v)
		if !ok || n < 1 || n > 999 {
			return nil, fmt.Errorf("COUNT %q out of range for ActiveSync (1–999)", v)
		}
		r.Occurrences = intp(n)
	}
	if v := rp["UNTIL"]; v != "" {
		if r.Occurrences != nil {
			return nil, fmt.Errorf("both COUNT and UNTIL")
		}
		t, err := until(v)
		if err != nil {
			return nil, fmt.Errorf("UNTIL: %w", err)
		}
		r.Until = schema.NewEventTime(t)
	}
	if v := rp["WKST"]; v != "" {
		d := dayIndex(v)
		if d < 0 {
			return nil, fmt.Errorf("bad WKST %q", v)
		}
		r.FirstDayOfWeek = intp(d)
	}
	local := start.T.In(start.Zone.Loc)
	var days []byDay
	if v := rp["BYDAY"]; v != "" {
		if days, err = parseByDay(v); err != nil {
			return nil, err
		}
	}
	mask := func(ds []byDay) *schema.DayOfWeek {
		var m schema.DayOfWeek
		for _, d := range ds {
			m |= 1 << d.day
		}
		return &m
	}
	ordinal := func() (int, bool) {
		// One ordinal shared by all days, from BYDAY or BYSETPOS.
		n := 0
		for i, d := range days {
			if i > 0 && d.n != n {
				return 0, false
			}
			n = d.n
		}
		if sp := rp["BYSETPOS"]; sp != "" {
			if n != 0 {
				return 0, false
			}
			v, ok := singleInt(sp)
			if !ok {
				return 0, false
			}
			n = v
		}
		switch {
		case n >= 1 && n <= 4:
			return n, true
		case n == -1:
			return 5, true
		}
		return 0, false
	}
	if rp["BYSETPOS"] != "" && (rp["FREQ"] == "DAILY" || rp["FREQ"] == "WEEKLY") {
		return nil, fmt.Errorf("BYSETPOS with FREQ=%s", rp["FREQ"])
	}
	switch rp["FREQ"] {
	case "DAILY":
		if rp["BYMONTHDAY"] != "" || rp["BYMONTH"] != "" {
			return nil, fmt.Errorf("DAILY with BYMONTH/BYMONTHDAY")
		}
		if len(days) == 0 {
			r.Type = schema.RecurDaily
			break
		}
		if *r.Interval != 1 {
			return nil, fmt.Errorf("DAILY with BYDAY and INTERVAL>1")
		}
		for _, d := range days {
			if d.n != 0 {
				return nil, fmt.Errorf("DAILY with ordinal BYDAY")
			}
		}
		r.Type, r.DayOfWeek = schema.RecurWeekly, mask(days)
	case "WEEKLY":
		if rp["BYMONTHDAY"] != "" || rp["BYMONTH"] != "" {
			return nil, fmt.Errorf("WEEKLY with BYMONTH/BYMONTHDAY")
		}
		for _, d := range days {
			if d.n != 0 {
				return nil, fmt.Errorf("WEEKLY with ordinal BYDAY")
			}
		}
		if len(days) == 0 {
			days = []byDay{{0, int(local.Weekday())}}
		}
		r.Type, r.DayOfWeek = schema.RecurWeekly, mask(days)
	case "MONTHLY", "YEARLY":
		yearly := rp["FREQ"] == "YEARLY"
		if yearly {
			m := int(local.Month())
			if v := rp["BYMONTH"]; v != "" {
				n, ok := singleInt(v)
				if !ok || n < 1 || n > 12 {
					return nil, fmt.Errorf("BYMONTH %q: ActiveSync takes one month", v)
				}
				m = n
			}
			r.MonthOfYear = intp(m)
		} else if rp["BYMONTH"] != "" {
			return nil, fmt.Errorf("MONTHLY with BYMONTH")
		}
		md := rp["BYMONTHDAY"]
		switch {
		case len(days) > 0 && md != "":
			return nil, fmt.Errorf("BYDAY with BYMONTHDAY")
		case len(days) > 0:
			n, ok := ordinal()
			if !ok {
				return nil, fmt.Errorf("BYDAY %q: ActiveSync needs one ordinal in 1–4 or -1", rp["BYDAY"])
			}
			m := mask(days)
			if len(days) > 1 && *m != schema.Weekdays && *m != schema.WeekendDays && *m != schema.LastDayOfMonth {
				return nil, fmt.Errorf("BYDAY %q: several days only as weekdays/weekend/any day", rp["BYDAY"])
			}
			r.WeekOfMonth, r.DayOfWeek = intp(n), m
			r.Type = schema.RecurMonthlyNth
			if yearly {
				r.Type = schema.RecurYearlyNth
			}
		case md == "-1" && rp["BYSETPOS"] == "":
			r.WeekOfMonth = intp(5)
			dw := schema.LastDayOfMonth
			r.DayOfWeek = &dw
			r.Type = schema.RecurMonthlyNth
			if yearly {
				r.Type = schema.RecurYearlyNth
			}
		default:
			if rp["BYSETPOS"] != "" {
				return nil, fmt.Errorf("BYSETPOS without BYDAY")
			}
			d := local.Day()
			if md != "" {
				n, ok := singleInt(md)
				if !ok || n < 1 || n > 31 {
					return nil, fmt.Errorf("BYMONTHDAY %q: ActiveSync takes one positive day", md)
				}
				d = n
			}
			// RFC 5545 skips months without that day; Outlook moves the
			// occurrence to the month's last day. Only days 1–28 agree.
			if d > 28 && !(yearly && d <= daysInMonth(2001, time.Month(*r.MonthOfYear))) {
				return nil, fmt.Errorf("day %d of month: ActiveSync and RFC 5545 differ for short months", d)
			}
			r.DayOfMonth = intp(d)
			r.Type = schema.RecurMonthly
			if yearly {
				r.Type = schema.RecurYearly
			}
		}
	default:
		return nil, fmt.Errorf("FREQ=%s has no ActiveSync equivalent", rp["FREQ"])
	}
	return r, nil
}

func daysInMonth(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// fromRecurrence writes an EAS Recurrence as an RRULE value. untilValue
// formats the Until instant in the style of DTSTART.
func fromRecurrence(r *schema.Recurrence, untilValue func(time.Time) string) (string, error) {
	if r.CalendarType != nil && *r.CalendarType > 1 {
		return "", fmt.Errorf("calendar type %d (non-Gregorian) not supported", *r.CalendarType)
	}
	var parts []string
	interval := 1
	if r.Interval != nil && *r.Interval > 1 {
		interval = *r.Interval
	}
	days := func(m schema.DayOfWeek, ord string) string {
		var out []string
		for i := range 7 {
			if m&(1<<i) != 0 {
				out = append(out, ord+dayCodes[i])
			}
		}
		return strings.Join(out, ",")
	}
	week := func() (string, error) {
		if r.WeekOfMonth == nil || *r.WeekOfMonth < 1 || *r.WeekOfMonth > 5 {
			return "", fmt.Errorf("WeekOfMonth missing or out of range")
		}
		if *r.WeekOfMonth == 5 {
			return "-1", nil
		}
		return strconv.Itoa(*r.WeekOfMonth), nil
	}
	nth := func(freq string) error {
		n, err := week()
		if err != nil {
			return err
		}
		if r.DayOfWeek == nil || *r.DayOfWeek <= 0 || *r.DayOfWeek > 127 {
			return fmt.Errorf("DayOfWeek missing")
		}
		m := *r.DayOfWeek
		parts = append(parts, "FREQ="+freq)
		if r.MonthOfYear != nil && freq == "YEARLY" {
			parts = append(parts, fmt.Sprintf("BYMONTH=%d", *r.MonthOfYear))
		}
		switch {
		case m == schema.LastDayOfMonth && n == "-1":
			parts = append(parts, "BYMONTHDAY=-1")
		case m&(m-1) == 0: // one day
			parts = append(parts, "BYDAY="+days(m, n))
		default:
			parts = append(parts, "BYDAY="+days(m, ""), "BYSETPOS="+n)
		}
		return nil
	}
	switch r.Type {
	case schema.RecurDaily:
		if r.DayOfWeek != nil && *r.DayOfWeek > 0 && *r.DayOfWeek < 127 {
			parts = append(parts, "FREQ=WEEKLY", "BYDAY="+days(*r.DayOfWeek, ""))
		} else {
			parts = append(parts, "FREQ=DAILY")
		}
	case schema.RecurWeekly:
		if r.DayOfWeek == nil || *r.DayOfWeek <= 0 || *r.DayOfWeek > 127 {
			return "", fmt.Errorf("weekly recurrence without DayOfWeek")
		}
		parts = append(parts, "FREQ=WEEKLY", "BYDAY="+days(*r.DayOfWeek, ""))
	case schema.RecurMonthly:
		if r.DayOfMonth == nil {
			return "", fmt.Errorf("monthly recurrence without DayOfMonth")
		}
		parts = append(parts, "FREQ=MONTHLY", fmt.Sprintf("BYMONTHDAY=%d", *r.DayOfMonth))
	case schema.RecurMonthlyNth:
		if err := nth("MONTHLY"); err != nil {
			return "", err
		}
	case schema.RecurYearly:
		if r.DayOfMonth == nil || r.MonthOfYear == nil {
			return "", fmt.Errorf("yearly recurrence without MonthOfYear/DayOfMonth")
		}
		parts = append(parts, "FREQ=YEARLY", fmt.Sprintf("BYMONTH=%d", *r.MonthOfYear), fmt.Sprintf("BYMONTHDAY=%d", *r.DayOfMonth))
	case schema.RecurYearlyNth:
		if r.MonthOfYear == nil {
			return "", fmt.Errorf("yearly recurrence without MonthOfYear")
		}
		if err := nth("YEARLY"); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("recurrence type %d unknown", r.Type)
	}
	if interval > 1 {
		parts = append(parts[:1], append([]string{fmt.Sprintf("INTERVAL=%d", interval)}, parts[1:]...)...)
	}
	switch {
	case r.Occurrences != nil && *r.Occurrences > 0:
		parts = append(parts, fmt.Sprintf("COUNT=%d", *r.Occurrences))
	case r.Until != nil:
		parts = append(parts, "UNTIL="+untilValue(r.Until.Time))
	}
	if r.FirstDayOfWeek != nil && *r.FirstDayOfWeek >= 0 && *r.FirstDayOfWeek <= 6 {
		parts = append(parts, "WKST="+dayCodes[*r.FirstDayOfWeek])
	}
	return strings.Join(parts, ";"), nil
}

// impliedRecurrence returns r with the pattern fields that MS-ASCAL
// requires but a server left out filled from the series' first start
// (local to the event's zone), and the names of the fields it filled.
// SOGo 5.8 stores an EAS DayOfMonth as BYMONTHDAY and then answers
// <Recurrence><Type>2</Type></Recurrence> for it, dropping the rule's
// day; a rule without its BY-part means "like the first instance" in
// iCalendar, which is what is filled in. r itself is not modified.
func impliedRecurrence(r *schema.Recurrence, start time.Time) (*schema.Recurrence, []string) {
	out := *r
	var filled []string
	if out.Interval == nil {
		// Absent means every period; ToEAS always writes it, so a base
		// must compare equal to a server that leaves it out.
		out.Interval = intp(1)
	}
	day := func() {
		if out.DayOfMonth == nil {
			out.DayOfMonth = intp(start.Day())
			filled = append(filled, "DayOfMonth")
		}
	}
	month := func() {
		if out.MonthOfYear == nil {
			out.MonthOfYear = intp(int(start.Month()))
			filled = append(filled, "MonthOfYear")
		}
	}
	weekday := func() {
		if out.DayOfWeek == nil || *out.DayOfWeek == 0 {
			d := schema.DayOfWeek(1 << start.Weekday())
			out.DayOfWeek = &d
			filled = append(filled, "DayOfWeek")
		}
	}
	nth := func() {
		if out.WeekOfMonth == nil {
			out.WeekOfMonth = intp((start.Day()-1)/7 + 1)
			filled = append(filled, "WeekOfMonth")
		}
		weekday()
	}
	switch r.Type {
	case schema.RecurWeekly:
		weekday()
	case schema.RecurMonthly:
		day()
	case schema.RecurMonthlyNth:
		nth()
	case schema.RecurYearly:
		month()
		day()
	case schema.RecurYearlyNth:
		month()
		nth()
	}
	return &out, filled
}
