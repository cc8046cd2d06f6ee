package vcard

import "strings"

// Unescape resolves vCard text escapes: \n and \N become a newline and
// \\, \;, \, and \: their character. An unknown escape or a trailing
// backslash is kept as written, since some exporters emit lone backslashes.
func Unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
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
		switch n := s[i+1]; n {
		case 'n', 'N':
			b.WriteByte('\n')
			i++
		case '\\', ';', ',', ':':
			b.WriteByte(n)
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Escape escapes text for a vCard value: backslash, comma, semicolon and
// newline (CRLF, CR and LF all become \n).
func Escape(s string) string {
	if !strings.ContainsAny(s, "\\,;\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case ',':
			b.WriteString(`\,`)
		case ';':
			b.WriteString(`\;`)
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

// SplitStructured splits a compound value on unescaped semicolons and
// unescapes each component.
func SplitStructured(v string) []string {
	parts := splitUnescaped(v, ';')
	for i := range parts {
		parts[i] = Unescape(parts[i])
	}
	return parts
}

// JoinStructured escapes each component and joins them with semicolons.
// The result has at least min components (padded with empty ones) and
// drops trailing empty components beyond min.
func JoinStructured(min int, comps ...string) string {
	for len(comps) < min {
		comps = append(comps, "")
	}
	n := len(comps)
	for n > min && comps[n-1] == "" {
		n--
	}
	esc := make([]string, n)
	for i := 0; i < n; i++ {
		esc[i] = Escape(comps[i])
	}
	return strings.Join(esc, ";")
}

// JoinList escapes each item and joins them with commas.
func JoinList(items ...string) string {
	esc := make([]string, len(items))
	for i, s := range items {
		esc[i] = Escape(s)
	}
	return strings.Join(esc, ",")
}

// splitUnescaped splits on sep where it is not preceded by an escaping
// backslash; the parts stay escaped.
func splitUnescaped(v string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case sep:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}
