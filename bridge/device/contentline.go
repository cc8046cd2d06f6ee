package device

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Bounds on the text a device or file hands us; phones and exported files
// are untrusted input.
const (
	// MaxItemBytes is the largest single vCard or iCalendar item accepted.
	MaxItemBytes = 1 << 20
	// maxLines bounds the content lines of one parse.
	maxLines = 200000
)

// Line is one unfolded content line of a vCard or iCalendar item.
type Line struct {
	// Name is the upper-cased property name ("TEL", "BEGIN").
	Name string
	// Params maps upper-cased parameter names to their values. vCard 2.1
	// bare parameters (TEL;CELL:) are filed under TYPE, and
	// QUOTED-PRINTABLE/BASE64 under ENCODING.
	Params map[string][]string
	// Value is the raw value after quoted-printable decoding and charset
	// conversion, still carrying its backslash escapes.
	Value string
}

// Param returns the first value of the named parameter, or "".
func (l Line) Param(name string) string {
	if v := l.Params[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// HasType reports whether the line's TYPE parameters include t
// (case-insensitive).
func (l Line) HasType(t string) bool {
	for _, v := range l.Params["TYPE"] {
		if strings.EqualFold(v, t) {
			return true
		}
	}
	return false
}

// Text returns the value with text escapes undone.
func (l Line) Text() string { return unescapeText(l.Value) }

// Parts splits a structured value (N, ADR) at unescaped semicolons and
// unescapes each part.
func (l Line) Parts() []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(l.Value); i++ {
		c := l.Value[i]
		switch {
		case c == '\\' && i+1 < len(l.Value):
			cur.WriteByte(c)
			cur.WriteByte(l.Value[i+1])
			i++
		case c == ';':
			parts = append(parts, unescapeText(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, unescapeText(cur.String()))
}

func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
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

// Block is one BEGIN/END component with its own lines and nested
// components (a VEVENT's VALARMs).
type Block struct {
	Name     string
	Lines    []Line
	Children []*Block
}

// First returns the first line with the given name.
func (b *Block) First(name string) (Line, bool) {
	for _, l := range b.Lines {
		if l.Name == name {
			return l, true
		}
	}
	return Line{}, false
}

// All returns every line with the given name.
func (b *Block) All(name string) []Line {
	var out []Line
	for _, l := range b.Lines {
		if l.Name == name {
			out = append(out, l)
		}
	}
	return out
}

// ParseBlocks reads the top-level BEGIN/END components of data (vCard 2.1,
// 3.0, 4.0, vCalendar 1.0, iCalendar 2.0). It unfolds lines, joins and
// decodes quoted-printable values and converts Latin-1 values that are not
// UTF-8. Lines outside any component and unterminated trailing components
// are dropped: phones truncate files and the remaining items are still
// worth reading. It fails only when data is larger than limit.
func ParseBlocks(data []byte, limit int) ([]*Block, error) {
	if len(data) > limit {
		return nil, fmt.Errorf("parse: %d bytes exceeds limit %d: %w", len(data), limit, ErrInvalid)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	phys := splitLines(data)
	var top []*Block
	var stack []*Block
	count := 0
	for i := 0; i < len(phys); i++ {
		raw := phys[i]
		for i+1 < len(phys) && len(phys[i+1]) > 0 && (phys[i+1][0] == ' ' || phys[i+1][0] == '\t') {
			raw += phys[i+1][1:]
			i++
		}
		if strings.TrimSpace(raw) == "" {
			continue
		}
		l, ok := parseLine(raw)
		if !ok {
			continue
		}
		if strings.EqualFold(l.Param("ENCODING"), "QUOTED-PRINTABLE") {
			// Soft line breaks: a trailing "=" continues on the next
			// physical line, which is not indented.
			for strings.HasSuffix(l.Value, "=") && i+1 < len(phys) {
				l.Value = l.Value[:len(l.Value)-1] + phys[i+1]
				i++
			}
			l.Value = decodeQP(l.Value)
		}
		if !utf8.ValidString(l.Value) {
			l.Value = latin1(l.Value)
		}
		count++
		if count > maxLines {
			return nil, fmt.Errorf("parse: more than %d lines: %w", maxLines, ErrInvalid)
		}
		switch l.Name {
		case "BEGIN":
			b := &Block{Name: strings.ToUpper(strings.TrimSpace(l.Value))}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, b)
			}
			stack = append(stack, b)
		case "END":
			if len(stack) == 0 {
				continue
			}
			b := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				top = append(top, b)
			}
		default:
			if len(stack) > 0 {
				b := stack[len(stack)-1]
				b.Lines = append(b.Lines, l)
			}
		}
	}
	return top, nil
}

func splitLines(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// parseLine splits "NAME;P=V;BARE:value"; it reports false for a line
// without a colon.
func parseLine(raw string) (Line, bool) {
	// Find the colon ending the name and parameters, skipping quoted
	// parameter values, which may contain ':' and ';'.
	inQuote := false
	colon := -1
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '"' {
			inQuote = !inQuote
		} else if c == ':' && !inQuote {
			colon = i
			break
		}
	}
	if colon <= 0 {
		return Line{}, false
	}
	head, value := raw[:colon], raw[colon+1:]
	fields := splitParams(head)
	name := strings.ToUpper(strings.TrimSpace(fields[0]))
	// Grouped names ("item1.TEL") keep only the property name.
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		name = name[dot+1:]
	}
	if name == "" {
		return Line{}, false
	}
	l := Line{Name: name, Value: value}
	for _, f := range fields[1:] {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if l.Params == nil {
			l.Params = map[string][]string{}
		}
		key, val, hasEq := strings.Cut(f, "=")
		if !hasEq {
			up := strings.ToUpper(f)
			switch up {
			case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B":
				l.Params["ENCODING"] = append(l.Params["ENCODING"], up)
			default:
				l.Params["TYPE"] = append(l.Params["TYPE"], up)
			}
			continue
		}
		key = strings.ToUpper(key)
		if key == "TYPE" {
			// TYPE="work,voice" is a list, as is TYPE=work,voice.
			val = strings.Trim(val, `"`)
		}
		for _, v := range splitComma(val) {
			v = strings.Trim(v, `"`)
			if key == "TYPE" || key == "ENCODING" || key == "VALUE" {
				v = strings.ToUpper(v)
			}
			l.Params[key] = append(l.Params[key], v)
		}
	}
	return l, true
}

func splitParams(head string) []string {
	var out []string
	inQuote := false
	start := 0
	for i := 0; i < len(head); i++ {
		switch head[i] {
		case '"':
			inQuote = !inQuote
		case ';':
			if !inQuote {
				out = append(out, head[start:i])
				start = i + 1
			}
		}
	}
	return append(out, head[start:])
}

func splitComma(v string) []string {
	if strings.HasPrefix(v, `"`) {
		return []string{v}
	}
	return strings.Split(v, ",")
}

func decodeQP(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func latin1(s string) string {
	r := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		r = append(r, rune(s[i]))
	}
	return string(r)
}

// writer builds vCard/iCalendar text with CRLF line ends, folded at 75
// octets without splitting a UTF-8 sequence.
type writer struct{ bytes.Buffer }

// line writes name, params (already "P=V" strings) and a value that the
// caller has escaped as the property requires.
func (w *writer) line(name string, params []string, value string) {
	var l strings.Builder
	l.WriteString(name)
	for _, p := range params {
		l.WriteByte(';')
		l.WriteString(p)
	}
	l.WriteByte(':')
	l.WriteString(value)
	s := l.String()
	first := true
	for len(s) > 0 {
		limit := 75
		if !first {
			limit = 74
			w.WriteByte(' ')
		}
		if len(s) <= limit {
			w.WriteString(s)
			break
		}
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n")
		s = s[cut:]
		first = false
	}
	w.WriteString("\r\n")
}

// escapeText escapes a TEXT value for vCard 3.0/4.0 and iCalendar.
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`, ",", `\,`, ";", `\;`)
	return r.Replace(s)
}

// joinParts escapes and joins the parts of a structured value.
func joinParts(parts ...string) string {
	for i, p := range parts {
		parts[i] = escapeText(p)
	}
	return strings.Join(parts, ";")
}
