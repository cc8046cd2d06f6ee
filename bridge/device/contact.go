package device

import (
	"fmt"
	"strings"
)

// Contact is the part of a contact that phones keep, as read from or
// written to vCard.
type Contact struct {
	UID           string
	FormattedName string
	Name          Name
	Nickname      string
	Phones        []Typed
	Emails        []Typed
	Addresses     []Address
	// Org is the organisation name, then its units, joined by ";".
	Org   string
	Title string
	Note  string
	// Birthday and Anniversary are "YYYY-MM-DD", or "--MM-DD" without a
	// year; "" when absent.
	Birthday    string
	Anniversary string
	URLs        []string
}

// Name is a structured name (vCard N).
type Name struct {
	Family, Given, Additional, Prefix, Suffix string
}

// Typed is a phone number or e-mail address with its upper-case vCard
// types ("CELL", "HOME", "WORK", "PREF").
type Typed struct {
	Types []string
	Value string
}

// HasType reports whether t is among the value's types.
func (t Typed) HasType(s string) bool {
	for _, x := range t.Types {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Address is a postal address (vCard ADR).
type Address struct {
	Types                                                          []string
	POBox, Extended, Street, Locality, Region, PostalCode, Country string
}

// DisplayName returns FormattedName, or a name built from Name when the
// card has no FN.
func (c *Contact) DisplayName() string {
	if c.FormattedName != "" {
		return c.FormattedName
	}
	parts := []string{c.Name.Prefix, c.Name.Given, c.Name.Additional, c.Name.Family, c.Name.Suffix}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return strings.TrimSpace(c.Org)
	}
	return strings.Join(out, " ")
}

// ParseContacts reads every VCARD in data (vCard 2.1, 3.0 or 4.0).
func ParseContacts(data []byte) ([]Contact, error) {
	blocks, err := ParseBlocks(data, MaxItemBytes*64)
	if err != nil {
		return nil, err
	}
	var out []Contact
	for _, b := range blocks {
		if b.Name == "VCARD" {
			out = append(out, ContactFromBlock(b))
		}
	}
	return out, nil
}

// ParseContact reads the single VCARD in data; it fails with ErrInvalid
// when data holds no vCard.
func ParseContact(data []byte) (Contact, error) {
	if len(data) > MaxItemBytes {
		return Contact{}, fmt.Errorf("contact: %d bytes: %w", len(data), ErrInvalid)
	}
	cs, err := ParseContacts(data)
	if err != nil {
		return Contact{}, err
	}
	if len(cs) == 0 {
		return Contact{}, fmt.Errorf("contact: no VCARD: %w", ErrInvalid)
	}
	return cs[0], nil
}

// ContactFromBlock reads a contact from a parsed VCARD block, for callers
// that need the block's other lines too (gammu's X-GAMMU-LOCATION).
func ContactFromBlock(b *Block) Contact {
	var c Contact
	for _, l := range b.Lines {
		switch l.Name {
		case "UID":
			c.UID = strings.TrimSpace(l.Text())
		case "FN":
			c.FormattedName = strings.TrimSpace(l.Text())
		case "N":
			p := append(l.Parts(), "", "", "", "", "")
			c.Name = Name{Family: p[0], Given: p[1], Additional: p[2], Prefix: p[3], Suffix: p[4]}
		case "NICKNAME":
			c.Nickname = l.Text()
		case "TEL":
			v := strings.TrimSpace(strings.TrimPrefix(l.Text(), "tel:"))
			if v != "" {
				c.Phones = append(c.Phones, Typed{Types: normTypes(l), Value: v})
			}
		case "EMAIL":
			v := strings.TrimSpace(l.Text())
			if v != "" {
				c.Emails = append(c.Emails, Typed{Types: normTypes(l), Value: v})
			}
		case "ADR":
			p := append(l.Parts(), "", "", "", "", "", "", "")
			c.Addresses = append(c.Addresses, Address{Types: normTypes(l), POBox: p[0], Extended: p[1],
				Street: p[2], Locality: p[3], Region: p[4], PostalCode: p[5], Country: p[6]})
		case "ORG":
			p := l.Parts()
			c.Org = strings.TrimRight(strings.Join(p, ";"), ";")
		case "TITLE":
			c.Title = l.Text()
		case "NOTE":
			c.Note = l.Text()
		case "BDAY":
			c.Birthday = normDate(l.Text())
		case "ANNIVERSARY", "X-ANNIVERSARY":
			c.Anniversary = normDate(l.Text())
		case "URL":
			if v := strings.TrimSpace(l.Text()); v != "" {
				c.URLs = append(c.URLs, v)
			}
		}
	}
	return c
}

// normTypes returns the line's TYPE values upper-cased, with vCard 4.0's
// PREF parameter folded into a PREF type and "VOICE"/"INTERNET" noise
// removed, so 2.1, 3.0 and 4.0 cards compare equal.
func normTypes(l Line) []string {
	var out []string
	for _, t := range l.Params["TYPE"] {
		t = strings.ToUpper(strings.TrimSpace(t))
		switch t {
		case "", "VOICE", "INTERNET", "X-INTERNET":
			continue
		}
		if !isToken(t) {
			continue // not a type any writer we talk to would accept
		}
		out = append(out, t)
	}
	if l.Param("PREF") != "" {
		out = append(out, "PREF")
	}
	return out
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// normDate turns the date forms found in vCards (19800131, 1980-01-31,
// --0131, --01-31, 1980-01-31T00:00:00Z) into "YYYY-MM-DD" or "--MM-DD".
// Anything else is returned trimmed, unchanged.
func normDate(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, 'T'); i > 0 {
		s = s[:i]
	}
	if strings.HasPrefix(s, "--") {
		d := strings.ReplaceAll(s[2:], "-", "")
		if len(d) == 4 && allDigits(d) {
			return "--" + d[:2] + "-" + d[2:]
		}
		return s
	}
	d := strings.ReplaceAll(s, "-", "")
	if len(d) == 8 && allDigits(d) {
		return d[:4] + "-" + d[4:6] + "-" + d[6:]
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// vcardDate writes a normalised date in vCard 4.0 basic form.
func vcardDate(s string) string {
	if strings.HasPrefix(s, "--") {
		return "--" + strings.ReplaceAll(s[2:], "-", "")
	}
	return strings.ReplaceAll(s, "-", "")
}

// VCard encodes the contact as vCard 4.0. The output is deterministic:
// equal contacts give equal bytes.
func (c *Contact) VCard() []byte {
	var w writer
	w.line("BEGIN", nil, "VCARD")
	w.line("VERSION", nil, "4.0")
	if c.UID != "" {
		w.line("UID", nil, escapeText(c.UID))
	}
	w.line("FN", nil, escapeText(c.DisplayName()))
	n := c.Name
	if n != (Name{}) {
		w.line("N", nil, joinParts(n.Family, n.Given, n.Additional, n.Prefix, n.Suffix))
	}
	if c.Nickname != "" {
		w.line("NICKNAME", nil, escapeText(c.Nickname))
	}
	for _, p := range c.Phones {
		w.line("TEL", typeParams(p.Types), escapeText(p.Value))
	}
	for _, e := range c.Emails {
		w.line("EMAIL", typeParams(e.Types), escapeText(e.Value))
	}
	for _, a := range c.Addresses {
		w.line("ADR", typeParams(a.Types), joinParts(a.POBox, a.Extended, a.Street, a.Locality, a.Region, a.PostalCode, a.Country))
	}
	if c.Org != "" {
		w.line("ORG", nil, joinParts(strings.Split(c.Org, ";")...))
	}
	if c.Title != "" {
		w.line("TITLE", nil, escapeText(c.Title))
	}
	if c.Birthday != "" {
		w.line("BDAY", nil, vcardDate(c.Birthday))
	}
	if c.Anniversary != "" {
		w.line("ANNIVERSARY", nil, vcardDate(c.Anniversary))
	}
	for _, u := range c.URLs {
		w.line("URL", nil, u)
	}
	if c.Note != "" {
		w.line("NOTE", nil, escapeText(c.Note))
	}
	w.line("END", nil, "VCARD")
	return w.Bytes()
}

// typeParams writes 4.0 TYPE and PREF parameters.
func typeParams(types []string) []string {
	var ts []string
	pref := false
	for _, t := range types {
		if t == "PREF" {
			pref = true
			continue
		}
		ts = append(ts, strings.ToLower(t))
	}
	var out []string
	if len(ts) == 1 {
		out = append(out, "TYPE="+ts[0])
	} else if len(ts) > 1 {
		out = append(out, "TYPE="+strings.Join(ts, ","))
	}
	if pref {
		out = append(out, "PREF=1")
	}
	return out
}
