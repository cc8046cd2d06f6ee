package event

import (
	"fmt"
	"sort"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/push/schema"
)

// maxExceptions is the most Exception elements one event may carry
// (MS-ASCAL 2.2.2.21).
const maxExceptions = 256

// orphanPlan is how several overrides whose master is absent (a file with
// only some occurrences of a series, e.g. invitations to single instances)
// travel: ActiveSync has exceptions only inside a recurring event, so
// Cradle sends a made-up daily series on the overrides' original starts,
// every instance of which is either one of the overrides (a modified
// exception) or deleted. Every other device then sees exactly the
// overrides' occurrences; merge maps the series back onto the overrides.
type orphanPlan struct {
	first time.Time // earliest original start, in the overrides' zone
	every int       // days between instances of the series
	count int
	byKey map[int64]*ical.Component // original start → override
}

// instant returns the series' i-th instance: same wall-clock time, i*every
// days after the first (days, not hours, so DST does not shift it).
func (p *orphanPlan) instant(i int) time.Time {
	f := p.first
	return time.Date(f.Year(), f.Month(), f.Day()+i*p.every, f.Hour(), f.Minute(), f.Second(), 0, f.Location())
}

// planOrphans checks that the item's overrides can form such a series: all
// RECURRENCE-IDs in DTSTART's zone and value type, at one wall-clock time,
// distinct, usable, and few enough instances between the first and last.
func (c *converter) planOrphans() (*orphanPlan, error) {
	prim := c.it.primary()
	start, err := c.parseWhen(c.startProp(prim))
	if err != nil {
		return nil, fmt.Errorf("DTSTART: %w", err)
	}
	p := &orphanPlan{byKey: map[int64]*ical.Component{}}
	var days []int
	for i, o := range c.it.Overrides {
		rid := o.Prop("RECURRENCE-ID")
		if rid.Param("RANGE") != "" {
			return nil, fmt.Errorf("RECURRENCE-ID %s has a RANGE", rid.Value)
		}
		w, err := c.parseWhen(rid)
		if err != nil {
			return nil, fmt.Errorf("RECURRENCE-ID %q: %w", rid.Value, err)
		}
		if _, err := c.parseWhen(c.startProp(o)); err != nil {
			return nil, fmt.Errorf("override %s: DTSTART: %w", rid.Value, err)
		}
		if w.Date != start.Date || w.Zone.Loc.String() != start.Zone.Loc.String() {
			return nil, fmt.Errorf("RECURRENCE-ID %s is not in DTSTART's zone", rid.Value)
		}
		t := w.T.In(start.Zone.Loc)
		if i == 0 {
			p.first = t
		} else if t.Hour() != p.first.Hour() || t.Minute() != p.first.Minute() || t.Second() != p.first.Second() {
			return nil, fmt.Errorf("RECURRENCE-IDs at different times of day")
		}
		if t.Before(p.first) {
			p.first = t
		}
		k := excKey(t)
		if p.byKey[k] != nil {
			return nil, fmt.Errorf("two overrides of %s", rid.Value)
		}
		p.byKey[k] = o
		days = append(days, civilDay(t))
	}
	sort.Ints(days)
	for _, d := range days[1:] {
		p.every = gcd(p.every, d-days[0])
	}
	if p.every == 0 {
		return nil, fmt.Errorf("overrides of one occurrence")
	}
	p.count = (days[len(days)-1]-days[0])/p.every + 1
	if p.count > maxExceptions {
		return nil, fmt.Errorf("a series through them needs %d instances, more than ActiveSync's %d exceptions", p.count, maxExceptions)
	}
	return p, nil
}

// orphanSeries fills e (the first override mapped as the series) with the
// planned recurrence and its exceptions.
func (c *converter) orphanSeries(e *schema.Event, f fields) {
	p := c.orphans
	prim := c.it.primary()
	dur := f.end.T.Sub(f.start.T)
	e.StartTime = schema.NewEventTime(p.first)
	if f.start.Date {
		e.EndTime = schema.NewEventTime(p.first.AddDate(0, 0, int(dur.Hours()/24+0.5)))
	} else {
		e.EndTime = schema.NewEventTime(p.first.Add(dur))
	}
	e.Recurrence = &schema.Recurrence{Type: schema.RecurDaily, Interval: intp(p.every), Occurrences: intp(p.count)}
	byKey := map[int64]*schema.EventException{}
	for i := range p.count {
		t := p.instant(i)
		k := excKey(t)
		o := p.byKey[k]
		if o == nil {
			del := schema.Bool(true)
			byKey[k] = &schema.EventException{Deleted: &del, ExceptionStartTime: schema.NewEventTime(t)}
			continue
		}
		saved := c.rep
		if o == prim {
			c.rep = &Report{} // its properties are already reported
		}
		c.comp = "VEVENT[RECURRENCE-ID=" + o.Prop("RECURRENCE-ID").Value + "]"
		of, _ := c.mapComponent(o, false) // usable: checked by planOrphans
		c.rep = saved
		byKey[k] = c.exceptionOf(t, of, f, e)
	}
	c.comp = "VEVENT"
	c.setExceptions(e, byKey)
	c.rep.notef("%d overrides without their master sent as a series every %d days (%d instances, the others deleted)",
		len(c.it.Overrides), p.every, p.count)
}

// civilDay numbers t's calendar date.
func civilDay(t time.Time) int {
	return int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// mergeOrphans applies the server's version of a made-up series (see
// orphanPlan) to a base of overrides without master. While the series
// keeps its shape, each occurrence maps to one override: an unchanged one
// keeps its bytes, a changed one is rewritten (keeping the properties
// ActiveSync does not carry), a deleted one goes, and an instance the
// server restored becomes a new override. When the server changed the
// series itself (start, rule or zone), its version is adopted whole, with
// a master, since its instances no longer line up with the overrides.
func (c *converter) mergeOrphans(it *Item, e, e0 *schema.Event, fr *Item) {
	fms, err := c.parseWhen(fr.Master.Prop("DTSTART"))
	if err != nil {
		return
	}
	freshByKey := map[int64]*ical.Component{}
	for _, o := range fr.Overrides {
		if k, ok := c.overrideKey(o, fms); ok {
			freshByKey[k] = o
		}
	}
	baseByKey := map[int64]*ical.Component{}
	for _, o := range it.Overrides {
		if k, ok := c.overrideKey(o, fms); ok {
			baseByKey[k] = o
		}
	}
	carry := func(o, from *ical.Component) *ical.Component {
		o = o.Clone()
		if from != nil {
			for _, p := range from.Props {
				if !mappedNames[p.Name] && !hasProp(o, p) {
					o.Add(p)
				}
			}
		}
		return o
	}
	if !sameXML(e.StartTime, e0.StartTime) || !sameXML(e.Recurrence, e0.Recurrence) || !sameBlobRules(e.TimeZone, e0.TimeZone) {
		comps := []*ical.Component{fr.Master}
		var ovs []*ical.Component
		for _, o := range fr.Overrides {
			k, _ := c.overrideKey(o, fms)
			o = carry(o, baseByKey[k])
			ovs = append(ovs, o)
			comps = append(comps, o)
		}
		replaceComponents(it.Calendar, it.Overrides, comps)
		it.Master, it.Overrides = fr.Master, ovs
		c.rep.notef("the server changed the series made of %d overrides: its version adopted", len(baseByKey))
		return
	}
	top := func(ev *schema.Event) schema.Event {
		t := *ev
		t.Exceptions, t.DtStamp, t.TimeZone = nil, nil, nil
		return t
	}
	topChanged := !sameXML(top(e), top(e0))
	now, was := exceptionMap(e), exceptionMap(e0)
	var keys []int64
	for k := range was {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	next := map[int64]*ical.Component{} // nil: no override for the key
	for _, k := range keys {
		x, inNow := now[k]
		b := baseByKey[k]
		switch {
		case inNow && x.Deleted != nil && bool(*x.Deleted):
			// deleted on the server (or still deleted): no override
		case !inNow:
			// The server restored a plain instance of the series.
			o := c.freshOverride(e, schema.EventException{}, time.Unix(k, 0), c.style(e, c.zoneOf(e)))
			next[k] = carry(o, b)
		case b != nil && !topChanged && sameXML(x, was[k]):
			next[k] = b
		case freshByKey[k] != nil:
			next[k] = carry(freshByKey[k], b)
		}
	}
	// File order for the overrides the base had, then new ones by time.
	var out []*ical.Component
	for _, o := range it.Overrides {
		if k, ok := c.overrideKey(o, fms); ok && next[k] != nil {
			out = append(out, next[k])
			delete(next, k)
		}
	}
	for _, k := range keys {
		if next[k] != nil {
			out = append(out, next[k])
		}
	}
	replaceComponents(it.Calendar, it.Overrides, out)
	it.Overrides = out
}

// replaceComponents puts with where the first of old was among cal's
// children (at the end if none was there), removing all of old.
func replaceComponents(cal *ical.Component, old, with []*ical.Component) {
	drop := map[*ical.Component]bool{}
	for _, o := range old {
		drop[o] = true
	}
	at := -1
	kids := make([]*ical.Component, 0, len(cal.Children)+len(with))
	for _, ch := range cal.Children {
		if drop[ch] {
			if at < 0 {
				at = len(kids)
			}
			continue
		}
		kids = append(kids, ch)
	}
	if at < 0 {
		at = len(kids)
	}
	cal.Children = append(kids[:at], append(append([]*ical.Component{}, with...), kids[at:]...)...)
}
