package adb

import (
	"sort"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
)

var (
	eventCols = []string{"_id", "calendar_id", "dtstart", "dtend", "allDay", "duration", "eventTimezone",
		"uid2445", "rrule", "exdate", "title", "eventLocation", "description"}
	reminderCols = []string{"_id", "event_id", "minutes", "method"}
	attendeeCols = []string{"_id", "event_id", "attendeeRelationship", "attendeeType", "attendeeStatus",
		"attendeeEmail", "attendeeName"}
	calendarCols = []string{"_id", "visible", "calendar_access_level", "calendar_displayName"}
)

// Column indexes in eventCols.
const (
	eID = iota
	eCalendar
	eStart
	eEnd
	eAllDay
	eDuration
	eTZ
	eUID
	eRRule
	eExDate
	eTitle
	eLocation
	eDescription
)

// Attendees.ATTENDEE_* values.
const (
	relOrganizer  = 2
	typeRequired  = 1
	typeOptional  = 2
	statusAccept  = 1
	statusDecline = 2
	statusInvited = 3
	statusTent    = 4
	methodAlert   = 1
)

func itemFromRows(ev Row, reminders, attendees []Row) device.CalendarItem {
	it := device.CalendarItem{
		Component:   "VEVENT",
		UID:         ev.Value(eUID),
		Summary:     ev.Value(eTitle),
		Location:    ev.Value(eLocation),
		Description: ev.Value(eDescription),
		Start:       time.UnixMilli(ev.Int(eStart)).UTC(),
		AllDay:      ev.Value(eAllDay) == "1",
		RRule:       ev.Value(eRRule),
	}
	if !it.AllDay {
		if tz := ev.Value(eTZ); tz != "" && tz != "UTC" {
			if _, err := time.LoadLocation(tz); err == nil {
				it.TZID = tz
			}
		}
	}
	if end := ev.Value(eEnd); end != "" {
		it.End = time.UnixMilli(ev.Int(eEnd)).UTC()
	} else if d, ok := device.ParseDuration(ev.Value(eDuration)); ok {
		it.Duration = d
		if it.RRule == "" {
			it.End, it.Duration = it.Start.Add(d), 0
		}
	}
	for _, x := range strings.Split(ev.Value(eExDate), ",") {
		if t, ok := parseUTC(x); ok {
			it.ExDates = append(it.ExDates, t)
		}
	}
	for _, r := range reminders {
		if m := r.Int(2); m >= 0 {
			it.Alarms = append(it.Alarms, time.Duration(m)*time.Minute)
		}
	}
	sort.Slice(attendees, func(i, j int) bool { return attendees[i].Int(0) < attendees[j].Int(0) })
	for _, a := range attendees {
		at := device.Attendee{Email: a.Value(5), Name: a.Value(6)}
		switch {
		case a.Int(2) == relOrganizer:
			at.Role = "CHAIR"
		case a.Int(3) == typeOptional:
			at.Role = "OPT-PARTICIPANT"
		default:
			at.Role = "REQ-PARTICIPANT"
		}
		switch a.Int(4) {
		case statusAccept:
			at.Status = "ACCEPTED"
		case statusDecline:
			at.Status = "DECLINED"
		case statusTent:
			at.Status = "TENTATIVE"
		case statusInvited:
			at.Status = "NEEDS-ACTION"
		}
		it.Attendees = append(it.Attendees, at)
	}
	return it
}

// parseUTC reads the RFC 2445 UTC form Android keeps in EXDATE.
func parseUTC(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// eventBinds writes the item's fields; update also clears fields the item
// lacks (NULL binds), insert leaves them out.
func eventBinds(cmd *contentCmd, calID int64, it *device.CalendarItem, update bool) {
	start := it.Start
	tz := it.TZID
	if it.AllDay || tz == "" {
		// Android requires all-day events in UTC at midnight.
		tz = "UTC"
	}
	if it.AllDay {
		start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	}
	allDay := int64(0)
	if it.AllDay {
		allDay = 1
	}
	cmd.bindInt("calendar_id", calID).
		bindInt("dtstart", start.UnixMilli()).
		bindInt("allDay", allDay).
		bindString("eventTimezone", tz).
		bindOpt("title", it.Summary, update).
		bindOpt("eventLocation", it.Location, update).
		bindOpt("description", it.Description, update).
		bindOpt("uid2445", it.UID, update).
		bindOpt("rrule", it.RRule, update)
	var ex []string
	for _, x := range it.ExDates {
		ex = append(ex, x.UTC().Format("20060102T150405Z"))
	}
	cmd.bindOpt("exdate", strings.Join(ex, ","), update)
	// Recurring events carry a DURATION and no DTEND; single ones a DTEND.
	dur := it.Duration
	if dur == 0 && !it.End.IsZero() {
		dur = it.End.Sub(it.Start)
	}
	if dur <= 0 {
		dur = time.Hour
		if it.AllDay {
			dur = 24 * time.Hour
		}
	}
	if it.RRule != "" {
		cmd.bindString("duration", "P"+itoa(int64(dur/time.Second))+"S")
		if update {
			cmd.bindNull("dtend")
		}
	} else {
		cmd.bindInt("dtend", start.Add(dur).UnixMilli())
		if update {
			cmd.bindNull("duration")
		}
	}
}

func itoa(n int64) string { return idString(n) }

// childInserts writes the item's reminders and attendees for event id.
func childInserts(d dialect, id int64, it *device.CalendarItem) []string {
	var cmds []string
	for _, a := range it.Alarms {
		if a < 0 {
			continue // alarms after the start have no Android form
		}
		cmds = append(cmds, d.content("insert", remindersURI).bindInt("event_id", id).
			bindInt("minutes", int64(a/time.Minute)).bindInt("method", methodAlert).String())
	}
	for _, at := range it.Attendees {
		rel, typ, status := int64(1), int64(typeRequired), int64(0)
		switch at.Role {
		case "CHAIR":
			rel = relOrganizer
		case "OPT-PARTICIPANT":
			typ = typeOptional
		}
		switch at.Status {
		case "ACCEPTED":
			status = statusAccept
		case "DECLINED":
			status = statusDecline
		case "TENTATIVE":
			status = statusTent
		case "NEEDS-ACTION":
			status = statusInvited
		}
		cmds = append(cmds, d.content("insert", attendeesURI).bindInt("event_id", id).
			bindOpt("attendeeEmail", at.Email, false).bindOpt("attendeeName", at.Name, false).
			bindInt("attendeeRelationship", rel).bindInt("attendeeType", typ).
			bindInt("attendeeStatus", status).String())
	}
	return cmds
}
