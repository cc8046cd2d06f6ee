package device

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/tz"
)

// CalendarItem is the part of an event or to-do that phones keep, as read
// from or written to iCalendar / vCalendar.
type CalendarItem struct {
	// Component is "VEVENT" or "VTODO".
	Component   string
	UID         string
	Summary     string
	Description string
	Location    string
	// Start is the event's start (for a to-do, its DTSTART if any). For an
	// all-day item it is midnight UTC of the day.
	Start  time.Time
	AllDay bool
	// TZID is the IANA zone of Start and End; "" for UTC.
	TZID string
	// End is the exclusive end; zero when the item has a Duration instead
	// (recurring Android events) or no end.
	End      time.Time
	Duration time.Duration
	RRule    string
	ExDates  []time.Time
	// Alarms are reminder offsets before Start (15*time.Minute = 15
	// minutes before).
	Alarms    []time.Duration
	Attendees []Attendee
	// To-do fields.
	Due       time.Time
	Completed bool
	Priority  int
	// RecurrenceID is set on an exception to a recurring event: the
	// start of the occurrence it replaces.
	RecurrenceID time.Time
}

// Attendee is an event participant.
type Attendee struct {
	Name, Email string
	// Role is the iCalendar ROLE (REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR).
	Role string
	// Status is the PARTSTAT (ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION).
	Status string
}

// ParseCalendar reads every VEVENT and VTODO in data (iCalendar 2.0 or
// vCalendar 1.0). A TZID is resolved by name (IANA, vendor-prefixed IANA,
// Windows names); date-times with a TZID known by none of them are read
// as UTC.
func ParseCalendar(data []byte) ([]CalendarItem, error) {
	blocks, err := ParseBlocks(data, MaxItemBytes*64)
	if err != nil {
		return nil, err
	}
	var out []CalendarItem
	var walk func(b *Block)
	walk = func(b *Block) {
		switch b.Name {
		case "VEVENT", "VTODO":
			out = append(out, itemFromBlock(b))
			return
		}
		for _, c := range b.Children {
			walk(c)
		}
	}
	for _, b := range blocks {
		walk(b)
	}
	return out, nil
}

// ParseCalendarItem reads the main VEVENT or VTODO in data: the first one
// without a RECURRENCE-ID (a recurring event's master, not one of its
// exceptions), else the first one.
func ParseCalendarItem(data []byte) (CalendarItem, error) {
	if len(data) > MaxItemBytes {
		return CalendarItem{}, fmt.Errorf("calendar item: %d bytes: %w", len(data), ErrInvalid)
	}
	items, err := ParseCalendar(data)
	if err != nil {
		return CalendarItem{}, err
	}
	if len(items) == 0 {
		return CalendarItem{}, fmt.Errorf("calendar item: no VEVENT or VTODO: %w", ErrInvalid)
	}
	for _, it := range items {
		if it.RecurrenceID.IsZero() {
			return it, nil
		}
	}
	return items[0], nil
}

func itemFromBlock(b *Block) CalendarItem {
	it := CalendarItem{Component: b.Name}
	for _, l := range b.Lines {
		switch l.Name {
		case "UID":
			it.UID = strings.TrimSpace(l.Text())
		case "SUMMARY":
			it.Summary = l.Text()
		case "DESCRIPTION":
			it.Description = l.Text()
		case "LOCATION":
			it.Location = l.Text()
		case "DTSTART":
			it.Start, it.AllDay, it.TZID = parseDateTime(l)
		case "DTEND":
			it.End, _, _ = parseDateTime(l)
		case "DUE":
			it.Due, _, _ = parseDateTime(l)
		case "RECURRENCE-ID":
			it.RecurrenceID, _, _ = parseDateTime(l)
		case "DURATION":
			if d, ok := ParseDuration(l.Value); ok {
				it.Duration = d
			}
		case "RRULE":
			// vCalendar 1.0 rules ("W1 MO #0") are not RFC 5545; only
			// keep rules that look like iCalendar.
			if strings.Contains(l.Value, "FREQ=") {
				it.RRule = strings.TrimSpace(l.Value)
			}
		case "EXDATE":
			for _, v := range strings.Split(l.Value, ",") {
				one := l
				one.Value = v
				if t, _, _ := parseDateTime(one); !t.IsZero() {
					it.ExDates = append(it.ExDates, t)
				}
			}
		case "ATTENDEE":
			a := Attendee{Name: l.Param("CN"), Role: strings.ToUpper(l.Param("ROLE")),
				Status: strings.ToUpper(l.Param("PARTSTAT"))}
			v := strings.TrimSpace(l.Value)
			if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
				v = v[7:]
			}
			a.Email = v
			it.Attendees = append(it.Attendees, a)
		case "STATUS":
			if strings.EqualFold(strings.TrimSpace(l.Value), "COMPLETED") {
				it.Completed = true
			}
		case "COMPLETED":
			it.Completed = true
		case "PRIORITY":
			it.Priority, _ = strconv.Atoi(strings.TrimSpace(l.Value))
		case "AALARM", "DALARM":
			// vCalendar 1.0 alarm: the value starts with the alarm time.
			one := l
			one.Value, _, _ = strings.Cut(l.Value, ";")
			if t, _, _ := parseDateTime(one); !t.IsZero() && !it.Start.IsZero() && l.Name == "AALARM" {
				it.Alarms = append(it.Alarms, it.Start.Sub(t))
			}
		}
	}
	for _, c := range b.Children {
		if c.Name != "VALARM" {
			continue
		}
		if tr, ok := c.First("TRIGGER"); ok {
			if d, ok := ParseDuration(tr.Value); ok && !strings.EqualFold(tr.Param("RELATED"), "END") {
				it.Alarms = append(it.Alarms, -d)
			}
		}
	}
	if it.AllDay && it.End.IsZero() && it.Duration == 0 && it.Component == "VEVENT" {
		it.End = it.Start.AddDate(0, 0, 1)
	}
	return it
}

// parseDateTime reads a DATE or DATE-TIME value with its TZID. It returns
// the zero time for values it cannot read.
func parseDateTime(l Line) (t time.Time, allDay bool, tzid string) {
	v := strings.TrimSpace(l.Value)
	v = strings.ReplaceAll(v, "-", "")
	v = strings.ReplaceAll(v, ":", "")
	if l.Param("VALUE") == "DATE" || (len(v) == 8 && allDigits(v)) {
		d, err := time.Parse("20060102", v[:min(len(v), 8)])
		if err != nil {
			return time.Time{}, false, ""
		}
		return d, true, ""
	}
	if strings.HasSuffix(v, "Z") {
		d, err := time.Parse("20060102T150405Z", v)
		if err != nil {
			return time.Time{}, false, ""
		}
		return d.UTC(), false, ""
	}
	loc := time.UTC
	if id := l.Param("TZID"); id != "" {
		// Servers name zones their own way (SOGo's "/inverse.ca/…/Europe/
		// Berlin", Exchange's "W. Europe Standard Time"); a zone read as
		// UTC would move the event on the phone by hours.
		if z, ok := tz.ByName(id); ok && z.Loc != nil && z.Loc != time.UTC {
			loc, tzid = z.Loc, z.IANA
			if tzid == "" {
				tzid = z.Loc.String()
			}
		}
	}
	d, err := time.ParseInLocation("20060102T150405", v, loc)
	if err != nil {
		return time.Time{}, false, ""
	}
	return d, false, tzid
}

// ParseDuration reads an RFC 5545 duration ("-PT15M", "P1D", "P3600S" as
// Android writes it). It reports false for malformed input.
func ParseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(strings.ToUpper(s))
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, false
	}
	var d time.Duration
	num := 0
	digits := false
	inTime := false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if num > 1e9 {
				return 0, false
			}
			num = num*10 + int(c-'0')
			digits = true
			continue
		case c == 'T':
			inTime = true
			continue
		}
		if !digits {
			return 0, false
		}
		unit := time.Duration(0)
		switch {
		case c == 'W':
			unit = 7 * 24 * time.Hour
		case c == 'D':
			unit = 24 * time.Hour
		case c == 'H' && inTime:
			unit = time.Hour
		case c == 'M' && inTime:
			unit = time.Minute
		case c == 'S':
			unit = time.Second
		default:
			return 0, false
		}
		d += time.Duration(num) * unit
		num, digits = 0, false
	}
	if digits {
		return 0, false
	}
	if neg {
		d = -d
	}
	return d, true
}

// FormatDuration writes d as an RFC 5545 duration.
func FormatDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	if d%(24*time.Hour) == 0 && d > 0 {
		return sign + "P" + strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "D"
	}
	s := sign + "PT"
	if h := d / time.Hour; h > 0 {
		s += strconv.FormatInt(int64(h), 10) + "H"
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		s += strconv.FormatInt(int64(m), 10) + "M"
		d -= m * time.Minute
	}
	if sec := d / time.Second; sec > 0 || s == sign+"PT" {
		s += strconv.FormatInt(int64(sec), 10) + "S"
	}
	return s
}

// ICalendar encodes the item as an iCalendar 2.0 object holding one
// component. The output is deterministic. A non-UTC zone is written as a
// TZID parameter naming the IANA zone, without a VTIMEZONE.
func (it *CalendarItem) ICalendar() []byte {
	var w writer
	w.line("BEGIN", nil, "VCALENDAR")
	w.line("VERSION", nil, "2.0")
	w.line("PRODID", nil, "-//Cradle//device//EN")
	comp := it.Component
	if comp == "" {
		comp = "VEVENT"
	}
	w.line("BEGIN", nil, comp)
	if it.UID != "" {
		w.line("UID", nil, escapeText(it.UID))
	}
	if !it.RecurrenceID.IsZero() {
		it.writeTime(&w, "RECURRENCE-ID", it.RecurrenceID)
	}
	if !it.Start.IsZero() {
		it.writeTime(&w, "DTSTART", it.Start)
	}
	if !it.End.IsZero() {
		it.writeTime(&w, "DTEND", it.End)
	} else if it.Duration != 0 {
		w.line("DURATION", nil, FormatDuration(it.Duration))
	}
	if !it.Due.IsZero() {
		it.writeTime(&w, "DUE", it.Due)
	}
	if it.Summary != "" {
		w.line("SUMMARY", nil, escapeText(it.Summary))
	}
	if it.Location != "" {
		w.line("LOCATION", nil, escapeText(it.Location))
	}
	if it.Description != "" {
		w.line("DESCRIPTION", nil, escapeText(it.Description))
	}
	if it.RRule != "" {
		w.line("RRULE", nil, it.RRule)
	}
	for _, x := range it.ExDates {
		it.writeTime(&w, "EXDATE", x)
	}
	if it.Component == "VTODO" {
		if it.Completed {
			w.line("STATUS", nil, "COMPLETED")
		}
		if it.Priority != 0 {
			w.line("PRIORITY", nil, strconv.Itoa(it.Priority))
		}
	}
	atts := append([]Attendee(nil), it.Attendees...)
	sort.SliceStable(atts, func(i, j int) bool { return atts[i].Email < atts[j].Email })
	for _, a := range atts {
		var ps []string
		if a.Name != "" {
			ps = append(ps, `CN="`+strings.ReplaceAll(a.Name, `"`, "'")+`"`)
		}
		if a.Role != "" {
			ps = append(ps, "ROLE="+a.Role)
		}
		if a.Status != "" {
			ps = append(ps, "PARTSTAT="+a.Status)
		}
		w.line("ATTENDEE", ps, "mailto:"+a.Email)
	}
	alarms := append([]time.Duration(nil), it.Alarms...)
	sort.Slice(alarms, func(i, j int) bool { return alarms[i] < alarms[j] })
	for _, a := range alarms {
		w.line("BEGIN", nil, "VALARM")
		w.line("ACTION", nil, "DISPLAY")
		w.line("DESCRIPTION", nil, "Reminder")
		w.line("TRIGGER", nil, FormatDuration(-a))
		w.line("END", nil, "VALARM")
	}
	w.line("END", nil, comp)
	w.line("END", nil, "VCALENDAR")
	return w.Bytes()
}

func (it *CalendarItem) writeTime(w *writer, name string, t time.Time) {
	switch {
	case it.AllDay:
		w.line(name, []string{"VALUE=DATE"}, t.UTC().Format("20060102"))
	case it.TZID != "" && it.TZID != "UTC":
		if loc, err := time.LoadLocation(it.TZID); err == nil {
			w.line(name, []string{"TZID=" + it.TZID}, t.In(loc).Format("20060102T150405"))
			return
		}
		fallthrough
	default:
		w.line(name, nil, t.UTC().Format("20060102T150405Z"))
	}
}
