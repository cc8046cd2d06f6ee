package contact

import (
	"fmt"
	"strings"
)

// Status says what happened to one vCard property in a mapping.
type Status int

// Property outcomes.
const (
	// Carried: the property's content travels in EAS fields.
	Carried Status = iota
	// KeptLocally: EAS has no room for it (or only for part of it); the
	// local card keeps it and FromEAS preserves it.
	KeptLocally
	// Lost: the content did not survive a round trip. Fidelity reports
	// these; the mapping itself never drops data on purpose.
	Lost
)

// String returns "carried", "kept-locally" or "lost".
func (s Status) String() string {
	switch s {
	case Carried:
		return "carried"
	case KeptLocally:
		return "kept-locally"
	case Lost:
		return "lost"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Entry reports one vCard property. Fields names the EAS elements it maps
// to; Note explains partial or local-only mappings.
type Entry struct {
	Line   int
	Group  string
	Name   string
	Status Status
	Fields []string
	Note   string
}

// String formats the entry as "line N NAME: status → fields (note)".
func (e Entry) String() string {
	name := e.Name
	if e.Group != "" {
		name = e.Group + "." + name
	}
	s := fmt.Sprintf("line %d %s: %s", e.Line, name, e.Status)
	if len(e.Fields) > 0 {
		s += " → " + strings.Join(e.Fields, ", ")
	}
	if e.Note != "" {
		s += " (" + e.Note + ")"
	}
	return s
}

// Report lists the outcome for every property of one card.
type Report struct {
	Entries []Entry
}

// Count returns how many entries have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, e := range r.Entries {
		if e.Status == s {
			n++
		}
	}
	return n
}

func (r *Report) add(e Entry) { r.Entries = append(r.Entries, e) }
