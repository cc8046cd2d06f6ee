package event

import (
	"fmt"
	"sort"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
)

// Item is one calendar object: the components of one UID and kind (VEVENT
// or VTODO) from one file. Master is nil for orphan overrides (a file that
// carries only some occurrences of a series).
type Item struct {
	UID       string
	Kind      string // "VEVENT" or "VTODO"
	Master    *ical.Component
	Overrides []*ical.Component // RECURRENCE-ID components, file order
	// Calendar is the VCALENDAR the item came from; its VTIMEZONEs and
	// properties (METHOD, PRODID, X-WR-*) are kept when writing back.
	Calendar *ical.Component
	// VCal is set for vCalendar 1.0 input, whose RRULE and alarms use the
	// 1.0 syntax.
	VCal bool
	// resolver is shared by the items of one document, so that TZIDs are
	// resolved once per file.
	resolver *tz.Resolver
}

// Components returns master (if any) then overrides.
func (it *Item) Components() []*ical.Component {
	var out []*ical.Component
	if it.Master != nil {
		out = append(out, it.Master)
	}
	return append(out, it.Overrides...)
}

// primary is the component that carries the item's main properties: the
// master, or the first override of an orphan item.
func (it *Item) primary() *ical.Component {
	if it.Master != nil {
		return it.Master
	}
	if len(it.Overrides) > 0 {
		return it.Overrides[0]
	}
	return nil
}

// Problem is an unusable component, named by file, index and line.
type Problem struct {
	File      string
	Component string
	Index     int // 0-based position among the file's VEVENT/VTODO components
	Line      int
	Err       error
}

// Error names the file, component, index and line.
func (p *Problem) Error() string {
	return fmt.Sprintf("%s: %s #%d at line %d: %v", p.File, p.Component, p.Index, p.Line, p.Err)
}

// Unwrap returns the underlying error.
func (p *Problem) Unwrap() error { return p.Err }

// Items groups a document's VEVENT and VTODO components by UID and kind.
// Components without UID get one synthesised from their position
// ("<file>#<index>") so they stay addressable. A second master with the
// same UID becomes a separate Item. Incomplete components (truncated
// input) are returned as Problems, not Items.
func Items(doc *ical.Document, file string) ([]*Item, []*Problem) {
	var (
		items    []*Item
		problems []*Problem
		byKey    = map[string]*Item{}
		index    = 0
	)
	for _, cal := range doc.Calendars {
		for _, c := range cal.Children {
			if c.Name != "VEVENT" && c.Name != "VTODO" {
				continue
			}
			idx := index
			index++
			if c.Incomplete {
				problems = append(problems, &Problem{File: file, Component: c.Name, Index: idx, Line: c.Line,
					Err: fmt.Errorf("component has no END (input truncated)")})
				continue
			}
			uid := ical.Unescape(c.Value("UID"))
			if uid == "" {
				uid = fmt.Sprintf("%s#%d", file, idx)
			}
			key := c.Name + "\x00" + uid
			it := byKey[key]
			if it == nil {
				it = &Item{UID: uid, Kind: c.Name, Calendar: cal, VCal: doc.IsVCal()}
				byKey[key] = it
				items = append(items, it)
			}
			if c.Prop("RECURRENCE-ID") != nil {
				it.Overrides = append(it.Overrides, c)
				continue
			}
			if it.Master != nil {
				// Exports sometimes hold two versions of one meeting; each
				// becomes its own item rather than one overwriting the other.
				dup := &Item{UID: uid, Kind: c.Name, Calendar: cal, VCal: doc.IsVCal(), Master: c}
				items = append(items, dup)
				continue
			}
			it.Master = c
		}
	}
	res := tz.NewResolver(doc.Calendars...)
	for _, it := range items {
		it.resolver = res
		sort.SliceStable(it.Overrides, func(i, j int) bool {
			return it.Overrides[i].Value("RECURRENCE-ID") < it.Overrides[j].Value("RECURRENCE-ID")
		})
	}
	return items, problems
}
