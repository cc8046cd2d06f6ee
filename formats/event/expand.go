package event

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/teambition/rrule-go"
)

// Occurrence is one instance of an item.
type Occurrence struct {
	Start, End time.Time
	// Override is set when a RECURRENCE-ID component defines the instance.
	Override bool
}

// maxOccurrences bounds one expansion.
const maxOccurrences = 100_000

// Occurrences expands an item into its instances starting in [from, to),
// sorted by start: DTSTART is always the first instance, RRULE and RDATE
// add instances, EXDATE removes them, and RECURRENCE-ID overrides replace
// them (a cancelled override removes its instance). Orphan overrides are
// their own instances. Times are resolved as ToEAS resolves them.
func Occurrences(it *Item, opts Options, from, to time.Time) ([]Occurrence, error) {
	c := newConverter(it, opts)
	occ := map[int64]Occurrence{}
	add := func(o Occurrence) {
		if !o.Start.Before(from) && o.Start.Before(to) {
			occ[o.Start.Unix()] = o
		}
	}
	if it.Master != nil {
		f, err := c.mapComponent(it.Master, true)
		if err != nil {
			return nil, fmt.Errorf("expand %q: %w", it.UID, err)
		}
		span := func(s time.Time) time.Time {
			if f.start.Date {
				days := int(f.end.T.Sub(f.start.T).Hours()/24 + 0.5)
				return s.AddDate(0, 0, days)
			}
			return s.Add(f.end.T.Sub(f.start.T))
		}
		add(Occurrence{Start: f.start.T, End: f.end.T})
		if f.rrule != nil {
			starts, err := c.expandRule(f, to)
			if err != nil {
				return nil, fmt.Errorf("expand %q: RRULE at line %d: %w", it.UID, f.rrule.Line, err)
			}
			for _, s := range starts {
				add(Occurrence{Start: s, End: span(s)})
			}
		}
		for _, p := range it.Master.PropsNamed("RDATE") {
			for _, v := range ical.SplitList(p.Value) {
				v, _, _ = strings.Cut(strings.TrimSpace(v), "/") // PERIOD: start only
				w, err := c.parseValue(p, v)
				if err != nil {
					continue
				}
				if f.start.Date && !w.Date {
					w.T = time.Date(w.T.Year(), w.T.Month(), w.T.Day(), 0, 0, 0, 0, f.start.Zone.Loc)
				}
				add(Occurrence{Start: w.T, End: span(w.T)})
			}
		}
		for _, p := range f.exdates {
			for _, v := range ical.SplitList(p.Value) {
				w, err := c.parseValue(p, strings.TrimSpace(v))
				if err != nil {
					continue
				}
				if f.start.Date && !w.Date {
					w.T = time.Date(w.T.Year(), w.T.Month(), w.T.Day(), 0, 0, 0, 0, f.start.Zone.Loc)
				}
				delete(occ, w.T.Unix())
			}
		}
		for _, o := range it.Overrides {
			k, ok := c.overrideKey(o, f.start)
			if !ok {
				continue
			}
			if strings.EqualFold(o.Prop("RECURRENCE-ID").Param("RANGE"), "THISANDFUTURE") {
				continue // not expanded; kept locally
			}
			delete(occ, k)
			of, err := c.mapComponent(o, false)
			if err != nil || of.cancelled {
				continue
			}
			add(Occurrence{Start: of.start.T, End: of.end.T, Override: true})
		}
	} else {
		for _, o := range it.Overrides {
			of, err := c.mapComponent(o, false)
			if err != nil || of.cancelled {
				continue
			}
			add(Occurrence{Start: of.start.T, End: of.end.T, Override: true})
		}
	}
	if len(occ) > maxOccurrences {
		return nil, fmt.Errorf("expand %q: more than %d occurrences", it.UID, maxOccurrences)
	}
	out := make([]Occurrence, 0, len(occ))
	for _, o := range occ {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}

// expandRule lists the RRULE's instants up to 'to', in DTSTART's zone so
// that wall-clock time is kept across DST changes.
func (c *converter) expandRule(f fields, to time.Time) ([]time.Time, error) {
	rule := f.rrule.Value
	if c.it.VCal {
		r, err := vcalRule(rule)
		if err != nil {
			return nil, err
		}
		rule = r
	}
	rp, err := parseRule(rule)
	if err != nil {
		return nil, err
	}
	untilRaw := rp["UNTIL"]
	delete(rp, "UNTIL")
	var parts []string
	for k, v := range rp {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	opt, err := rrule.StrToROption(strings.Join(parts, ";"))
	if err != nil {
		return nil, err
	}
	opt.Dtstart = f.start.T
	if untilRaw != "" {
		w, err := c.parseValue(&ical.Prop{Name: "UNTIL", Params: untilParams(f.start)}, untilRaw)
		if err != nil {
			return nil, fmt.Errorf("UNTIL: %w", err)
		}
		if w.Date && !f.start.Date {
			w.T = time.Date(w.T.Year(), w.T.Month(), w.T.Day(), 23, 59, 59, 0, f.start.Zone.Loc)
		}
		opt.Until = w.T
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	next := r.Iterator()
	for i := 0; i < maxOccurrences; i++ {
		t, ok := next()
		if !ok || !t.Before(to) {
			break
		}
		out = append(out, t)
	}
	return out, nil
}
