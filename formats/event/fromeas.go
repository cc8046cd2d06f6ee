package event

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
	"github.com/cradle-sync/cradle/push/schema"
	"github.com/google/uuid"
)

// FromEAS turns an ActiveSync calendar item back into iCalendar.
//
// With base nil it builds a new item (master, overrides for modified
// exceptions, EXDATEs for deleted ones, and the VTIMEZONE it needs) in a
// new VCALENDAR. With a base it merges: the base's calendar is copied, and
// only the property groups whose EAS value differs from what the base maps
// to are rewritten; everything else, including properties ActiveSync cannot
// carry, stays byte for byte. The base is not modified.
func FromEAS(e *schema.Event, base *Item, opts Options) (_ *Item, _ Report, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("event from ActiveSync: internal error: %v", v)
		}
	}()
	if e == nil {
		return nil, Report{}, fmt.Errorf("event from ActiveSync: nil event")
	}
	e, filled := withImpliedRecurrence(e, opts)
	var it *Item
	var rep Report
	if base == nil {
		c := newConverter(nil, opts)
		it, err = c.fresh(e, nil)
		rep = *c.rep
	} else {
		it, rep, err = merge(e, base, opts)
	}
	if len(filled) > 0 {
		rep.notef("Recurrence without %s: taken from StartTime", strings.Join(filled, ", "))
	}
	return it, rep, err
}

// withImpliedRecurrence returns e, or a shallow copy whose Recurrence has
// the fields a server omitted filled in (see impliedRecurrence).
func withImpliedRecurrence(e *schema.Event, opts Options) (*schema.Event, []string) {
	if e.Recurrence == nil || e.StartTime == nil {
		return e, nil
	}
	zone := newConverter(nil, opts).zoneOf(e)
	r, filled := impliedRecurrence(e.Recurrence, e.StartTime.In(zone.Loc))
	out := *e
	out.Recurrence = r
	return &out, filled
}

// zoneOf resolves the event's TIME_ZONE_INFORMATION.
func (c *converter) zoneOf(e *schema.Event) tz.Zone {
	year := time.Now().Year()
	if e.StartTime != nil && e.Recurrence == nil {
		year = e.StartTime.Year()
	}
	if e.TimeZone == nil {
		return c.defaultZone()
	}
	z, err := tz.FromTimeZone(*e.TimeZone, year)
	if err != nil {
		c.rep.notef("Timezone unusable (%v): using %s", err, c.defaultZone().Loc)
		return c.defaultZone()
	}
	if z.Method == tz.MethodUTC {
		z.IANA = ""
	}
	return z
}

// style returns the when used to format the event's times.
func (c *converter) style(e *schema.Event, zone tz.Zone) when {
	if e.AllDayEvent != nil && bool(*e.AllDayEvent) {
		return when{Date: true, Zone: zone}
	}
	switch {
	case zone.Loc == time.UTC || zone.Method == tz.MethodUTC:
		return when{Zone: tz.Zone{Loc: time.UTC, Method: tz.MethodUTC}}
	case zone.IANA != "":
		return when{Zone: zone, TZID: zone.IANA}
	default:
		return when{Zone: zone, TZID: zone.Loc.String()}
	}
}

func timeProp(name string, t time.Time, w when) *ical.Prop {
	p := &ical.Prop{Name: name, Value: formatWhen(t, w)}
	switch {
	case w.Date:
		p.SetParam("VALUE", "DATE")
	case w.TZID != "":
		p.SetParam("TZID", w.TZID)
	}
	return p
}

// fresh builds an Item from e alone. cal, when non-nil, is the calendar to
// add missing VTIMEZONEs to.
func (c *converter) fresh(e *schema.Event, cal *ical.Component) (*Item, error) {
	if e.StartTime == nil {
		return nil, fmt.Errorf("event from ActiveSync: no StartTime")
	}
	zone := c.zoneOf(e)
	w := c.style(e, zone)
	if c.styleOverride != nil && w.Date == c.styleOverride.Date {
		w = *c.styleOverride
	}
	if cal == nil {
		cal = &ical.Component{Name: "VCALENDAR"}
		cal.Add(&ical.Prop{Name: "VERSION", Value: "2.0"})
		cal.Add(&ical.Prop{Name: "PRODID", Value: "-//Cradle//Cradle ActiveSync bridge//EN"})
	}
	uid := ""
	if e.UID != nil {
		uid = *e.UID
	}
	m := c.freshComponent(e, eventFields(e), w)
	it := &Item{UID: uid, Kind: "VEVENT", Master: m, Calendar: cal}
	if e.Recurrence != nil {
		rule, err := fromRecurrence(e.Recurrence, func(t time.Time) string {
			if w.Date {
				return t.In(w.Zone.Loc).Format("20060102")
			}
			return t.UTC().Format("20060102T150405Z")
		})
		if err != nil {
			c.rep.notef("Recurrence not converted: %v", err)
		} else {
			m.Add(&ical.Prop{Name: "RRULE", Value: rule})
		}
	}
	if e.Exceptions != nil {
		for _, x := range e.Exceptions.Exception {
			orig, err := exceptionKey(x)
			if err != nil {
				c.rep.notef("exception skipped: %v", err)
				continue
			}
			if x.Deleted != nil && bool(*x.Deleted) {
				m.Add(timeProp("EXDATE", orig, w))
				continue
			}
			it.Overrides = append(it.Overrides, c.freshOverride(e, x, orig, w))
		}
	}
	if w.TZID != "" && !w.Date && c.styleOverride == nil {
		ensureVTimezone(cal, zone.Loc, w.TZID, e.StartTime.Year())
	}
	cal.Children = append(cal.Children, it.Components()...)
	return it, nil
}

func ensureVTimezone(cal *ical.Component, loc *time.Location, tzid string, year int) {
	for _, ch := range cal.Children {
		if ch.Name == "VTIMEZONE" && strings.EqualFold(ical.Unescape(ch.Value("TZID")), tzid) {
			return
		}
	}
	vt := tz.VTimezone(loc, tzid, year)
	// VTIMEZONEs go before the components that use them.
	i := 0
	for i < len(cal.Children) && cal.Children[i].Name == "VTIMEZONE" {
		i++
	}
	cal.Children = append(cal.Children[:i], append([]*ical.Component{vt}, cal.Children[i:]...)...)
}

// exceptionKey is an exception's original start: ExceptionStartTime, or
// the 16.x InstanceId.
func exceptionKey(x schema.EventException) (time.Time, error) {
	if x.ExceptionStartTime != nil {
		return x.ExceptionStartTime.Time, nil
	}
	if x.InstanceID != nil {
		return parseInstanceID(*x.InstanceID)
	}
	return time.Time{}, fmt.Errorf("exception without ExceptionStartTime or InstanceId")
}

// easFields is the subset of an Event or EventException that maps to one
// VEVENT's properties.
type easFields struct {
	uid               *string
	start, end        *schema.EventTime
	subject           *string
	body              *schema.Body
	location          *string
	place             *schema.Location
	reminder          *int
	sensitivity       *schema.Sensitivity
	busy              *schema.BusyStatus
	categories        *schema.EventCategories
	attendees         *schema.Attendees
	orgName, orgEmail *string
	meeting           *schema.MeetingStatus
	dtstamp           *schema.EventTime
	disallow          *schema.Bool
	server            serverSet
}

func eventFields(e *schema.Event) easFields {
	return easFields{
		uid: e.UID, start: e.StartTime, end: e.EndTime, subject: e.Subject, body: e.Body, location: e.Location,
		place: e.Place, reminder: e.Reminder, sensitivity: e.Sensitivity, busy: e.BusyStatus, categories: e.Categories,
		attendees: e.Attendees, orgName: e.OrganizerName, orgEmail: e.OrganizerEmail, meeting: e.MeetingStatus,
		dtstamp: e.DtStamp, disallow: e.DisallowNewTimeProposal, server: eventServerSet(e),
	}
}

// overlay returns the master's fields with the exception's non-nil ones.
func overlay(e *schema.Event, x schema.EventException) easFields {
	f := eventFields(e)
	f.disallow = nil
	if x.StartTime != nil {
		f.start = x.StartTime
	}
	if x.EndTime != nil {
		f.end = x.EndTime
	}
	if x.Subject != nil {
		f.subject = x.Subject
	}
	if x.Body != nil {
		f.body = x.Body
	}
	if x.Location != nil {
		f.location = x.Location
	}
	if x.Place != nil {
		f.place = x.Place
	}
	if x.Reminder != nil {
		f.reminder = x.Reminder
	}
	if x.Sensitivity != nil {
		f.sensitivity = x.Sensitivity
	}
	if x.BusyStatus != nil {
		f.busy = x.BusyStatus
	}
	if x.Categories != nil {
		f.categories = x.Categories
	}
	if x.Attendees != nil {
		f.attendees = x.Attendees
	}
	if x.MeetingStatus != nil {
		f.meeting = x.MeetingStatus
	}
	if x.DtStamp != nil {
		f.dtstamp = x.DtStamp
	}
	f.server.overlay(x)
	return f
}

func (c *converter) freshOverride(e *schema.Event, x schema.EventException, orig time.Time, w when) *ical.Component {
	f := overlay(e, x)
	if x.StartTime == nil {
		// An exception that only changes other fields keeps the slot.
		dur := time.Duration(0)
		if e.EndTime != nil {
			dur = e.EndTime.Sub(e.StartTime.Time)
		}
		f.start = schema.NewEventTime(orig)
		if x.EndTime == nil {
			f.end = schema.NewEventTime(orig.Add(dur))
		}
	}
	ow := w
	if x.AllDayEvent != nil {
		ow.Date = bool(*x.AllDayEvent)
	}
	o := c.freshComponent(e, f, ow)
	rid := timeProp("RECURRENCE-ID", orig, w)
	// RECURRENCE-ID goes right after UID, as producers write it.
	o.Props = append(o.Props[:1], append([]*ical.Prop{rid}, o.Props[1:]...)...)
	return o
}

var sensitivityClass = map[schema.Sensitivity]string{
	schema.SensitivityNormal: "PUBLIC", schema.SensitivityPersonal: "PERSONAL",
	schema.SensitivityPrivate: "PRIVATE", schema.SensitivityConfidential: "CONFIDENTIAL",
}

var busyNames = map[schema.BusyStatus]string{
	schema.BusyFree: "FREE", schema.BusyTentative: "TENTATIVE", schema.BusyBusy: "BUSY",
	schema.BusyOutOfOffice: "OOF", schema.BusyWorkingElsewhere: "WORKINGELSEWHERE",
}

var statusPartstat = map[schema.AttendeeStatus]string{
	schema.AttendeeAccepted: "ACCEPTED", schema.AttendeeDeclined: "DECLINED",
	schema.AttendeeTentative: "TENTATIVE", schema.AttendeeNotResponded: "NEEDS-ACTION",
}

// freshComponent writes one VEVENT from EAS fields, in a conventional
// property order.
func (c *converter) freshComponent(e *schema.Event, f easFields, w when) *ical.Component {
	v := &ical.Component{Name: "VEVENT"}
	uid := ""
	if f.uid != nil {
		uid = *f.uid
	} else {
		// RFC 5545 requires a UID; the server may not have sent one.
		uid = c.newUID(e)
	}
	v.Add(&ical.Prop{Name: "UID", Value: ical.Escape(uid)})
	if f.dtstamp != nil {
		v.Add(&ical.Prop{Name: "DTSTAMP", Value: f.dtstamp.UTC().Format("20060102T150405Z")})
	} else {
		v.Add(&ical.Prop{Name: "DTSTAMP", Value: c.now.Format("20060102T150405Z")})
	}
	for _, p := range c.timeProps(f, w) {
		v.Add(p)
	}
	// An empty EAS string means "none": no property is written for it.
	if f.subject != nil && *f.subject != "" {
		p := &ical.Prop{Name: "SUMMARY"}
		p.SetText(*f.subject)
		v.Add(p)
	}
	if f.body != nil && f.body.Data != nil && *f.body.Data != "" {
		switch f.body.Type {
		case schema.BodyHTML:
			p := &ical.Prop{Name: "X-ALT-DESC", Params: []ical.Param{{Name: "FMTTYPE", Values: []string{"text/html"}}}}
			p.SetText(*f.body.Data)
			v.Add(p)
		case schema.BodyPlain:
			p := &ical.Prop{Name: "DESCRIPTION"}
			p.SetText(*f.body.Data)
			v.Add(p)
		default:
			c.rep.notef("body of type %d (RTF/MIME) not written", f.body.Type)
		}
	}
	if loc := locationText(f.location, f.place); loc != nil && *loc != "" {
		p := &ical.Prop{Name: "LOCATION"}
		p.SetText(*loc)
		v.Add(p)
	}
	if p := geoProp(f.place); p != nil {
		v.Add(p)
	}
	if f.sensitivity != nil {
		if s, ok := sensitivityClass[*f.sensitivity]; ok {
			v.Add(&ical.Prop{Name: "CLASS", Value: s})
		}
	}
	for _, p := range busyProps(f.busy) {
		v.Add(p)
	}
	if f.categories != nil && len(f.categories.Category) > 0 {
		vals := make([]string, len(f.categories.Category))
		for i, s := range f.categories.Category {
			vals[i] = ical.Escape(s)
		}
		v.Add(&ical.Prop{Name: "CATEGORIES", Value: strings.Join(vals, ",")})
	}
	if f.orgEmail != nil && *f.orgEmail != "" {
		p := &ical.Prop{Name: "ORGANIZER", Value: "mailto:" + *f.orgEmail}
		if f.orgName != nil && *f.orgName != "" {
			p.SetParam("CN", *f.orgName)
		}
		v.Add(p)
	}
	if f.attendees != nil {
		for _, a := range f.attendees.Attendee {
			v.Add(attendeeProp(a))
		}
	}
	if f.meeting != nil && f.meeting.Cancelled() {
		v.Add(&ical.Prop{Name: "STATUS", Value: "CANCELLED"})
	}
	if f.disallow != nil {
		v.Add(&ical.Prop{Name: "X-MICROSOFT-DISALLOW-COUNTER", Value: strings.ToUpper(fmt.Sprint(bool(*f.disallow)))})
	}
	for _, p := range f.server.props() {
		v.Add(p)
	}
	if f.reminder != nil {
		v.Children = append(v.Children, alarmComponent(*f.reminder))
	}
	return v
}

func (c *converter) timeProps(f easFields, w when) []*ical.Prop {
	if f.start == nil {
		return nil
	}
	out := []*ical.Prop{timeProp("DTSTART", f.start.Time, w)}
	if f.end != nil && !f.end.Equal(f.start.Time) {
		out = append(out, timeProp("DTEND", f.end.Time, w))
	} else if w.Date {
		out = append(out, timeProp("DTEND", f.start.Time.In(w.Zone.Loc).AddDate(0, 0, 1), w))
	}
	return out
}

func locationText(loc *string, place *schema.Location) *string {
	if loc != nil {
		return loc
	}
	if place != nil {
		return place.DisplayName
	}
	return nil
}

func busyProps(b *schema.BusyStatus) []*ical.Prop {
	if b == nil {
		return nil
	}
	transp := "OPAQUE"
	if *b == schema.BusyFree {
		transp = "TRANSPARENT"
	}
	out := []*ical.Prop{{Name: "TRANSP", Value: transp}}
	if *b != schema.BusyFree && *b != schema.BusyBusy {
		if n, ok := busyNames[*b]; ok {
			out = append(out, &ical.Prop{Name: "X-MICROSOFT-CDO-BUSYSTATUS", Value: n})
		}
	}
	return out
}

func attendeeProp(a schema.Attendee) *ical.Prop {
	p := &ical.Prop{Name: "ATTENDEE", Value: "mailto:" + a.Email}
	if a.Name != "" && a.Name != a.Email {
		p.SetParam("CN", a.Name)
	}
	if a.AttendeeType != nil {
		switch *a.AttendeeType {
		case schema.AttendeeOptional:
			p.SetParam("ROLE", "OPT-PARTICIPANT")
		case schema.AttendeeResource:
			p.SetParam("CUTYPE", "RESOURCE")
		default:
			p.SetParam("ROLE", "REQ-PARTICIPANT")
		}
	}
	if a.AttendeeStatus != nil {
		if ps, ok := statusPartstat[*a.AttendeeStatus]; ok {
			p.SetParam("PARTSTAT", ps)
		}
	}
	return p
}

func alarmComponent(minutes int) *ical.Component {
	a := &ical.Component{Name: "VALARM"}
	a.Add(&ical.Prop{Name: "ACTION", Value: "DISPLAY"})
	a.Add(&ical.Prop{Name: "DESCRIPTION", Value: "Reminder"})
	a.Add(&ical.Prop{Name: "TRIGGER", Value: formatDuration(-time.Duration(minutes) * time.Minute)})
	return a
}

// sameXML compares two values by their XML encoding, which is how the
// server would see them.
func sameXML(a, b any) bool {
	x, err1 := xml.Marshal(a)
	y, err2 := xml.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// newUID returns one generated UID per converter, so that a master and its
// overrides share it.
func (c *converter) newUID(e *schema.Event) string {
	if c.genUID == "" {
		c.genUID = uuid.NewString()
	}
	return c.genUID
}

// geoProp writes 16.x location coordinates the way Apple clients do.
func geoProp(place *schema.Location) *ical.Prop {
	if place == nil || place.Latitude == nil || place.Longitude == nil {
		return nil
	}
	p := &ical.Prop{Name: "X-APPLE-STRUCTURED-LOCATION", Params: []ical.Param{{Name: "VALUE", Values: []string{"URI"}}},
		Value: "geo:" + strconv.FormatFloat(*place.Latitude, 'g', -1, 64) + "," + strconv.FormatFloat(*place.Longitude, 'g', -1, 64)}
	if place.DisplayName != nil && *place.DisplayName != "" {
		p.SetParam("X-TITLE", *place.DisplayName)
	}
	return p
}
