package event

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
)

// FidelityReport is the outcome of round-tripping every item of one file
// through ActiveSync: file → EAS → (merge into the file's own item) → file.
type FidelityReport struct {
	File     string
	Version  Version
	Items    []Report
	Problems []*Problem   // components that could not be mapped
	Issues   []ical.Issue // reader repairs and warnings
	Summary  map[Status]int
	// Mismatches lists items whose occurrences (over two years from their
	// start) differ after the round trip; it must be empty.
	Mismatches []string
}

// Lost returns the properties lost across all items.
func (f *FidelityReport) Lost() []PropStatus {
	var out []PropStatus
	for i := range f.Items {
		out = append(out, f.Items[i].Lost()...)
	}
	return out
}

// String renders a one-line summary followed by problems, mismatches and
// lost properties, one per line.
func (f *FidelityReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (EAS %s): %d items, %d carried, %d kept locally, %d lost, %d problems, %d occurrence mismatches\n",
		f.File, f.Version, len(f.Items), f.Summary[Carried], f.Summary[KeptLocally], f.Summary[Lost], len(f.Problems), len(f.Mismatches))
	for _, p := range f.Problems {
		fmt.Fprintf(&b, "  problem: %v\n", p)
	}
	for _, m := range f.Mismatches {
		fmt.Fprintf(&b, "  mismatch: %s\n", m)
	}
	for _, l := range f.Lost() {
		fmt.Fprintf(&b, "  lost: %v\n", l)
	}
	return b.String()
}

// Fidelity reads a calendar file and round-trips each item through the
// ActiveSync schema for version v, in UTC: every property is classified
// as carried, kept locally or lost, and the occurrences before and after
// are compared. A file that cannot be read at all is an error.
func Fidelity(r io.Reader, name string, v Version) (FidelityReport, error) {
	rep := FidelityReport{File: name, Version: v, Summary: map[Status]int{}}
	doc, err := ical.Read(r)
	if err != nil {
		return rep, fmt.Errorf("fidelity %s: %w", name, err)
	}
	rep.Issues = doc.Issues
	items, problems := Items(doc, name)
	rep.Problems = problems
	opts := Options{Version: v}
	for idx, it := range items {
		var ir Report
		var merged *Item
		var err error
		switch it.Kind {
		case "VEVENT":
			e, r0, err0 := ToEAS(it, opts)
			ir, err = r0, err0
			if err == nil {
				merged, _, err = FromEAS(e, it, opts)
			}
		case "VTODO":
			t, r0, err0 := TaskToEAS(it, opts)
			ir, err = r0, err0
			if err == nil {
				merged, _, err = TaskFromEAS(t, it, opts)
			}
		}
		if err != nil {
			rep.Problems = append(rep.Problems, &Problem{File: name, Component: it.Kind, Index: idx, Line: it.primary().Line, Err: err})
			continue
		}
		markLost(&ir, it, merged)
		if it.Kind == "VEVENT" {
			if msg := compareOccurrences(it, merged, opts); msg != "" {
				rep.Mismatches = append(rep.Mismatches, it.UID+": "+msg)
			}
		}
		for _, p := range ir.Props {
			rep.Summary[p.Status]++
		}
		rep.Items = append(rep.Items, ir)
	}
	return rep, nil
}

// markLost downgrades to Lost every reported property that does not come
// back identical (name, parameters, value) in the merged item.
func markLost(r *Report, base, merged *Item) {
	have := map[string]int{}
	for _, c := range merged.Components() {
		collectLines(c, have)
	}
	want := map[string]int{}
	for _, c := range base.Components() {
		collectLines(c, want)
	}
	missing := map[string]int{}
	for line, n := range want {
		if have[line] < n {
			missing[propName(line)] += n - have[line]
		}
	}
	for i := range r.Props {
		p := &r.Props[i]
		if missing[p.Prop] > 0 {
			missing[p.Prop]--
			p.Status = Lost
		}
	}
	for name, n := range missing {
		for ; n > 0; n-- {
			r.Props = append(r.Props, PropStatus{Component: base.Kind, Prop: name, Status: Lost, Note: "not written back"})
		}
	}
}

func collectLines(c *ical.Component, into map[string]int) {
	for _, p := range c.Props {
		var b strings.Builder
		_ = ical.Encode(&b, &ical.Component{Name: "X", Props: []*ical.Prop{p}})
		into[c.Name+"|"+b.String()]++
	}
	for _, ch := range c.Children {
		collectLines(ch, into)
	}
}

func propName(line string) string {
	_, rest, _ := strings.Cut(line, "|")
	rest = strings.TrimPrefix(rest, "BEGIN:X\r\n")
	i := strings.IndexAny(rest, ";:")
	if i < 0 {
		return rest
	}
	return rest[:i]
}

// compareOccurrences compares the instances of two items over two years
// from the first one's start.
func compareOccurrences(a, b *Item, opts Options) string {
	c := newConverter(a, opts)
	prim := a.primary()
	w, err := c.parseWhen(prim.Prop("DTSTART"))
	if err != nil {
		return ""
	}
	from, to := w.T.Add(-24*time.Hour), w.T.AddDate(2, 0, 0)
	oa, errA := Occurrences(a, opts, from, to)
	ob, errB := Occurrences(b, opts, from, to)
	if errA != nil || errB != nil {
		if (errA == nil) != (errB == nil) {
			return fmt.Sprintf("expansion errors differ: %v vs %v", errA, errB)
		}
		return ""
	}
	return diffOccurrences(oa, ob)
}

func diffOccurrences(a, b []Occurrence) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d occurrences became %d", len(a), len(b))
	}
	for i := range a {
		if !a[i].Start.Equal(b[i].Start) || !a[i].End.Equal(b[i].End) {
			return fmt.Sprintf("occurrence %d: %v–%v became %v–%v", i, a[i].Start.UTC(), a[i].End.UTC(), b[i].Start.UTC(), b[i].End.UTC())
		}
	}
	return ""
}
