package ical

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"
)

// maxLineOctets is RFC 5545's folding limit, excluding the CRLF.
const maxLineOctets = 75

// Encode writes components as RFC 5545 text: CRLF line endings, lines
// folded at 75 octets without splitting a UTF-8 sequence, parameter values
// quoted when they contain ':', ';' or ','. Properties, parameters and
// components are written in their stored order, so output is deterministic
// and unknown content survives. Incomplete components are written with
// their END line.
func Encode(w io.Writer, comps ...*Component) error {
	bw := bufio.NewWriter(w)
	e := encoder{w: bw}
	for _, c := range comps {
		e.component(c)
	}
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

// String returns the encoded form of c.
func (c *Component) String() string {
	var b strings.Builder
	_ = Encode(&b, c)
	return b.String()
}

type encoder struct {
	w   *bufio.Writer
	err error
	buf strings.Builder
}

func (e *encoder) component(c *Component) {
	e.line("BEGIN:" + c.Name)
	for _, p := range c.Props {
		e.prop(p)
	}
	for _, ch := range c.Children {
		e.component(ch)
	}
	e.line("END:" + c.Name)
}

func (e *encoder) prop(p *Prop) {
	b := &e.buf
	b.Reset()
	if p.Group != "" {
		b.WriteString(p.Group)
		b.WriteByte('.')
	}
	b.WriteString(p.Name)
	for _, pa := range p.Params {
		b.WriteByte(';')
		b.WriteString(pa.Name)
		if len(pa.Values) == 0 {
			continue
		}
		b.WriteByte('=')
		for i, v := range pa.Values {
			if i > 0 {
				b.WriteByte(',')
			}
			writeParamValue(b, v)
		}
	}
	b.WriteByte(':')
	// A raw value can only hold a line break if code put one there; it
	// would end the content line, so it is escaped as TEXT would be.
	v := p.Value
	if strings.ContainsAny(v, "\r\n") {
		v = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(v)
	}
	b.WriteString(v)
	e.line(b.String())
}

func writeParamValue(b *strings.Builder, v string) {
	v = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\'' // DQUOTE cannot appear in a parameter value
		case r < 0x20 && r != '\t', r == 0x7F:
			return -1
		}
		return r
	}, v)
	if strings.ContainsAny(v, ":;,") {
		b.WriteByte('"')
		b.WriteString(v)
		b.WriteByte('"')
		return
	}
	b.WriteString(v)
}

// line writes s folded into chunks of at most 75 octets.
func (e *encoder) line(s string) {
	if e.err != nil {
		return
	}
	first := true
	for len(s) > 0 {
		limit := maxLineOctets
		if !first {
			limit-- // the leading space counts
		}
		n := len(s)
		if n > limit {
			n = limit
			for n > 0 && !utf8.RuneStart(s[n]) {
				n--
			}
		}
		if !first {
			e.w.WriteByte(' ')
		}
		e.w.WriteString(s[:n])
		_, e.err = e.w.WriteString("\r\n")
		s = s[n:]
		first = false
	}
}
