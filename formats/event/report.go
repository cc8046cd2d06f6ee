package event

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
)

// Version is the ActiveSync protocol version a mapping targets.
type Version string

// Supported protocol versions. 14.1 names exceptions by
// ExceptionStartTime and uses the Calendar:Location string; 16.1 names
// them by InstanceId, uses AirSyncBase:Location and never sends empty
// elements.
const (
	V141 Version = "14.1"
	V161 Version = "16.1"
)

// Options steer a mapping.
type Options struct {
	Version Version
	// Zone interprets floating times and all-day dates, and is the zone
	// all-day events are sent in. Nil means UTC.
	Zone *time.Location
	// ZoneName is Zone's IANA name when Zone.String() is not one (e.g.
	// time.Local); used to name the TIME_ZONE_INFORMATION.
	ZoneName string
	// UserEmail identifies the user among attendees (for ResponseType and
	// MeetingStatus). Compared case-insensitively, without "mailto:".
	UserEmail string
	// Resolver resolves TZIDs; nil builds one from the item's calendar.
	Resolver *tz.Resolver
}

func (o Options) is16() bool { return strings.HasPrefix(string(o.Version), "16") }

// zone is the default zone as a tz.Zone.
func (o Options) zone() tz.Zone { return (&converter{opts: o}).defaultZone() }

// Status is what happens to one property in a round trip.
type Status int

// Property statuses.
const (
	Carried     Status = iota // represented in the EAS item
	KeptLocally               // not representable in EAS, preserved in the local file
	Lost                      // neither
)

// String returns "carried", "kept-locally" or "lost".
func (s Status) String() string {
	switch s {
	case Carried:
		return "carried"
	case KeptLocally:
		return "kept-locally"
	default:
		return "lost"
	}
}

// PropStatus is the fate of one property of one component.
type PropStatus struct {
	Component string // "VEVENT", "VEVENT[RECURRENCE-ID=…]", "VALARM"…
	Prop      string
	Line      int
	Status    Status
	Note      string
}

// String formats the status as "COMPONENT PROP (line N): status: note".
func (p PropStatus) String() string {
	s := fmt.Sprintf("%s %s (line %d): %s", p.Component, p.Prop, p.Line, p.Status)
	if p.Note != "" {
		s += ": " + p.Note
	}
	return s
}

// Report lists per-property statuses and notes for one item.
type Report struct {
	UID   string
	Props []PropStatus
	Notes []string
}

// Count returns how many properties have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, p := range r.Props {
		if p.Status == s {
			n++
		}
	}
	return n
}

// Lost returns the properties with status Lost.
func (r *Report) Lost() []PropStatus {
	var out []PropStatus
	for _, p := range r.Props {
		if p.Status == Lost {
			out = append(out, p)
		}
	}
	return out
}

// Notes of kept-locally schedule properties that make no difference
// between the local file and the server, so Warnings passes over them.
const (
	// RRULE, EXDATE and RDATE on an override (or on overrides whose
	// master is absent) define no instances: Occurrences and calendar
	// clients read them on the master only.
	noteNotARule = "not the master's rule: defines no instances here either"
	// A lone override without master goes as a plain event at its own
	// time: the occurrence is the same, only the link to a series is not.
	noteSingleOrphan = "orphan override: sent as a single event"
)

// scheduleProps change when an item occurs.
var scheduleProps = map[string]bool{
	"DTSTART": true, "DTEND": true, "DURATION": true, "RRULE": true, "EXRULE": true,
	"RDATE": true, "EXDATE": true, "RECURRENCE-ID": true,
}

// Warnings returns one sentence per property that changes when the item
// occurs but does not reach the server (kept locally or lost): an RDATE, a
// rule or override ActiveSync cannot express. The server and every other
// device then show a different schedule than the local file, which the
// user has to be told; each sentence names the item and the line. Other
// kept-locally properties (alarm actions, X- properties) change nothing
// anyone sees elsewhere and give no warning.
func (r *Report) Warnings() []string {
	var out []string
	for _, p := range r.Props {
		if p.Status == Carried || !scheduleProps[p.Prop] || p.Note == noteNotARule || p.Note == noteSingleOrphan {
			continue
		}
		w := fmt.Sprintf("event %q: %s %s (line %d) is %s: the server and other devices will not have the occurrences it adds, moves or removes",
			r.UID, p.Component, p.Prop, p.Line, p.Status)
		if p.Note != "" {
			w += " (" + p.Note + ")"
		}
		out = append(out, w)
	}
	return out
}

func (r *Report) add(comp string, p *ical.Prop, s Status, note string) {
	line := 0
	name := "?"
	if p != nil {
		line, name = p.Line, p.Name
	}
	r.Props = append(r.Props, PropStatus{Component: comp, Prop: name, Line: line, Status: s, Note: note})
}

func (r *Report) notef(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// sortProps orders statuses by line for stable output.
func (r *Report) sortProps() {
	sort.SliceStable(r.Props, func(i, j int) bool { return r.Props[i].Line < r.Props[j].Line })
}
