package event

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
	"github.com/cradle-sync/cradle/push/schema"
)

// converter holds the state of one ToEAS/FromEAS call.
type converter struct {
	opts Options
	res  *tz.Resolver
	rep  *Report
	it   *Item
	comp string // label of the component being mapped, for the report
	// pending notes for the property being mapped
	notes map[*ical.Prop]string
	// styleOverride, when set, formats FromEAS times like the base item's
	// DTSTART (same TZID) instead of the event's own zone.
	styleOverride *when
	genUID        string
	now           time.Time // one DTSTAMP for everything written in a call
	// orphans is set when an item's overrides without master travel as a
	// made-up series (see planOrphans).
	orphans *orphanPlan
}

func newConverter(it *Item, opts Options) *converter {
	c := &converter{opts: opts, res: opts.Resolver, rep: &Report{}, it: it, notes: map[*ical.Prop]string{},
		now: time.Now().UTC().Truncate(time.Second)}
	if c.res == nil && it != nil {
		c.res = it.resolver
	}
	if c.res == nil {
		var cals []*ical.Component
		if it != nil && it.Calendar != nil {
			cals = append(cals, it.Calendar)
		}
		c.res = tz.NewResolver(cals...)
	}
	if it != nil {
		c.rep.UID = it.UID
	}
	return c
}

func (c *converter) defaultZone() tz.Zone {
	if c.opts.Zone == nil || c.opts.Zone == time.UTC {
		return tz.Zone{Loc: time.UTC, IANA: "Etc/UTC", Method: tz.MethodUTC}
	}
	name := c.opts.ZoneName
	if name == "" {
		name = c.opts.Zone.String()
	}
	return tz.Zone{Loc: c.opts.Zone, IANA: name, Method: tz.MethodIANA}
}

func (c *converter) note(p *ical.Prop, msg string) {
	if old := c.notes[p]; old != "" {
		msg = old + "; " + msg
	}
	c.notes[p] = msg
}

func (c *converter) status(p *ical.Prop, s Status, note string) {
	if n := c.notes[p]; n != "" {
		if note != "" {
			note = n + "; " + note
		} else {
			note = n
		}
	}
	c.rep.add(c.comp, p, s, note)
}

// fields is what one VEVENT (master or override) maps to.
type fields struct {
	start, end        when
	hasEnd            bool
	subject           *string
	body              *schema.Body
	location          *string
	reminder          *int
	sensitivity       *schema.Sensitivity
	busy              *schema.BusyStatus
	categories        []string
	hasCategories     bool
	attendees         []schema.Attendee
	organizerName     *string
	organizerEmail    *string
	cancelled         bool
	dtstamp           *schema.EventTime
	disallowCounter   *schema.Bool
	responseType      *schema.ResponseType
	responseRequested *schema.Bool
	geo               *[2]float64
	userIsOrganizer   bool
	rrule             *ical.Prop
	exdates           []*ical.Prop
	server            serverSet
}

// ToEAS maps one item (the components of one UID) to an ActiveSync
// calendar item. The error is non-nil only when the item has no usable
// DTSTART; the Report lists every property's status.
func ToEAS(it *Item, opts Options) (_ *schema.Event, _ Report, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("event %q: internal error: %v", it.UID, v)
		}
	}()
	e, rep, err := toEASWithServerSet(it, opts)
	if e != nil {
		stripServerSet(e)
	}
	return e, rep, err
}

// toEASWithServerSet is ToEAS keeping the server-maintained fields the
// file holds, which merge compares with the server's but a request must
// not carry.
func toEASWithServerSet(it *Item, opts Options) (*schema.Event, Report, error) {
	c := newConverter(it, opts)
	e, err := c.toEAS()
	c.rep.sortProps()
	return finish(e), *c.rep, err
}

func (c *converter) toEAS() (*schema.Event, error) {
	it := c.it
	prim := it.primary()
	if prim == nil {
		return nil, fmt.Errorf("event %q: no components", it.UID)
	}
	if it.Kind != "VEVENT" {
		return nil, fmt.Errorf("event %q: %s is not an event", it.UID, it.Kind)
	}
	c.comp = "VEVENT"
	if it.Master == nil && len(it.Overrides) > 1 {
		plan, err := c.planOrphans()
		if err != nil {
			c.rep.notef("%d overrides without their master: only the first is sent (%v)", len(it.Overrides), err)
		}
		c.orphans = plan
	}
	f, err := c.mapComponent(prim, true)
	if err != nil {
		return nil, fmt.Errorf("event %q at line %d: %w", it.UID, prim.Line, err)
	}
	e := &schema.Event{}
	allDay := schema.Bool(f.start.Date)
	e.AllDayEvent = &allDay
	zone := f.start.Zone
	if f.start.Date || f.start.Floating {
		zone = c.defaultZone()
	}
	year := f.start.T.Year()
	if f.rrule != nil {
		year = time.Now().Year()
	}
	blob := c.blob(zone, year)
	e.TimeZone = &blob
	e.StartTime = schema.NewEventTime(f.start.T)
	e.EndTime = schema.NewEventTime(f.end.T)
	e.Subject = f.subject
	e.Body = f.body
	c.setLocation(&e.Location, &e.Place, f.location)
	e.Reminder = f.reminder
	e.Sensitivity = f.sensitivity
	e.BusyStatus = f.busy
	e.DtStamp = f.dtstamp
	e.OrganizerName, e.OrganizerEmail = f.organizerName, f.organizerEmail
	if f.hasCategories {
		e.Categories = &schema.EventCategories{Category: f.categories}
	}
	if len(f.attendees) > 0 {
		e.Attendees = &schema.Attendees{Attendee: f.attendees}
	}
	if uid := prim.Prop("UID"); uid != nil {
		v := ical.Unescape(uid.Value)
		e.UID = &v
		c.status(uid, Carried, "")
	}
	e.MeetingStatus = meetingStatus(f)
	e.ResponseType = f.responseType
	e.DisallowNewTimeProposal = f.disallowCounter
	e.ResponseRequested = f.responseRequested
	e.AppointmentReplyTime, e.OnlineMeetingConfLink, e.OnlineMeetingExternalLink = f.server.replyTime, f.server.confLink, f.server.externalLink
	if f.geo != nil && e.Place != nil {
		e.Place.Latitude, e.Place.Longitude = &f.geo[0], &f.geo[1]
	}

	if it.Master == nil {
		if c.orphans != nil {
			c.orphanSeries(e, f)
			return e, nil
		}
		// One orphan override stands alone; when several cannot form a
		// series, the rest stay local (and the report warns).
		for _, o := range it.Overrides[1:] {
			c.keepComponent(o, "orphan override without master: not representable in ActiveSync")
		}
		return e, nil
	}
	if f.rrule != nil {
		c.mapRRule(e, f)
	}
	c.mapExceptions(e, f)
	return e, nil
}

// finish applies the rules every mapped event obeys. Empty text means
// "none" in both directions, and 16.x rejects empty elements; clearing a
// field on a 14.x server (an empty element in a Change) is the caller's
// decision, made by comparing with the server's previous state.
func finish(e *schema.Event) *schema.Event {
	if e != nil {
		dropEmpty(e)
	}
	return e
}

func meetingStatus(f fields) *schema.MeetingStatus {
	var m schema.MeetingStatus
	switch {
	case f.organizerEmail == nil && len(f.attendees) == 0:
		if !f.cancelled {
			return nil
		}
		m = schema.MeetingCancelledOrganized
	case f.organizerEmail != nil && !f.userIsOrganizer:
		m = schema.MeetingReceived
	default:
		m = schema.MeetingOrganized
	}
	if f.cancelled {
		m |= 4
	}
	return &m
}

func (c *converter) setLocation(loc **string, place **schema.Location, v *string) {
	if v == nil {
		return
	}
	if c.opts.is16() {
		*place = &schema.Location{DisplayName: v}
		return
	}
	*loc = v
}

// blob describes zone as a TIME_ZONE_INFORMATION. UTC gets a named zero
// bias blob rather than the all-zero "unknown" one.
func (c *converter) blob(zone tz.Zone, year int) schema.TimeZone {
	if zone.Method == tz.MethodUTC || zone.Loc == time.UTC {
		return schema.TimeZone{StandardName: "UTC", DaylightName: "UTC"}
	}
	k := blobKey{zone.Loc, zone.IANA, year}
	blobMu.Lock()
	b, ok := blobCache[k]
	blobMu.Unlock()
	if ok {
		return b
	}
	b = tz.ToTimeZone(zone.Loc, zone.IANA, year)
	blobMu.Lock()
	if len(blobCache) >= maxBlobCache {
		clear(blobCache) // crude bound; entries are cheap to recompute
	}
	blobCache[k] = b
	blobMu.Unlock()
	return b
}

// The blob of a zone is costly to derive (a scan of the year's offsets)
// and the same for every event of a file, so it is cached.
type blobKey struct {
	loc  *time.Location
	iana string
	year int
}

const maxBlobCache = 256

var (
	blobMu    sync.Mutex
	blobCache = map[blobKey]schema.TimeZone{}
)

// keepComponent reports every property of comp (and its children) as kept
// locally with a reason.
func (c *converter) keepComponent(comp *ical.Component, why string) {
	saved := c.comp
	c.comp = comp.Name
	if rid := comp.Prop("RECURRENCE-ID"); rid != nil {
		c.comp = comp.Name + "[RECURRENCE-ID=" + rid.Value + "]"
	}
	for _, p := range comp.Props {
		c.status(p, KeptLocally, why)
	}
	for _, ch := range comp.Children {
		c.keepComponent(ch, why)
	}
	c.comp = saved
}

// mapComponent reads the properties of a VEVENT. master selects the
// properties that only a master may carry (RRULE, EXDATE, RDATE, UID).
func (c *converter) mapComponent(comp *ical.Component, master bool) (fields, error) {
	var f fields
	start, err := c.parseWhen(c.startProp(comp))
	if err != nil {
		return f, fmt.Errorf("DTSTART: %w", err)
	}
	f.start = start
	f.end = start
	if start.Date {
		f.end.T = start.T.AddDate(0, 0, 1)
	}
	alarmDone := false
	for _, p := range comp.Props {
		if c.readServerSet(p, &f.server) {
			continue
		}
		switch p.Name {
		case "DTSTART":
			if start.Floating {
				c.note(p, "floating time read in "+start.Zone.Loc.String())
			}
			c.status(p, Carried, "")
		case "DTEND":
			end, err := c.parseWhen(p)
			if err != nil || end.T.Before(start.T) {
				c.status(p, KeptLocally, fmt.Sprintf("unusable DTEND (%v): event sent without duration", err))
				continue
			}
			if start.Date && !end.Date {
				end.T = time.Date(end.T.Year(), end.T.Month(), end.T.Day(), 0, 0, 0, 0, start.Zone.Loc)
			}
			f.end, f.hasEnd = end, true
			c.status(p, Carried, "")
		case "DURATION":
			d, err := parseDuration(p.Value)
			if err != nil || d < 0 || f.hasEnd {
				c.status(p, KeptLocally, "unusable or redundant DURATION")
				continue
			}
			if start.Date {
				f.end.T = start.T.AddDate(0, 0, int(d/(24*time.Hour)))
			} else {
				f.end.T = start.T.Add(d)
			}
			f.hasEnd = true
			c.status(p, Carried, "")
		case "SUMMARY":
			v := p.Text()
			f.subject = &v
			c.status(p, Carried, "")
		case "DESCRIPTION":
			if f.body != nil {
				c.status(p, KeptLocally, "second DESCRIPTION")
				continue
			}
			v := p.Text()
			size := int64(len(v))
			f.body = &schema.Body{Type: schema.BodyPlain, Data: &v, EstimatedDataSize: &size}
			c.status(p, Carried, "")
		case "LOCATION":
			v := p.Text()
			f.location = &v
			c.status(p, Carried, "")
		case "CLASS":
			s, ok := map[string]schema.Sensitivity{"PUBLIC": schema.SensitivityNormal, "PRIVATE": schema.SensitivityPrivate,
				"CONFIDENTIAL": schema.SensitivityConfidential, "PERSONAL": schema.SensitivityPersonal}[strings.ToUpper(p.Value)]
			if !ok {
				c.status(p, KeptLocally, "no ActiveSync sensitivity for "+p.Value)
				continue
			}
			f.sensitivity = &s
			c.status(p, Carried, "")
		case "TRANSP":
			var b schema.BusyStatus
			switch strings.ToUpper(strings.TrimSpace(p.Value)) {
			case "OPAQUE", "0":
				b = schema.BusyBusy
			case "TRANSPARENT", "1":
				b = schema.BusyFree
			default:
				c.status(p, KeptLocally, "unknown TRANSP")
				continue
			}
			if f.busy == nil {
				f.busy = &b
			}
			c.status(p, Carried, "")
		case "X-MICROSOFT-CDO-BUSYSTATUS":
			b, ok := map[string]schema.BusyStatus{"FREE": schema.BusyFree, "TENTATIVE": schema.BusyTentative, "BUSY": schema.BusyBusy,
				"OOF": schema.BusyOutOfOffice, "WORKINGELSEWHERE": schema.BusyWorkingElsewhere}[strings.ToUpper(p.Value)]
			if !ok {
				c.status(p, KeptLocally, "unknown busy status")
				continue
			}
			f.busy = &b
			c.status(p, Carried, "")
		case "CATEGORIES":
			f.hasCategories = true
			vals := ical.SplitList(p.Value)
			if c.it != nil && c.it.VCal {
				vals = strings.Split(p.Value, ";")
			}
			for _, v := range vals {
				if v = strings.TrimSpace(ical.Unescape(v)); v != "" {
					f.categories = append(f.categories, v)
				}
			}
			c.status(p, Carried, "")
		case "ORGANIZER":
			email := mailAddr(p.Value)
			if email == "" {
				c.status(p, KeptLocally, "organizer without e-mail address")
				continue
			}
			f.organizerEmail = &email
			if cn := ical.Unescape(p.Param("CN")); cn != "" {
				f.organizerName = &cn
			}
			f.userIsOrganizer = c.isUser(email)
			c.status(p, Carried, "")
		case "ATTENDEE":
			a, ok := c.attendee(p)
			if !ok {
				c.status(p, KeptLocally, "attendee without e-mail address")
				continue
			}
			f.attendees = append(f.attendees, a)
			if c.isUser(a.Email) && a.AttendeeStatus != nil {
				rt := responseOf(*a.AttendeeStatus)
				f.responseType = &rt
			}
			if c.isUser(a.Email) && strings.EqualFold(p.Param("RSVP"), "TRUE") {
				rr := schema.Bool(true)
				f.responseRequested = &rr
			}
			c.status(p, Carried, "")
		case "STATUS":
			if strings.EqualFold(p.Value, "CANCELLED") {
				f.cancelled = true
				c.status(p, Carried, "")
				continue
			}
			c.status(p, KeptLocally, "only CANCELLED maps to ActiveSync")
		case "DTSTAMP":
			if w, err := c.parseWhen(p); err == nil {
				f.dtstamp = schema.NewEventTime(w.T)
				c.status(p, Carried, "")
				continue
			}
			c.status(p, KeptLocally, "unparseable DTSTAMP")
		case "X-APPLE-STRUCTURED-LOCATION":
			// geo:lat,long: the coordinates of 16.x's structured location.
			var lat, long float64
			v := strings.ToLower(strings.TrimSpace(p.Value))
			if _, err := fmt.Sscanf(strings.TrimPrefix(v, "geo:"), "%g,%g", &lat, &long); err != nil || !strings.HasPrefix(v, "geo:") || !c.opts.is16() {
				c.status(p, KeptLocally, "")
				continue
			}
			f.geo = &[2]float64{lat, long}
			c.status(p, Carried, "coordinates only (16.x)")
		case "X-MICROSOFT-DISALLOW-COUNTER":
			b := schema.Bool(strings.EqualFold(p.Value, "TRUE"))
			f.disallowCounter = &b
			c.status(p, Carried, "")
		case "UID":
			// reported by the caller for the master
			if !master {
				c.status(p, Carried, "")
			}
		case "RRULE":
			if c.it != nil && c.it.Master == nil {
				c.status(p, KeptLocally, noteNotARule)
				continue
			}
			if !master {
				c.status(p, KeptLocally, noteNotARule)
				continue
			}
			if f.rrule != nil {
				// RFC 2445 made further RRULEs add instances; EAS has one
				// rule, so other devices may lack some.
				c.status(p, KeptLocally, "extra RRULE not representable")
				continue
			}
			f.rrule = p // status set by mapRRule
		case "EXDATE":
			if !master || c.it != nil && c.it.Master == nil {
				c.status(p, KeptLocally, noteNotARule)
				continue
			}
			f.exdates = append(f.exdates, p) // status set by mapExceptions
		case "RDATE":
			if !master || c.it != nil && c.it.Master == nil {
				c.status(p, KeptLocally, noteNotARule)
				continue
			}
			c.status(p, KeptLocally, "RDATE has no ActiveSync equivalent")
		case "RECURRENCE-ID":
			if c.orphans != nil {
				c.status(p, Carried, "")
				continue
			}
			if master || c.it.Master == nil {
				c.status(p, KeptLocally, noteSingleOrphan)
				continue
			}
			c.status(p, Carried, "")
		case "AALARM", "DALARM":
			if alarmDone {
				c.status(p, KeptLocally, "further alarm")
				continue
			}
			if m, ok := c.vcalAlarm(p, start); ok {
				f.reminder, alarmDone = &m, true
				c.status(p, Carried, "")
				continue
			}
			c.status(p, KeptLocally, "alarm time not before start")
		default:
			c.status(p, KeptLocally, "")
		}
	}
	saved := c.comp
	for _, ch := range comp.Children {
		if ch.Name == "VALARM" && !alarmDone {
			if m, ok := c.alarm(ch, start); ok {
				f.reminder, alarmDone = &m, true
				continue
			}
		}
		c.keepComponent(ch, "")
	}
	c.comp = saved
	return f, nil
}

// alarm maps a VALARM whose trigger is at or before the start to minutes.
func (c *converter) alarm(a *ical.Component, start when) (int, bool) {
	trig := a.Prop("TRIGGER")
	if trig == nil {
		return 0, false
	}
	var before time.Duration
	if strings.EqualFold(trig.Param("VALUE"), "DATE-TIME") {
		w, err := c.parseWhen(trig)
		if err != nil {
			return 0, false
		}
		before = start.T.Sub(w.T)
	} else {
		if strings.EqualFold(trig.Param("RELATED"), "END") {
			return 0, false
		}
		d, err := parseDuration(trig.Value)
		if err != nil {
			return 0, false
		}
		before = -d
	}
	if before < 0 || before%time.Minute != 0 || before > 365*24*time.Hour {
		return 0, false
	}
	saved := c.comp
	c.comp = "VALARM"
	for _, p := range a.Props {
		if p == trig {
			c.status(p, Carried, "")
		} else {
			c.status(p, KeptLocally, "")
		}
	}
	for _, ch := range a.Children {
		c.keepComponent(ch, "")
	}
	c.comp = saved
	return int(before / time.Minute), true
}

// vcalAlarm maps a vCalendar 1.0 AALARM/DALARM ("runtime;snooze;repeat;…").
func (c *converter) vcalAlarm(p *ical.Prop, start when) (int, bool) {
	run, _, _ := strings.Cut(p.Value, ";")
	if run == "" {
		return 0, false
	}
	w, err := c.parseValue(p, run)
	if err != nil {
		return 0, false
	}
	before := start.T.Sub(w.T)
	if before < 0 || before%time.Minute != 0 {
		return 0, false
	}
	return int(before / time.Minute), true
}

func (c *converter) isUser(email string) bool {
	return c.opts.UserEmail != "" && strings.EqualFold(email, strings.TrimPrefix(strings.ToLower(c.opts.UserEmail), "mailto:"))
}

// mailAddr extracts the address from a CAL-ADDRESS ("mailto:a@b", "MAILTO:",
// or a bare address). Non-mail URIs give "".
func mailAddr(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	// RFC 5545's own example folds an address next to the '@'; the fold
	// leaves a space there. Other spaces (GroupWise room names) are kept.
	for strings.Contains(v, "@ ") || strings.Contains(v, " @") {
		v = strings.Replace(strings.Replace(v, "@ ", "@", 1), " @", "@", 1)
	}
	if !strings.Contains(v, "@") || strings.ContainsAny(v, "<>\t") || strings.HasPrefix(v, "@") {
		return ""
	}
	return v
}

var partstatToStatus = map[string]schema.AttendeeStatus{
	"ACCEPTED": schema.AttendeeAccepted, "DECLINED": schema.AttendeeDeclined,
	"TENTATIVE": schema.AttendeeTentative, "NEEDS-ACTION": schema.AttendeeNotResponded,
}

func (c *converter) attendee(p *ical.Prop) (schema.Attendee, bool) {
	email := mailAddr(p.Value)
	if email == "" {
		return schema.Attendee{}, false
	}
	a := schema.Attendee{Email: email, Name: ical.Unescape(p.Param("CN"))}
	if a.Name == "" {
		a.Name = email // EAS requires a name
	}
	if ps := strings.ToUpper(p.Param("PARTSTAT")); ps != "" {
		if s, ok := partstatToStatus[ps]; ok {
			a.AttendeeStatus = &s
		} else {
			c.note(p, "PARTSTAT "+ps+" has no ActiveSync status")
		}
	}
	t := schema.AttendeeRequired
	switch {
	case strings.EqualFold(p.Param("CUTYPE"), "RESOURCE"), strings.EqualFold(p.Param("CUTYPE"), "ROOM"):
		t = schema.AttendeeResource
	case strings.EqualFold(p.Param("ROLE"), "OPT-PARTICIPANT"), strings.EqualFold(p.Param("ROLE"), "NON-PARTICIPANT"):
		t = schema.AttendeeOptional
	}
	a.AttendeeType = &t
	return a, true
}

func responseOf(s schema.AttendeeStatus) schema.ResponseType {
	switch s {
	case schema.AttendeeAccepted:
		return schema.ResponseAccepted
	case schema.AttendeeDeclined:
		return schema.ResponseDeclined
	case schema.AttendeeTentative:
		return schema.ResponseTentative
	case schema.AttendeeNotResponded:
		return schema.ResponseNotResponded
	}
	return schema.ResponseNone
}

// mapRRule converts the master's RRULE, or reports it kept locally.
func (c *converter) mapRRule(e *schema.Event, f fields) {
	p := f.rrule
	rule := p.Value
	if c.it.VCal {
		r, err := vcalRule(rule)
		if err != nil {
			c.status(p, KeptLocally, err.Error())
			return
		}
		rule = r
	}
	until := func(v string) (time.Time, error) {
		w, err := c.parseValue(&ical.Prop{Name: "UNTIL", Params: untilParams(f.start)}, v)
		if err != nil {
			return time.Time{}, err
		}
		switch {
		case w.Date && !f.start.Date:
			// A DATE UNTIL on a timed event includes that whole day.
			w.T = time.Date(w.T.Year(), w.T.Month(), w.T.Day(), 23, 59, 59, 0, f.start.Zone.Loc)
		case f.start.Date:
			// All-day instances start at midnight: any UNTIL on a day
			// includes that day's instance, so midnight says the same and
			// survives the trip through a DATE UNTIL.
			l := w.T.In(f.start.Zone.Loc)
			w.T = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, f.start.Zone.Loc)
		}
		return w.T, nil
	}
	r, err := toRecurrence(rule, f.start, until)
	if err != nil {
		c.status(p, KeptLocally, err.Error())
		return
	}
	e.Recurrence = r
	c.status(p, Carried, "")
}

// untilParams makes a floating UNTIL read in DTSTART's zone.
func untilParams(start when) []ical.Param {
	if start.TZID != "" && !start.Floating {
		return []ical.Param{{Name: "TZID", Values: []string{start.TZID}}}
	}
	return nil
}

// excKey identifies an occurrence by its original start instant.
func excKey(t time.Time) int64 { return t.Unix() }

// mapExceptions builds Exceptions from EXDATEs and RECURRENCE-ID overrides.
func (c *converter) mapExceptions(e *schema.Event, f fields) {
	byKey := map[int64]*schema.EventException{}
	exdated := map[int64]bool{}
	for _, p := range f.exdates {
		ok := true
		for _, v := range ical.SplitList(p.Value) {
			w, err := c.parseValue(p, strings.TrimSpace(v))
			if err != nil {
				ok = false
				continue
			}
			if f.start.Date && !w.Date {
				w.T = time.Date(w.T.Year(), w.T.Month(), w.T.Day(), 0, 0, 0, 0, f.start.Zone.Loc)
			}
			del := schema.Bool(true)
			byKey[excKey(w.T)] = &schema.EventException{Deleted: &del, ExceptionStartTime: schema.NewEventTime(w.T)}
			exdated[excKey(w.T)] = true
		}
		c.comp = "VEVENT"
		if ok {
			c.status(p, Carried, "")
		} else {
			c.status(p, KeptLocally, "unparseable EXDATE value")
		}
	}
	for _, o := range c.it.Overrides {
		rid := o.Prop("RECURRENCE-ID")
		c.comp = "VEVENT[RECURRENCE-ID=" + rid.Value + "]"
		if strings.EqualFold(rid.Param("RANGE"), "THISANDFUTURE") {
			c.keepComponent(o, "RANGE=THISANDFUTURE has no ActiveSync equivalent")
			continue
		}
		w, err := c.parseWhen(rid)
		if err != nil {
			c.keepComponent(o, "unparseable RECURRENCE-ID")
			continue
		}
		if f.start.Date && !w.Date {
			w.T = time.Date(w.T.Year(), w.T.Month(), w.T.Day(), 0, 0, 0, 0, f.start.Zone.Loc)
		}
		k := excKey(w.T)
		switch _, dup := byKey[k]; {
		case dup && exdated[k]:
			// Some writers (Apple iCal 1.x) list a modified instance in
			// EXDATE as well. EAS can say only one thing per occurrence;
			// the override is the richer statement and is what
			// Occurrences expands, so it goes as a modified exception.
			c.rep.notef("occurrence %s is both an EXDATE and an override: sent as the modified occurrence", rid.Value)
			delete(exdated, k)
		case dup:
			c.keepComponent(o, "a second override of the same occurrence")
			continue
		}
		of, err := c.mapComponent(o, false)
		if err != nil {
			c.keepComponent(o, err.Error())
			continue
		}
		byKey[k] = c.exceptionOf(w.T, of, f, e)
	}
	c.comp = "VEVENT"
	c.setExceptions(e, byKey)
}

// exceptionOf is the exception for the occurrence originally at orig that
// the override of (mapped as a non-master) defines, given the master's
// fields f and the event e mapped so far: a deletion for a cancelled
// override, else the override's own times and whatever differs from e.
func (c *converter) exceptionOf(orig time.Time, of, f fields, e *schema.Event) *schema.EventException {
	x := &schema.EventException{ExceptionStartTime: schema.NewEventTime(orig)}
	if of.cancelled {
		del := schema.Bool(true)
		x.Deleted = &del
		return x
	}
	x.StartTime = schema.NewEventTime(of.start.T)
	x.EndTime = schema.NewEventTime(of.end.T)
	x.Subject, x.Body, x.Reminder = of.subject, of.body, of.reminder
	c.setLocation(&x.Location, &x.Place, of.location)
	x.Sensitivity, x.BusyStatus, x.DtStamp = of.sensitivity, of.busy, of.dtstamp
	if of.start.Date != f.start.Date {
		ad := schema.Bool(of.start.Date)
		x.AllDayEvent = &ad
	}
	if of.hasCategories {
		x.Categories = &schema.EventCategories{Category: of.categories}
	}
	if len(of.attendees) > 0 {
		x.Attendees = &schema.Attendees{Attendee: of.attendees}
	}
	x.ResponseType = of.responseType
	x.AppointmentReplyTime, x.OnlineMeetingConfLink, x.OnlineMeetingExternalLink = of.server.replyTime, of.server.confLink, of.server.externalLink
	dropInherited(x, e)
	dropInheritedServerSet(x, e)
	return x
}

// setExceptions writes byKey's exceptions into e in order of their
// original start, named as the negotiated version names occurrences.
func (c *converter) setExceptions(e *schema.Event, byKey map[int64]*schema.EventException) {
	if len(byKey) == 0 {
		return
	}
	keys := make([]int64, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	e.Exceptions = &schema.EventExceptions{}
	for _, k := range keys {
		x := byKey[k]
		if c.opts.is16() {
			id := instanceID(x.ExceptionStartTime.Time)
			x.InstanceID, x.ExceptionStartTime = &id, nil
		}
		e.Exceptions.Exception = append(e.Exceptions.Exception, *x)
	}
}

// instanceID formats an occurrence's original start as the 16.x
// AirSyncBase:InstanceId.
func instanceID(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// parseInstanceID reads an InstanceId (extended or compact form).
func parseInstanceID(s string) (time.Time, error) {
	var et schema.EventTime
	err := et.UnmarshalText([]byte(s))
	return et.Time, err
}

// startProp returns DTSTART, or for a component without one (which RFC 5545
// allows only with METHOD, but exports contain) the RECURRENCE-ID of an
// override or the first RDATE, which name the same instant.
func (c *converter) startProp(comp *ical.Component) *ical.Prop {
	if p := comp.Prop("DTSTART"); p != nil {
		return p
	}
	if rid := comp.Prop("RECURRENCE-ID"); rid != nil {
		return &ical.Prop{Name: "DTSTART", Params: rid.Params, Value: rid.Value, Line: rid.Line}
	}
	if rd := comp.Prop("RDATE"); rd != nil {
		v, _, _ := strings.Cut(ical.SplitList(rd.Value)[0], "/")
		var params []ical.Param
		for _, pa := range rd.Params {
			if pa.Name != "VALUE" {
				params = append(params, pa)
			}
		}
		return &ical.Prop{Name: "DTSTART", Params: params, Value: v, Line: rd.Line}
	}
	return nil
}

// dropInherited clears exception fields equal to the master's: ActiveSync
// exceptions carry only what differs, and an unset field inherits.
func dropInherited(x *schema.EventException, e *schema.Event) {
	same := func(a, b any) bool { return sameXML(a, b) }
	if same(x.Subject, e.Subject) {
		x.Subject = nil
	}
	if x.Body != nil && e.Body != nil && same(x.Body.Data, e.Body.Data) {
		x.Body = nil
	}
	if same(x.Location, e.Location) {
		x.Location = nil
	}
	if same(x.Place, e.Place) {
		x.Place = nil
	}
	if same(x.Reminder, e.Reminder) {
		x.Reminder = nil
	}
	if same(x.Sensitivity, e.Sensitivity) {
		x.Sensitivity = nil
	}
	if same(x.BusyStatus, e.BusyStatus) {
		x.BusyStatus = nil
	}
	if same(x.DtStamp, e.DtStamp) {
		x.DtStamp = nil
	}
	if same(x.Categories, e.Categories) {
		x.Categories = nil
	}
	if same(x.Attendees, e.Attendees) {
		x.Attendees = nil
	}
	if same(x.ResponseType, e.ResponseType) {
		x.ResponseType = nil
	}
}

// dropEmpty removes empty strings and containers: an empty property says
// no more than an absent one, and 16.x servers reject empty elements.
func dropEmpty(e *schema.Event) {
	for _, p := range []**string{&e.Subject, &e.Location, &e.OrganizerName, &e.OrganizerEmail, &e.UID} {
		if *p != nil && **p == "" {
			*p = nil
		}
	}
	if e.Place != nil && (e.Place.DisplayName == nil || *e.Place.DisplayName == "") && e.Place.Latitude == nil {
		e.Place = nil
	}
	if e.Body != nil && (e.Body.Data == nil || *e.Body.Data == "") {
		e.Body = nil
	}
	if e.Categories != nil && len(e.Categories.Category) == 0 {
		e.Categories = nil
	}
	if e.Attendees != nil && len(e.Attendees.Attendee) == 0 {
		e.Attendees = nil
	}
	if e.Exceptions != nil {
		for i := range e.Exceptions.Exception {
			x := &e.Exceptions.Exception[i]
			for _, p := range []**string{&x.Subject, &x.Location} {
				if *p != nil && **p == "" {
					*p = nil
				}
			}
			if x.Place != nil && (x.Place.DisplayName == nil || *x.Place.DisplayName == "") {
				x.Place = nil
			}
			if x.Body != nil && (x.Body.Data == nil || *x.Body.Data == "") {
				x.Body = nil
			}
		}
	}
}
