package export

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/formats/event"
	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
)

// maxEventSpan is how long before From an occurrence may start and still
// overlap the range; longer events starting earlier are missed.
const maxEventSpan = 366 * 24 * time.Hour

// openEnd stands in for an open To when a recurrence must be expanded.
const openEnd = 50 // years after From (or now)

// calItem is one event or task found by the indexing pass.
type calItem struct {
	at  ref
	idx int // position among event.Items of the item's bytes
	uid string
	// when orders the output: an event's start, a task's due date (else
	// its start). Undated tasks sort last.
	when   time.Time
	dated  bool
	rename map[string]string // TZID → TZID used in the output
}

// Calendar writes the events (VEVENT) of src to w as one VCALENDAR,
// sorted by start, preceded by the VTIMEZONEs they use.
//
// With a date range only events with an occurrence overlapping [From, To)
// are written, a recurring series whole with its overrides; an event whose
// recurrence cannot be expanded is kept rather than dropped. A UID met
// again (in another source, or twice in one file) is skipped, as one
// calendar cannot hold two series of one UID. Two sources defining one
// TZID differently keep both: the later zone is renamed. vCalendar 1.0
// items are converted to iCalendar 2.0.
func Calendar(ctx context.Context, w io.Writer, src []store.Store, opts Options) (Stats, error) {
	st, err := exportCal(ctx, w, src, "VEVENT", opts)
	if err != nil {
		return st, fmt.Errorf("export calendar: %w", err)
	}
	return st, nil
}

// Tasks is [Calendar] for tasks (VTODO), sorted by due date, then start;
// tasks with neither come last. With a date range a task is written when
// its start or due date falls in [From, To) or its start–due span overlaps
// it; undated tasks are left out of a ranged export. Recurring tasks are
// judged by their own dates, not expanded.
func Tasks(ctx context.Context, w io.Writer, src []store.Store, opts Options) (Stats, error) {
	st, err := exportCal(ctx, w, src, "VTODO", opts)
	if err != nil {
		return st, fmt.Errorf("export tasks: %w", err)
	}
	return st, nil
}

func exportCal(ctx context.Context, w io.Writer, src []store.Store, kind string, opts Options) (Stats, error) {
	var st Stats
	rd := newReader(src, opts.budget())
	items, zones, err := indexCal(ctx, rd, kind, opts, &st)
	if err != nil {
		return st, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := io.WriteString(bw, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cradle//Cradle export//EN\r\nCALSCALE:GREGORIAN\r\n"); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	if err := ical.Encode(bw, zones.components()...); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	// A file holding several calendar objects is parsed once; left counts
	// the objects still to write so the parse can be dropped after the last.
	left := map[ref]int{}
	for _, ci := range items {
		left[ci.at]++
	}
	parsed := map[ref]parsedItems{}
	for _, ci := range items {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		p, ok := parsed[ci.at]
		if !ok {
			if v, kept := rd.take(ci.at); kept {
				p.items = v.([]*event.Item)
			} else {
				p.items, p.err = reload(ctx, rd, ci.at, opts)
			}
			parsed[ci.at] = p
		}
		if left[ci.at]--; left[ci.at] == 0 {
			delete(parsed, ci.at)
		}
		it, err := p.pick(ci)
		if err != nil {
			st.skip(rd.file(ci.at), err)
			continue
		}
		comps := it.Components()
		for _, c := range comps {
			renameTZIDs(c, ci.rename)
		}
		if err := ical.Encode(bw, comps...); err != nil {
			return st, fmt.Errorf("write: %w", err)
		}
		st.Items++
		opts.progress(st.Items, len(items))
	}
	if _, err := io.WriteString(bw, "END:VCALENDAR\r\n"); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	return st, nil
}

// parseItems reads one item's bytes into calendar objects, converting
// vCalendar 1.0 ones. Problems with single components are returned
// alongside the usable items.
func parseItems(data []byte, file string, opts Options) ([]*event.Item, []error, error) {
	doc, err := ical.Read(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	items, problems := event.Items(doc, file)
	var errs []error
	for _, p := range problems {
		// The Skip names the file; the reason names the component.
		errs = append(errs, fmt.Errorf("%s #%d at line %d: %w", p.Component, p.Index, p.Line, p.Err))
	}
	for i, it := range items {
		uid, setUID := it.UID, doc.IsVCal()
		if p := primary(it); p == nil || p.Prop("UID") == nil {
			// RFC 5545 requires a UID and importers dedupe on it; the
			// one event.Items made up names the file, so hash it.
			sum := sha256.Sum256([]byte(it.UID))
			uid, setUID = fmt.Sprintf("%x@cradle-export", sum[:16]), true
		}
		if doc.IsVCal() {
			conv, err := fromVCal(it, opts)
			if err != nil {
				errs = append(errs, fmt.Errorf("vCalendar 1.0 %s %q: %w", it.Kind, it.UID, err))
				items[i] = nil
				continue
			}
			// The conversion makes up a random UID when the source had
			// none; both passes must see the same item.
			conv.UID = it.UID
			items[i] = conv
		}
		if setUID {
			for _, c := range items[i].Components() {
				c.Set("UID", ical.Escape(uid))
			}
		}
	}
	return items, errs, nil
}

// fromVCal rebuilds a vCalendar 1.0 item as iCalendar 2.0 by way of the
// ActiveSync schema, the one mapping that understands 1.0 recurrence
// rules. Properties the schema cannot carry are lost.
func fromVCal(it *event.Item, opts Options) (*event.Item, error) {
	eo := event.Options{Version: event.V161, Zone: opts.Zone}
	if it.Kind == "VTODO" {
		t, _, err := event.TaskToEAS(it, eo)
		if err != nil {
			return nil, err
		}
		out, _, err := event.TaskFromEAS(t, nil, eo)
		return out, err
	}
	e, _, err := event.ToEAS(it, eo)
	if err != nil {
		return nil, err
	}
	out, _, err := event.FromEAS(e, nil, eo)
	return out, err
}

// parsedItems is one item's bytes parsed again for the writing pass.
type parsedItems struct {
	items []*event.Item
	err   error
}

// pick returns the indexed object, failing when the file no longer holds
// it where the first pass found it.
func (p parsedItems) pick(ci calItem) (*event.Item, error) {
	if p.err != nil {
		return nil, p.err
	}
	if ci.idx >= len(p.items) || p.items[ci.idx] == nil || p.items[ci.idx].UID != ci.uid {
		return nil, errChanged
	}
	return p.items[ci.idx], nil
}

// reload re-reads an indexed item for the writing pass.
func reload(ctx context.Context, rd *reader, at ref, opts Options) ([]*event.Item, error) {
	data, err := rd.again(ctx, at)
	if err != nil {
		return nil, err
	}
	items, _, err := parseItems(data, rd.file(at), opts)
	return items, err
}

func indexCal(ctx context.Context, rd *reader, kind string, opts Options, st *Stats) ([]calItem, *zoneSet, error) {
	refs, err := rd.entries(ctx)
	if err != nil {
		return nil, nil, err
	}
	zones := newZoneSet()
	seen := map[string]string{} // UID → file that had it first
	var out []calItem
	for _, at := range refs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		file := rd.file(at)
		data, err := rd.first(ctx, at)
		if err != nil {
			st.skip(file, err)
			continue
		}
		items, problems, err := parseItems(data, file, opts)
		if err != nil {
			st.skip(file, err)
			continue
		}
		for _, p := range problems {
			st.skip(file, p)
		}
		kept := 0
		for i, it := range items {
			if it == nil || it.Kind != kind {
				continue
			}
			if first, dup := seen[it.UID]; dup {
				st.skip(file, fmt.Errorf("%s %q: UID already exported from %s", kind, it.UID, first))
				continue
			}
			res := tz.NewResolver(it.Calendar)
			in := true
			if opts.ranged() {
				in = inRange(it, res, opts)
			}
			if !in {
				st.OutOfRange++
				continue
			}
			seen[it.UID] = file
			ci := calItem{at: at, idx: i, uid: it.UID}
			ci.when, ci.dated = sortTime(it, res, opts.Zone)
			ci.rename = zones.need(it, res)
			out = append(out, ci)
			kept++
		}
		if kept > 0 {
			rd.keep(at, items, parsedCost(len(data)))
		}
	}
	slices.SortStableFunc(out, func(a, b calItem) int {
		if a.dated != b.dated {
			if a.dated {
				return -1
			}
			return 1
		}
		if c := a.when.Compare(b.when); c != 0 {
			return c
		}
		return cmp.Compare(a.uid, b.uid)
	})
	return out, zones, nil
}

// sortTime is an event's first start, or a task's due date, else start.
func sortTime(it *event.Item, res *tz.Resolver, zone *time.Location) (time.Time, bool) {
	c := primary(it)
	if c == nil {
		return time.Time{}, false
	}
	names := []string{"DTSTART", "RECURRENCE-ID"}
	if it.Kind == "VTODO" {
		names = []string{"DUE", "DTSTART"}
	}
	for _, n := range names {
		if t, ok := instant(c.Prop(n), res, zone); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

func primary(it *event.Item) *ical.Component {
	if it.Master != nil {
		return it.Master
	}
	if len(it.Overrides) > 0 {
		return it.Overrides[0]
	}
	return nil
}

// inRange reports whether the item belongs in an export limited to
// [opts.From, opts.To).
func inRange(it *event.Item, res *tz.Resolver, opts Options) bool {
	from, to := opts.From, opts.To
	if it.Kind == "VTODO" {
		return taskInRange(it, res, opts.Zone, from, to)
	}
	lower := time.Time{}
	if !from.IsZero() {
		lower = from.Add(-maxEventSpan)
	}
	if to.IsZero() {
		base := time.Now()
		if from.After(base) {
			base = from
		}
		to = base.AddDate(openEnd, 0, 0)
	}
	occ, err := event.Occurrences(it, event.Options{Zone: opts.Zone, Resolver: res}, lower, to)
	if err != nil {
		return true // unknown recurrence: better one event too many than one lost
	}
	for _, o := range occ {
		if o.End.After(from) || (!o.End.After(o.Start) && !o.Start.Before(from)) {
			return true
		}
	}
	return false
}

func taskInRange(it *event.Item, res *tz.Resolver, zone *time.Location, from, to time.Time) bool {
	in := func(t time.Time) bool {
		return !t.Before(from) && (to.IsZero() || t.Before(to))
	}
	for _, c := range it.Components() {
		start, hasStart := instant(c.Prop("DTSTART"), res, zone)
		due, hasDue := instant(c.Prop("DUE"), res, zone)
		switch {
		case hasStart && in(start), hasDue && in(due):
			return true
		case hasStart && hasDue && start.Before(from) && !due.Before(to) && !to.IsZero():
			return true // spans the whole range
		}
	}
	return false
}

// instant reads a DATE or DATE-TIME property: UTC with Z, in its TZID's
// zone when that resolves, else (floating, dates) in zone.
func instant(p *ical.Prop, res *tz.Resolver, zone *time.Location) (time.Time, bool) {
	if p == nil {
		return time.Time{}, false
	}
	if zone == nil {
		zone = time.UTC
	}
	v := p.Value
	utc := len(v) > 0 && (v[len(v)-1] == 'Z' || v[len(v)-1] == 'z')
	if utc {
		v = v[:len(v)-1]
	}
	var wall time.Time
	var err error
	for _, layout := range []string{"20060102T150405", "20060102T1504", "20060102", "2006-01-02T15:04:05", "2006-01-02"} {
		if wall, err = time.Parse(layout, v); err == nil {
			break
		}
	}
	if err != nil {
		return time.Time{}, false
	}
	loc := zone
	if utc {
		loc = time.UTC
	} else if id := p.Param("TZID"); id != "" && res != nil {
		if z, err := res.Resolve(id); err == nil {
			loc = z.Loc
		}
	}
	return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc), true
}
