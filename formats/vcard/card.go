package vcard

import (
	"strings"
)

// Param is one property parameter. Values keeps the comma-separated list
// split and unquoted, in source order.
type Param struct {
	Name   string
	Values []string
}

// Property is one content line of a card.
//
// Value is canonical: escaped text for text properties (read it with Text,
// Components or List), bare base64 for inline binary (ENCODING=b), and the
// URI or literal as read otherwise. Line is the 1-based physical line the
// property started on, 0 for properties created in memory.
type Property struct {
	Group  string
	Name   string
	Params []Param
	Value  string
	Line   int
}

// Card is one vCard. Props keeps source order and excludes BEGIN, END and
// VERSION; Version holds the VERSION value ("2.1", "3.0", "4.0", or "" when
// the card had none).
type Card struct {
	Version string
	Props   []Property
	// Line is the line of the card's BEGIN:VCARD, 0 for cards built in memory.
	Line int
}

// Param returns the values of the named parameter (case-insensitive), or nil.
func (p *Property) Param(name string) []string {
	for _, pr := range p.Params {
		if strings.EqualFold(pr.Name, name) {
			return pr.Values
		}
	}
	return nil
}

// HasParam reports whether the parameter is present, even without values.
func (p *Property) HasParam(name string) bool {
	for _, pr := range p.Params {
		if strings.EqualFold(pr.Name, name) {
			return true
		}
	}
	return false
}

// SetParam replaces the named parameter's values, adding it at the end when
// it is absent.
func (p *Property) SetParam(name string, values ...string) {
	for i := range p.Params {
		if strings.EqualFold(p.Params[i].Name, name) {
			p.Params[i].Values = values
			return
		}
	}
	p.Params = append(p.Params, Param{Name: strings.ToUpper(name), Values: values})
}

// DelParam removes every parameter of that name.
func (p *Property) DelParam(name string) {
	out := p.Params[:0]
	for _, pr := range p.Params {
		if !strings.EqualFold(pr.Name, name) {
			out = append(out, pr)
		}
	}
	p.Params = out
}

// Types returns the TYPE values lower-cased, with comma lists split, so
// TYPE=HOME,VOICE and TYPE=home;TYPE=voice both give [home voice].
func (p *Property) Types() []string {
	var out []string
	for _, pr := range p.Params {
		if !strings.EqualFold(pr.Name, "TYPE") {
			continue
		}
		for _, v := range pr.Values {
			for _, s := range strings.Split(v, ",") {
				if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// HasType reports whether any TYPE value equals t, case-insensitively.
func (p *Property) HasType(t string) bool {
	for _, v := range p.Types() {
		if strings.EqualFold(v, t) {
			return true
		}
	}
	return false
}

// Text returns the value unescaped as a single text.
func (p *Property) Text() string { return Unescape(p.Value) }

// Components returns a structured value (N, ADR, ORG) split on unescaped
// semicolons, each component unescaped.
func (p *Property) Components() []string { return SplitStructured(p.Value) }

// List returns a list value (CATEGORIES, NICKNAME) split on unescaped
// commas, each item unescaped; empty items are dropped.
func (p *Property) List() []string {
	var out []string
	for _, s := range splitUnescaped(p.Value, ',') {
		if s = strings.TrimSpace(Unescape(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// IsBinary reports whether the value is inline base64 (ENCODING=b).
func (p *Property) IsBinary() bool {
	for _, v := range p.Param("ENCODING") {
		if strings.EqualFold(v, "b") {
			return true
		}
	}
	return false
}

// Get returns the first property with that name (case-insensitive), or nil.
func (c *Card) Get(name string) *Property {
	for i := range c.Props {
		if strings.EqualFold(c.Props[i].Name, name) {
			return &c.Props[i]
		}
	}
	return nil
}

// All returns pointers to every property with that name, in card order.
func (c *Card) All(name string) []*Property {
	var out []*Property
	for i := range c.Props {
		if strings.EqualFold(c.Props[i].Name, name) {
			out = append(out, &c.Props[i])
		}
	}
	return out
}

// Clone returns a deep copy, so a caller can merge into it without
// touching the original.
func (c *Card) Clone() *Card {
	if c == nil {
		return nil
	}
	out := &Card{Version: c.Version, Line: c.Line, Props: make([]Property, len(c.Props))}
	for i, p := range c.Props {
		p.Params = cloneParams(p.Params)
		out.Props[i] = p
	}
	return out
}

func cloneParams(ps []Param) []Param {
	if ps == nil {
		return nil
	}
	out := make([]Param, len(ps))
	for i, p := range ps {
		out[i] = Param{Name: p.Name, Values: append([]string(nil), p.Values...)}
	}
	return out
}

// structured lists the properties whose value is a semicolon-separated
// compound, which matters for escaping 2.1 input.
var structured = map[string]bool{
	"N": true, "ADR": true, "ORG": true, "GENDER": true, "SOUND": true,
	"CLIENTPIDMAP": true,
}

// listValued lists the properties whose value is a comma-separated list.
var listValued = map[string]bool{"CATEGORIES": true, "NICKNAME": true}
