package uimodel

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/vcard"
)

// Field is one row of the side-by-side view of a conflict: a property
// and its value in each version ("" where that version lacks it).
type Field struct {
	// Label names the property for people ("Phone (cell)", "Start").
	Label  string
	Local  string
	Server string
	// Differs is set when the versions disagree on this field.
	Differs bool
}

// maxVersion bounds how much of a version is parsed for display; items
// are small, and the daemon's answer is already bounded.
const maxVersion = 4 << 20

// Compare lines up the local and server versions of a conflicting item
// of kind (contacts, calendar, tasks) field by field, in the order the
// fields first appear in the local then the server version. Properties
// that change on every save (REV, DTSTAMP, PRODID, VERSION) are left
// out. A version that cannot be parsed is an error naming the side.
func Compare(kind, local, server string) ([]Field, error) {
	if len(local) > maxVersion || len(server) > maxVersion {
		return nil, errors.New("compare: item too large to show")
	}
	parse := parseCard
	if kind != "contacts" {
		parse = parseEvent
	}
	l, err := parse(local)
	if err != nil {
		return nil, fmt.Errorf("this computer's version: %w", err)
	}
	s, err := parse(server)
	if err != nil {
		return nil, fmt.Errorf("the server's version: %w", err)
	}
	var order []string
	for _, k := range append(slices.Clone(l.order), s.order...) {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	out := make([]Field, 0, len(order))
	for _, k := range order {
		lv, sv := strings.Join(l.values[k], "\n"), strings.Join(s.values[k], "\n")
		out = append(out, Field{Label: k, Local: lv, Server: sv, Differs: !sameValues(l.values[k], s.values[k])})
	}
	return out, nil
}

// sameValues compares multi-valued fields without regard to order: a
// server may return a contact's phone numbers reordered.
func sameValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// fields holds one version's values by label, in first-seen order.
type fields struct {
	order  []string
	values map[string][]string
}

// add records one value; an empty value shows as nothing, the same as
// an absent property, so it is not recorded.
func (f *fields) add(label, value string) {
	if value == "" {
		return
	}
	if f.values == nil {
		f.values = make(map[string][]string)
	}
	if _, ok := f.values[label]; !ok {
		f.order = append(f.order, label)
	}
	f.values[label] = append(f.values[label], value)
}

// volatile are properties rewritten on every save; they would mark every
// conflict as differing without telling the user anything.
var volatile = map[string]bool{"REV": true, "DTSTAMP": true, "PRODID": true, "VERSION": true, "LAST-MODIFIED": true, "SEQUENCE": true}

var cardLabels = map[string]string{
	"FN": "Name", "N": "Name parts", "NICKNAME": "Nickname", "ORG": "Organisation", "TITLE": "Job title",
	"ROLE": "Role", "TEL": "Phone", "EMAIL": "E-mail", "ADR": "Address", "URL": "Web site", "BDAY": "Birthday",
	"ANNIVERSARY": "Anniversary", "NOTE": "Note", "CATEGORIES": "Categories", "PHOTO": "Photo", "UID": "UID",
	"IMPP": "Chat",
}

func parseCard(s string) (fields, error) {
	cards, _, err := vcard.Read(strings.NewReader(s), "item")
	if err != nil {
		return fields{}, err
	}
	if len(cards) == 0 {
		return fields{}, errors.New("no vCard in it")
	}
	var f fields
	for _, p := range cards[0].Props {
		if volatile[p.Name] {
			continue
		}
		label := cardLabels[p.Name]
		if label == "" {
			label = p.Name
		}
		if t := p.Types(); len(t) > 0 {
			label += " (" + strings.ToLower(strings.Join(t, ", ")) + ")"
		}
		f.add(label, cardValue(&p))
	}
	return f, nil
}

func cardValue(p *vcard.Property) string {
	switch {
	case p.IsBinary():
		return fmt.Sprintf("(%d bytes of data)", len(p.Value)*3/4)
	case p.Name == "N" || p.Name == "ADR" || p.Name == "ORG":
		var parts []string
		for _, c := range p.Components() {
			if c = strings.TrimSpace(c); c != "" {
				parts = append(parts, c)
			}
		}
		return strings.Join(parts, ", ")
	}
	return p.Text()
}

var eventLabels = map[string]string{
	"SUMMARY": "Title", "DTSTART": "Start", "DTEND": "End", "DUE": "Due", "DURATION": "Duration",
	"LOCATION": "Location", "DESCRIPTION": "Description", "RRULE": "Repeats", "EXDATE": "Except on",
	"STATUS": "Status", "CLASS": "Privacy", "TRANSP": "Shows as", "PRIORITY": "Priority",
	"ORGANIZER": "Organiser", "ATTENDEE": "Attendee", "CATEGORIES": "Categories", "UID": "UID",
	"PERCENT-COMPLETE": "Done (%)", "COMPLETED": "Completed", "RECURRENCE-ID": "Occurrence",
}

// parseEvent reads the first event or task of an iCalendar object and the
// alarms under it; overridden occurrences are further VEVENTs and are
// numbered so their fields line up between the versions.
func parseEvent(s string) (fields, error) {
	doc, err := ical.Read(strings.NewReader(s))
	if err != nil {
		return fields{}, err
	}
	var f fields
	n := 0
	for _, cal := range doc.Calendars {
		for _, c := range cal.Children {
			if c.Name != "VEVENT" && c.Name != "VTODO" {
				continue
			}
			prefix := ""
			if n > 0 {
				prefix = fmt.Sprintf("Occurrence %d: ", n)
			}
			n++
			addComponent(&f, prefix, c)
			for _, a := range c.ChildrenNamed("VALARM") {
				addComponent(&f, prefix+"Reminder ", a)
			}
		}
	}
	if n == 0 {
		return fields{}, errors.New("no event or task in it")
	}
	return f, nil
}

func addComponent(f *fields, prefix string, c *ical.Component) {
	for _, p := range c.Props {
		if volatile[p.Name] {
			continue
		}
		label := eventLabels[p.Name]
		if label == "" {
			label = strings.ToLower(p.Name)
		}
		v := p.Text()
		if tz := p.Param("TZID"); tz != "" {
			v += " (" + tz + ")"
		}
		if p.Name == "ATTENDEE" || p.Name == "ORGANIZER" {
			v = strings.TrimPrefix(strings.TrimPrefix(p.Value, "mailto:"), "MAILTO:")
			if cn := p.Param("CN"); cn != "" {
				v = cn + " <" + v + ">"
			}
		}
		f.add(prefix+label, v)
	}
}
