package event

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
	"github.com/cradle-sync/cradle/push/schema"
)

// mappedNames are the properties ToEAS interprets; in a rewritten override
// every other property of the base override is carried over.
var mappedNames = map[string]bool{
	"UID": true, "DTSTAMP": true, "DTSTART": true, "DTEND": true, "DURATION": true, "SUMMARY": true,
	"DESCRIPTION": true, "LOCATION": true, "CLASS": true, "TRANSP": true, "X-MICROSOFT-CDO-BUSYSTATUS": true,
	"CATEGORIES": true, "ORGANIZER": true, "ATTENDEE": true, "STATUS": true, "RECURRENCE-ID": true,
	"X-MICROSOFT-DISALLOW-COUNTER": true, propReplyTime: true, propConfLink: true, propExternalLink: true,
}

func merge(e *schema.Event, base *Item, opts Options) (*Item, Report, error) {
	e0, rep, err := toEASWithServerSet(base, opts)
	if err != nil {
		return nil, rep, fmt.Errorf("merge into %q: base: %w", base.UID, err)
	}
	c := newConverter(base, opts)
	c.rep = &rep
	it := cloneItem(base)
	target := it.primary()

	// Format new times like the base when the zone is unchanged.
	if bw, err := c.parseWhen(target.Prop("DTSTART")); err == nil && !bw.Floating {
		z := c.zoneOf(e)
		if bw.Date || bw.Zone.Method == tz.MethodUTC || sameZone(bw.Zone.Loc, z.Loc, e) {
			c.styleOverride = &bw
		}
	}
	fr, err := c.fresh(e, &ical.Component{Name: "VCALENDAR"})
	if err != nil {
		return nil, rep, fmt.Errorf("merge into %q: %w", base.UID, err)
	}
	for _, vt := range fr.Calendar.ChildrenNamed("VTIMEZONE") {
		ensureComponent(it.Calendar, vt)
	}
	if base.Master == nil && e0.Recurrence != nil {
		c.mergeOrphans(it, e, e0, fr)
		return it, rep, nil
	}
	src := fr.Master

	changed := func(a, b any) bool { return !sameXML(a, b) }
	if changed(e.StartTime, e0.StartTime) || changed(e.EndTime, e0.EndTime) || allDay(e) != allDay(e0) ||
		(e.Recurrence != nil && !sameBlobRules(e.TimeZone, e0.TimeZone)) {
		replaceProps(target, []string{"DTSTART", "DTEND", "DURATION"}, append(src.PropsNamed("DTSTART"), src.PropsNamed("DTEND")...))
		rep.notef("start/end changed")
	}
	if changed(e.Subject, e0.Subject) {
		replaceProps(target, []string{"SUMMARY"}, src.PropsNamed("SUMMARY"))
	}
	switch {
	case e.Body != nil && e.Body.Truncated != nil && bool(*e.Body.Truncated):
		rep.notef("body truncated by the server: local DESCRIPTION kept")
	case e.Body == nil:
		// Absent body: nothing to say about the description.
	case e.Body.Type != schema.BodyPlain && e.Body.Data != nil && *e.Body.Data != "":
		// Cradle asks for plain text; an HTML/RTF/MIME body cannot replace
		// DESCRIPTION without converting it, so the local text stays.
		rep.notef("body of type %d from the server: local DESCRIPTION kept", e.Body.Type)
	case e0.Body == nil || changed(e.Body.Data, e0.Body.Data):
		replaceProps(target, []string{"DESCRIPTION"}, src.PropsNamed("DESCRIPTION"))
	}
	if changed(locationText(e.Location, e.Place), locationText(e0.Location, e0.Place)) {
		replaceProps(target, []string{"LOCATION"}, src.PropsNamed("LOCATION"))
	}
	if e.Place != nil && e0.Place != nil && (changed(e.Place.Latitude, e0.Place.Latitude) || changed(e.Place.Longitude, e0.Place.Longitude)) {
		replaceProps(target, []string{"X-APPLE-STRUCTURED-LOCATION"}, src.PropsNamed("X-APPLE-STRUCTURED-LOCATION"))
	}
	if changed(e.Sensitivity, e0.Sensitivity) {
		replaceProps(target, []string{"CLASS"}, src.PropsNamed("CLASS"))
	}
	if changed(e.BusyStatus, e0.BusyStatus) {
		replaceProps(target, []string{"TRANSP", "X-MICROSOFT-CDO-BUSYSTATUS"},
			append(src.PropsNamed("TRANSP"), src.PropsNamed("X-MICROSOFT-CDO-BUSYSTATUS")...))
	}
	if changed(e.Categories, e0.Categories) {
		replaceProps(target, []string{"CATEGORIES"}, src.PropsNamed("CATEGORIES"))
	}
	if changed(e.OrganizerEmail, e0.OrganizerEmail) || changed(e.OrganizerName, e0.OrganizerName) {
		replaceProps(target, []string{"ORGANIZER"}, src.PropsNamed("ORGANIZER"))
	}
	if changed(e.Attendees, e0.Attendees) {
		mergeAttendees(target, e.Attendees, e0.Attendees)
	}
	if cancelled(e.MeetingStatus) != cancelled(e0.MeetingStatus) {
		if cancelled(e.MeetingStatus) {
			replaceProps(target, []string{"STATUS"}, []*ical.Prop{{Name: "STATUS", Value: "CANCELLED"}})
		} else {
			target.Del("STATUS")
		}
	}
	if changed(e.DtStamp, e0.DtStamp) && e.DtStamp != nil {
		replaceProps(target, []string{"DTSTAMP"}, src.PropsNamed("DTSTAMP"))
	}
	if changed(e.DisallowNewTimeProposal, e0.DisallowNewTimeProposal) {
		replaceProps(target, []string{"X-MICROSOFT-DISALLOW-COUNTER"}, src.PropsNamed("X-MICROSOFT-DISALLOW-COUNTER"))
	}
	if changed(e.Reminder, e0.Reminder) {
		c.mergeReminder(target, e.Reminder)
	}
	mergeServerSet(target, eventServerSet(e), eventServerSet(e0))
	if it.Master != nil {
		if changed(e.Recurrence, e0.Recurrence) {
			replaceProps(target, []string{"RRULE"}, src.PropsNamed("RRULE"))
			rep.notef("recurrence changed")
		}
		c.mergeExceptions(it, e, e0, fr)
	}
	return it, rep, nil
}

func allDay(e *schema.Event) bool { return e.AllDayEvent != nil && bool(*e.AllDayEvent) }

func cancelled(m *schema.MeetingStatus) bool { return m != nil && m.Cancelled() }

// sameBlobRules compares two zone blobs by their rules, ignoring names.
func sameBlobRules(a, b *schema.TimeZone) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	x.StandardName, x.DaylightName, y.StandardName, y.DaylightName = "", "", "", ""
	return x == y
}

// sameZone reports whether loc and the event's zone agree around the
// event's start year.
func sameZone(a, b *time.Location, e *schema.Event) bool {
	if a == b {
		return true
	}
	y := time.Now().Year()
	if e.StartTime != nil {
		y = e.StartTime.Year()
	}
	for yy := y; yy <= y+1; yy++ {
		for m := time.January; m <= time.December; m++ {
			t := time.Date(yy, m, 10, 12, 0, 0, 0, time.UTC)
			_, o1 := t.In(a).Zone()
			_, o2 := t.In(b).Zone()
			if o1 != o2 {
				return false
			}
		}
	}
	return true
}

// cloneItem deep-copies the item's calendar and returns the item pointing
// into the copy.
func cloneItem(base *Item) *Item {
	it := &Item{UID: base.UID, Kind: base.Kind, VCal: base.VCal, resolver: base.resolver}
	if base.Calendar == nil {
		it.Calendar = &ical.Component{Name: "VCALENDAR"}
		if base.Master != nil {
			it.Master = base.Master.Clone()
			it.Calendar.Children = append(it.Calendar.Children, it.Master)
		}
		for _, o := range base.Overrides {
			oc := o.Clone()
			it.Overrides = append(it.Overrides, oc)
			it.Calendar.Children = append(it.Calendar.Children, oc)
		}
		return it
	}
	it.Calendar = base.Calendar.Clone()
	for i, ch := range base.Calendar.Children {
		if ch == base.Master {
			it.Master = it.Calendar.Children[i]
		}
		for _, o := range base.Overrides {
			if ch == o {
				it.Overrides = append(it.Overrides, it.Calendar.Children[i])
			}
		}
	}
	return it
}

func ensureComponent(cal *ical.Component, vt *ical.Component) {
	for _, ch := range cal.ChildrenNamed("VTIMEZONE") {
		if strings.EqualFold(ch.Value("TZID"), vt.Value("TZID")) {
			return
		}
	}
	cal.Children = append([]*ical.Component{vt}, cal.Children...)
}

// replaceProps removes every property named in names and inserts repl
// where the first of them was (or at the end).
func replaceProps(c *ical.Component, names []string, repl []*ical.Prop) {
	at := -1
	out := make([]*ical.Prop, 0, len(c.Props)+len(repl))
	for _, p := range c.Props {
		hit := false
		for _, n := range names {
			if p.Name == n {
				hit = true
				break
			}
		}
		if hit {
			if at < 0 {
				at = len(out)
			}
			continue
		}
		out = append(out, p)
	}
	if at < 0 {
		at = len(out)
	}
	cp := make([]*ical.Prop, len(repl))
	for i, p := range repl {
		cp[i] = p.Clone()
	}
	out = append(out[:at], append(cp, out[at:]...)...)
	c.Props = out
}

// mergeAttendees updates ATTENDEE properties in place by e-mail address:
// changed status, role or name are written into the existing property (its
// other parameters stay), removed attendees are dropped, new ones appended.
func mergeAttendees(c *ical.Component, now, was *schema.Attendees) {
	key := func(s string) string { return strings.ToLower(s) }
	old := map[string]schema.Attendee{}
	if was != nil {
		for _, a := range was.Attendee {
			old[key(a.Email)] = a
		}
	}
	cur := map[string]schema.Attendee{}
	if now != nil {
		for _, a := range now.Attendee {
			cur[key(a.Email)] = a
		}
	}
	seen := map[string]bool{}
	out := c.Props[:0]
	for _, p := range c.Props {
		if p.Name != "ATTENDEE" {
			out = append(out, p)
			continue
		}
		k := key(mailAddr(p.Value))
		a, inNow := cur[k]
		o, inOld := old[k]
		if k == "" || !inOld {
			out = append(out, p) // never mapped: keep as is
			continue
		}
		if !inNow {
			continue // removed on the server
		}
		seen[k] = true
		if !sameXML(a.AttendeeStatus, o.AttendeeStatus) {
			if a.AttendeeStatus == nil {
				p.DelParam("PARTSTAT")
			} else if ps, ok := statusPartstat[*a.AttendeeStatus]; ok {
				p.SetParam("PARTSTAT", ps)
			}
		}
		if !sameXML(a.AttendeeType, o.AttendeeType) && a.AttendeeType != nil {
			fresh := attendeeProp(schema.Attendee{Email: a.Email, AttendeeType: a.AttendeeType})
			p.DelParam("CUTYPE")
			p.SetParam("ROLE", fresh.Param("ROLE"))
			if cu := fresh.Param("CUTYPE"); cu != "" {
				p.SetParam("CUTYPE", cu)
			}
		}
		if a.Name != o.Name && a.Name != a.Email {
			p.SetParam("CN", a.Name)
		}
		out = append(out, p)
	}
	c.Props = out
	if now != nil {
		for _, a := range now.Attendee {
			if k := key(a.Email); !seen[k] {
				if _, wasThere := old[k]; !wasThere {
					c.Props = append(c.Props, attendeeProp(a))
				}
			}
		}
	}
}

// mergeReminder rewrites the trigger of the VALARM ToEAS mapped, removes it
// or adds one.
func (c *converter) mergeReminder(target *ical.Component, minutes *int) {
	start, _ := c.parseWhen(target.Prop("DTSTART"))
	idx := -1
	for i, ch := range target.Children {
		if ch.Name != "VALARM" {
			continue
		}
		saved := c.rep
		c.rep = &Report{} // probing only
		_, ok := c.alarm(ch, start)
		c.rep = saved
		if ok {
			idx = i
			break
		}
	}
	switch {
	case minutes == nil && idx >= 0:
		target.Children = append(target.Children[:idx], target.Children[idx+1:]...)
	case minutes != nil && idx >= 0:
		trig := target.Children[idx].Prop("TRIGGER")
		trig.DelParam("VALUE")
		trig.DelParam("RELATED")
		trig.Value = formatDuration(-time.Duration(*minutes) * time.Minute)
	case minutes != nil:
		target.Children = append(target.Children, alarmComponent(*minutes))
	}
}

// overrideKey parses an override's RECURRENCE-ID as an occurrence key.
func (c *converter) overrideKey(o *ical.Component, masterStart when) (int64, bool) {
	rid := o.Prop("RECURRENCE-ID")
	if rid == nil {
		return 0, false
	}
	w, err := c.parseWhen(rid)
	if err != nil {
		return 0, false
	}
	if masterStart.Date && !w.Date {
		w.T = time.Date(w.T.Year(), w.T.Month(), w.T.Day(), 0, 0, 0, 0, masterStart.Zone.Loc)
	}
	return excKey(w.T), true
}

func exceptionMap(e *schema.Event) map[int64]schema.EventException {
	out := map[int64]schema.EventException{}
	if e.Exceptions == nil {
		return out
	}
	for _, x := range e.Exceptions.Exception {
		t, err := exceptionKey(x)
		if err != nil {
			continue
		}
		x.ExceptionStartTime, x.InstanceID = nil, nil
		out[excKey(t)] = x
	}
	return out
}

// mergeExceptions applies added, removed and changed exceptions.
func (c *converter) mergeExceptions(it *Item, e, e0 *schema.Event, fr *Item) {
	now, was := exceptionMap(e), exceptionMap(e0)
	keys := map[int64]bool{}
	for k := range now {
		keys[k] = true
	}
	for k := range was {
		keys[k] = true
	}
	sorted := make([]int64, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	master := it.Master
	ms, err := c.parseWhen(master.Prop("DTSTART"))
	if err != nil {
		return
	}
	freshByKey := map[int64]*ical.Component{}
	for _, o := range fr.Overrides {
		if k, ok := c.overrideKey(o, ms); ok {
			freshByKey[k] = o
		}
	}
	for _, k := range sorted {
		x, inNow := now[k]
		x0, inWas := was[k]
		if inNow && inWas && sameXML(x, x0) {
			continue
		}
		var baseOverride *ical.Component
		if inWas {
			baseOverride = c.removeOccurrence(it, k, ms)
		}
		if !inNow {
			continue
		}
		if x.Deleted != nil && bool(*x.Deleted) {
			master.Add(timeProp("EXDATE", time.Unix(k, 0), ms))
			continue
		}
		o := freshByKey[k]
		if o == nil {
			continue
		}
		o = o.Clone()
		if baseOverride != nil {
			for _, p := range baseOverride.Props {
				if !mappedNames[p.Name] && !hasProp(o, p) {
					o.Add(p)
				}
			}
		}
		it.Overrides = append(it.Overrides, o)
		insertAfter(it.Calendar, master, o)
	}
}

// removeOccurrence drops the base's EXDATE value and override for key k,
// returning the removed override (if any).
func (c *converter) removeOccurrence(it *Item, k int64, ms when) *ical.Component {
	master := it.Master
	out := master.Props[:0]
	for _, p := range master.Props {
		if p.Name != "EXDATE" {
			out = append(out, p)
			continue
		}
		var keep []string
		for _, v := range ical.SplitList(p.Value) {
			w, err := c.parseValue(p, strings.TrimSpace(v))
			if err == nil && ms.Date && !w.Date {
				w.T = time.Date(w.T.Year(), w.T.Month(), w.T.Day(), 0, 0, 0, 0, ms.Zone.Loc)
			}
			if err == nil && excKey(w.T) == k {
				continue
			}
			keep = append(keep, v)
		}
		if len(keep) > 0 {
			p.Value = strings.Join(keep, ",")
			out = append(out, p)
		}
	}
	master.Props = out
	var removed *ical.Component
	var ovs []*ical.Component
	for _, o := range it.Overrides {
		if ok, hit := c.overrideKey(o, ms); hit && ok == k {
			removed = o
			continue
		}
		ovs = append(ovs, o)
	}
	it.Overrides = ovs
	if removed != nil {
		ch := it.Calendar.Children[:0]
		for _, x := range it.Calendar.Children {
			if x != removed {
				ch = append(ch, x)
			}
		}
		it.Calendar.Children = ch
	}
	return removed
}

func insertAfter(cal *ical.Component, after, c *ical.Component) {
	for i, ch := range cal.Children {
		if ch == after {
			// after the master and its existing overrides
			j := i + 1
			for j < len(cal.Children) && cal.Children[j].Name == after.Name && cal.Children[j].Value("UID") == after.Value("UID") {
				j++
			}
			cal.Children = append(cal.Children[:j], append([]*ical.Component{c}, cal.Children[j:]...)...)
			return
		}
	}
	cal.Children = append(cal.Children, c)
}

// hasProp reports whether c has a property equal to p (name, parameters
// and value), such as the CONFERENCE a rewritten override already got
// from the server's link.
func hasProp(c *ical.Component, p *ical.Prop) bool {
	for _, q := range c.PropsNamed(p.Name) {
		if q.Value == p.Value && fmt.Sprint(q.Params) == fmt.Sprint(p.Params) {
			return true
		}
	}
	return false
}
