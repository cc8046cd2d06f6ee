package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/cradle-sync/cradle/formats/vcard"
)

// The CSV layout is the one Google Contacts exports and imports ("Google
// CSV"): fixed person columns, then numbered groups ("E-mail 1 - Type",
// "E-mail 1 - Value", ...) for repeated fields. Outlook's import wizard
// maps the same names. Within a cell Google separates several values
// with " ::: " and marks the preferred one with a leading "* ".
const (
	csvMulti = " ::: "
	csvPref  = "* "
	// csvMyContacts is Google's system group: contacts outside it are
	// imported as "other contacts" and hidden from the main list.
	csvMyContacts = "* myContacts"
)

// personColumns precede the numbered groups, in Google's order. Those
// Cradle has no source for stay empty, as in Google's own export.
var personColumns = []string{
	"Name", "Given Name", "Additional Name", "Family Name", "Yomi Name",
	"Given Name Yomi", "Additional Name Yomi", "Family Name Yomi",
	"Name Prefix", "Name Suffix", "Initials", "Nickname", "Short Name",
	"Maiden Name", "Birthday", "Gender", "Location", "Billing Information",
	"Directory Server", "Mileage", "Occupation", "Hobby", "Sensitivity",
	"Priority", "Subject", "Notes", "Language", "Photo", "Group Membership",
}

// group is one kind of numbered column group.
type group struct {
	prefix string   // "E-mail"
	fields []string // "Type", "Value"
}

var (
	emailGroup    = group{"E-mail", []string{"Type", "Value"}}
	phoneGroup    = group{"Phone", []string{"Type", "Value"}}
	addressGroup  = group{"Address", []string{"Type", "Formatted", "Street", "City", "PO Box", "Region", "Postal Code", "Country", "Extended Address"}}
	orgGroup      = group{"Organization", []string{"Type", "Name", "Yomi Name", "Title", "Department", "Symbol", "Location", "Job Description"}}
	relationGroup = group{"Relation", []string{"Type", "Value"}}
	websiteGroup  = group{"Website", []string{"Type", "Value"}}
	eventGroup    = group{"Event", []string{"Type", "Value"}}
)

// csvShape is how many numbered groups of each kind the header has: the
// most any exported card needs, so no value is dropped for want of a
// column.
type csvShape struct {
	emails, phones, addresses, orgs, relations, websites, events int
}

// minShape keeps one group of each kind even for cards that lack the
// field, so the header is the familiar one whatever is exported.
var minShape = csvShape{1, 1, 1, 1, 1, 1, 1}

func (s *csvShape) fit(c *vcard.Card) {
	s.emails = max(s.emails, len(c.All("EMAIL")))
	s.phones = max(s.phones, len(c.All("TEL")))
	s.addresses = max(s.addresses, len(c.All("ADR")))
	s.orgs = max(s.orgs, len(c.All("ORG")), len(c.All("TITLE")))
	s.relations = max(s.relations, len(relations(c)))
	s.websites = max(s.websites, len(c.All("URL")))
	s.events = max(s.events, len(events(c)))
}

// groups lists the numbered groups in header order with their counts.
func (s csvShape) groups() []struct {
	g group
	n int
} {
	return []struct {
		g group
		n int
	}{
		{emailGroup, s.emails}, {phoneGroup, s.phones}, {addressGroup, s.addresses},
		{orgGroup, s.orgs}, {relationGroup, s.relations}, {websiteGroup, s.websites},
		{eventGroup, s.events},
	}
}

// header returns the column names for the shape.
func (s csvShape) header() []string {
	h := append([]string(nil), personColumns...)
	for _, gn := range s.groups() {
		for i := 1; i <= gn.n; i++ {
			for _, f := range gn.g.fields {
				h = append(h, fmt.Sprintf("%s %d - %s", gn.g.prefix, i, f))
			}
		}
	}
	return h
}

// CSVHeader returns the header row of a CSV export whose cards have at
// most the given numbers of e-mail addresses and phone numbers (and one
// each of the other repeated fields); exports grow the numbered groups to
// fit the cards they write.
func CSVHeader(emails, phones int) []string {
	s := minShape
	s.emails, s.phones = max(1, emails), max(1, phones)
	return s.header()
}

// csvWriter writes one row per card.
type csvWriter struct {
	w     *csv.Writer
	shape csvShape
	row   []string
}

func newCSVWriter(w io.Writer, shape csvShape, bom bool) (*csvWriter, error) {
	if bom {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, err
		}
	}
	cw := &csvWriter{w: csv.NewWriter(w), shape: shape}
	// CRLF as RFC 4180 prescribes; Excel and Google accept it.
	cw.w.UseCRLF = true
	if err := cw.w.Write(shape.header()); err != nil {
		return nil, err
	}
	return cw, nil
}

func (cw *csvWriter) write(c *vcard.Card) error {
	cw.row = csvRow(c, cw.shape, cw.row[:0])
	return cw.w.Write(cw.row)
}

func (cw *csvWriter) flush() error {
	cw.w.Flush()
	return cw.w.Error()
}

// csvRow appends the card's cells to row in header order.
func csvRow(c *vcard.Card, s csvShape, row []string) []string {
	var n []string
	if p := c.Get("N"); p != nil {
		n = p.Components()
	}
	comp := func(i int) string {
		if i < len(n) {
			return strings.TrimSpace(n[i])
		}
		return ""
	}
	given, family, middle := text(c, "X-PHONETIC-FIRST-NAME"), text(c, "X-PHONETIC-LAST-NAME"), text(c, "X-PHONETIC-MIDDLE-NAME")
	yomi := strings.Join(nonEmpty(given, middle, family), " ")
	var nick []string
	for _, p := range c.All("NICKNAME") {
		nick = append(nick, p.List()...)
	}
	var notes []string
	for _, p := range c.All("NOTE") {
		notes = append(notes, p.Text())
	}
	groups := []string{csvMyContacts}
	for _, p := range c.All("CATEGORIES") {
		groups = append(groups, p.List()...)
	}
	row = append(row,
		displayName(c), comp(1), comp(2), comp(0), yomi,
		given, middle, family,
		comp(3), comp(4), "", strings.Join(nick, csvMulti), "",
		"", dateCell(c.Get("BDAY")), gender(c), "", "",
		"", "", "", "", "",
		"", "", strings.Join(notes, "\n"), text(c, "LANG"), photoURL(c), strings.Join(groups, csvMulti),
	)
	row = appendPairs(row, c.All("EMAIL"), s.emails, emailType, func(p *vcard.Property) string {
		return strings.TrimPrefix(p.Text(), "mailto:")
	})
	row = appendPairs(row, c.All("TEL"), s.phones, phoneType, func(p *vcard.Property) string {
		return strings.TrimPrefix(p.Text(), "tel:")
	})
	adrs := c.All("ADR")
	for i := 0; i < s.addresses; i++ {
		if i >= len(adrs) {
			row = appendEmpty(row, len(addressGroup.fields))
			continue
		}
		a := adrs[i].Components()
		at := func(j int) string {
			if j < len(a) {
				return strings.TrimSpace(a[j])
			}
			return ""
		}
		row = append(row, typeCell(adrs[i], addressType(adrs[i])), formatAddress(adrs[i], a),
			at(2), at(3), at(0), at(4), at(5), at(6), at(1))
	}
	orgs, titles, roles := c.All("ORG"), c.All("TITLE"), c.All("ROLE")
	for i := 0; i < s.orgs; i++ {
		var name, dept, title, role string
		if i < len(orgs) {
			o := orgs[i].Components()
			if len(o) > 0 {
				name = o[0]
			}
			dept = strings.Join(nonEmpty(o[min(1, len(o)):]...), ", ")
		}
		if i < len(titles) {
			title = titles[i].Text()
		}
		if i < len(roles) {
			role = roles[i].Text()
		}
		row = append(row, "", name, "", title, dept, "", "", role)
	}
	rel := relations(c)
	for i := 0; i < s.relations; i++ {
		if i < len(rel) {
			row = append(row, rel[i][0], rel[i][1])
		} else {
			row = appendEmpty(row, 2)
		}
	}
	row = appendPairs(row, c.All("URL"), s.websites, websiteType, (*vcard.Property).Text)
	ev := events(c)
	for i := 0; i < s.events; i++ {
		if i < len(ev) {
			row = append(row, ev[i][0], ev[i][1])
		} else {
			row = appendEmpty(row, 2)
		}
	}
	return row
}

// appendPairs writes n Type/Value pairs from props.
func appendPairs(row []string, props []*vcard.Property, n int, kind func(*vcard.Property) string, value func(*vcard.Property) string) []string {
	for i := 0; i < n; i++ {
		if i < len(props) {
			row = append(row, typeCell(props[i], kind(props[i])), strings.TrimSpace(value(props[i])))
		} else {
			row = appendEmpty(row, 2)
		}
	}
	return row
}

func appendEmpty(row []string, n int) []string {
	for range n {
		row = append(row, "")
	}
	return row
}

// typeCell prefixes the preferred value's type with Google's marker.
func typeCell(p *vcard.Property, kind string) string {
	if isPref(p) {
		return csvPref + kind
	}
	return kind
}

// isPref covers 2.1/3.0 TYPE=pref and 4.0 PREF=1.
func isPref(p *vcard.Property) bool {
	if p.HasType("pref") {
		return true
	}
	v := p.Param("PREF")
	return len(v) > 0 && strings.TrimSpace(v[0]) == "1"
}

func emailType(p *vcard.Property) string {
	switch {
	case p.HasType("home"):
		return "Home"
	case p.HasType("work"):
		return "Work"
	}
	return "Other"
}

func phoneType(p *vcard.Property) string {
	fax := p.HasType("fax")
	switch {
	case fax && p.HasType("home"):
		return "Home Fax"
	case fax && p.HasType("work"):
		return "Work Fax"
	case fax:
		return "Other Fax"
	case p.HasType("cell"), p.HasType("iphone"):
		return "Mobile"
	case p.HasType("pager"):
		return "Pager"
	case p.HasType("main"):
		return "Main"
	case p.HasType("home"):
		return "Home"
	case p.HasType("work"):
		return "Work"
	}
	return "Other"
}

func addressType(p *vcard.Property) string {
	switch {
	case p.HasType("home"):
		return "Home"
	case p.HasType("work"):
		return "Work"
	}
	return "Other"
}

func websiteType(p *vcard.Property) string {
	for _, t := range []string{"home", "work", "blog", "profile", "homepage", "ftp"} {
		if p.HasType(t) {
			return strings.ToUpper(t[:1]) + t[1:]
		}
	}
	return "Other"
}

// formatAddress is the 4.0 LABEL parameter when the card has one, else
// the components laid out as a postal address.
func formatAddress(p *vcard.Property, a []string) string {
	if l := p.Param("LABEL"); len(l) > 0 && strings.TrimSpace(l[0]) != "" {
		return l[0]
	}
	at := func(j int) string {
		if j < len(a) {
			return strings.TrimSpace(a[j])
		}
		return ""
	}
	lines := nonEmpty(
		at(0), at(1), at(2),
		strings.Join(nonEmpty(at(3), at(4), at(5)), " "),
		at(6),
	)
	return strings.Join(lines, "\n")
}

// relations lists (type, name) pairs from RELATED and the X- properties
// Apple and Evolution use.
func relations(c *vcard.Card) [][2]string {
	var out [][2]string
	for _, p := range c.All("RELATED") {
		kind := "Other"
		if ts := p.Types(); len(ts) > 0 && ts[0] != "" {
			kind = strings.ToUpper(ts[0][:1]) + strings.ToLower(ts[0][1:])
		}
		out = append(out, [2]string{kind, p.Text()})
	}
	for _, x := range []struct{ prop, kind string }{
		{"X-SPOUSE", "Spouse"}, {"X-EVOLUTION-SPOUSE", "Spouse"}, {"X-MS-SPOUSE", "Spouse"},
		{"X-MANAGER", "Manager"}, {"X-EVOLUTION-MANAGER", "Manager"}, {"X-MS-MANAGER", "Manager"},
		{"X-ASSISTANT", "Assistant"}, {"X-EVOLUTION-ASSISTANT", "Assistant"}, {"X-MS-ASSISTANT", "Assistant"},
	} {
		for _, p := range c.All(x.prop) {
			out = append(out, [2]string{x.kind, p.Text()})
		}
	}
	return out
}

// events lists (type, date) pairs for anniversaries; BDAY has its own
// column.
func events(c *vcard.Card) [][2]string {
	var out [][2]string
	for _, name := range []string{"ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-MS-ANNIVERSARY"} {
		for _, p := range c.All(name) {
			if d := dateCell(p); d != "" {
				out = append(out, [2]string{"Anniversary", d})
			}
		}
	}
	return out
}

// dateCell writes a date as Google does: 1980-04-15, or --04-15 without
// a year. An unparseable value is passed through rather than lost.
func dateCell(p *vcard.Property) string {
	if p == nil {
		return ""
	}
	d, ok := vcard.ParseDate(p.Value, p.Param("X-APPLE-OMIT-YEAR"))
	if !ok {
		return strings.TrimSpace(p.Text())
	}
	if d.Year == 0 {
		return fmt.Sprintf("--%02d-%02d", d.Month, d.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

func gender(c *vcard.Card) string {
	if p := c.Get("GENDER"); p != nil {
		sex := ""
		if comps := p.Components(); len(comps) > 0 {
			sex = strings.ToUpper(strings.TrimSpace(comps[0]))
		}
		switch sex {
		case "M":
			return "male"
		case "F":
			return "female"
		case "O":
			return "other"
		}
		return ""
	}
	return strings.ToLower(text(c, "X-GENDER"))
}

// photoURL is PHOTO when it is a link; inline pictures do not fit a cell.
func photoURL(c *vcard.Card) string {
	p := c.Get("PHOTO")
	if p == nil || p.IsBinary() {
		return ""
	}
	v := strings.TrimSpace(p.Value)
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		return v
	}
	return ""
}

func text(c *vcard.Card, name string) string {
	return strings.TrimSpace(textOf(c.Get(name)))
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
