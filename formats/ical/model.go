package ical

import "strings"

// Param is one property parameter. Name is upper case. A vCalendar 1.0 bare
// parameter (";QUOTED-PRINTABLE") has no values and is kept that way.
// Values are unquoted; the writer re-quotes them when needed.
type Param struct {
	Name   string
	Values []string
}

// Prop is one content line. Name is upper case (a vCard-style "group." prefix
// is kept in Group). Value is the raw value as written, with RFC 5545 TEXT
// escapes still in place; use Text and SetText for TEXT values. Line is the
// 1-based line of the property's first physical line, 0 when built in code.
type Prop struct {
	Group  string
	Name   string
	Params []Param
	Value  string
	Line   int
}

// Param returns the first value of parameter name (case-insensitive), or "".
func (p *Prop) Param(name string) string {
	for _, pa := range p.Params {
		if strings.EqualFold(pa.Name, name) && len(pa.Values) > 0 {
			return pa.Values[0]
		}
	}
	return ""
}

// HasParam reports whether parameter name is present, with or without value.
func (p *Prop) HasParam(name string) bool {
	for _, pa := range p.Params {
		if strings.EqualFold(pa.Name, name) {
			return true
		}
	}
	return false
}

// SetParam replaces all values of parameter name, adding it at the end if
// absent. An empty values list removes the parameter.
func (p *Prop) SetParam(name string, values ...string) {
	name = strings.ToUpper(name)
	for i := range p.Params {
		if p.Params[i].Name == name {
			if len(values) == 0 {
				p.Params = append(p.Params[:i], p.Params[i+1:]...)
			} else {
				p.Params[i].Values = values
			}
			return
		}
	}
	if len(values) > 0 {
		p.Params = append(p.Params, Param{Name: name, Values: values})
	}
}

// DelParam removes parameter name.
func (p *Prop) DelParam(name string) { p.SetParam(name) }

// Text returns the value with TEXT escapes (\\ \; \, \n \N) resolved.
func (p *Prop) Text() string { return Unescape(p.Value) }

// SetText stores s as an escaped TEXT value.
func (p *Prop) SetText(s string) { p.Value = Escape(s) }

// Clone returns a deep copy of p.
func (p *Prop) Clone() *Prop {
	c := *p
	c.Params = make([]Param, len(p.Params))
	for i, pa := range p.Params {
		c.Params[i] = Param{Name: pa.Name, Values: append([]string(nil), pa.Values...)}
	}
	return &c
}

// Component is a BEGIN/END block. Name is upper case. Props and Children
// keep file order. Line is where BEGIN appeared. Incomplete is set when the
// input ended before the component's END line.
type Component struct {
	Name       string
	Props      []*Prop
	Children   []*Component
	Line       int
	Incomplete bool
}

// Prop returns the first property called name (case-insensitive), or nil.
func (c *Component) Prop(name string) *Prop {
	for _, p := range c.Props {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// PropsNamed returns all properties called name, in order.
func (c *Component) PropsNamed(name string) []*Prop {
	var out []*Prop
	for _, p := range c.Props {
		if strings.EqualFold(p.Name, name) {
			out = append(out, p)
		}
	}
	return out
}

// Value returns the raw value of the first property called name, or "".
func (c *Component) Value(name string) string {
	if p := c.Prop(name); p != nil {
		return p.Value
	}
	return ""
}

// Set replaces the first property called name with value (keeping its
// position and parameters) and removes any others; it appends a new
// property if there is none.
func (c *Component) Set(name, value string) *Prop {
	name = strings.ToUpper(name)
	var kept *Prop
	out := c.Props[:0]
	for _, p := range c.Props {
		if p.Name == name {
			if kept != nil {
				continue
			}
			kept = p
			p.Value = value
		}
		out = append(out, p)
	}
	c.Props = out
	if kept == nil {
		kept = &Prop{Name: name, Value: value}
		c.Props = append(c.Props, kept)
	}
	return kept
}

// Del removes every property called name.
func (c *Component) Del(name string) {
	out := c.Props[:0]
	for _, p := range c.Props {
		if !strings.EqualFold(p.Name, name) {
			out = append(out, p)
		}
	}
	for i := len(out); i < len(c.Props); i++ {
		c.Props[i] = nil
	}
	c.Props = out
}

// Add appends a property.
func (c *Component) Add(p *Prop) { c.Props = append(c.Props, p) }

// ChildrenNamed returns the direct children called name.
func (c *Component) ChildrenNamed(name string) []*Component {
	var out []*Component
	for _, ch := range c.Children {
		if strings.EqualFold(ch.Name, name) {
			out = append(out, ch)
		}
	}
	return out
}

// Clone returns a deep copy of c.
func (c *Component) Clone() *Component {
	n := &Component{Name: c.Name, Line: c.Line, Incomplete: c.Incomplete}
	n.Props = make([]*Prop, len(c.Props))
	for i, p := range c.Props {
		n.Props[i] = p.Clone()
	}
	n.Children = make([]*Component, len(c.Children))
	for i, ch := range c.Children {
		n.Children[i] = ch.Clone()
	}
	return n
}

// Escape applies RFC 5545 TEXT escaping: backslash, semicolon, comma and
// newline (CRLF, CR or LF all become \n).
func Escape(s string) string {
	if !strings.ContainsAny(s, "\\;,\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Unescape resolves TEXT escapes. Unknown escapes keep the escaped
// character; a trailing lone backslash is kept.
func Unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// SplitList splits an escaped list value (CATEGORIES, EXDATE, …) at commas
// that are not escaped. The parts stay escaped.
func SplitList(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
