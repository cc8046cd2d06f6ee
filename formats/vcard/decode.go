package vcard

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
)

// decodeCard turns raw content lines into canonical properties.
func (p *parser) decodeCard(rc *rawCard) (Card, error) {
	c := Card{Line: rc.line}
	for _, rp := range rc.props {
		if rp.name == "VERSION" {
			c.Version = strings.TrimSpace(string(rp.value))
		}
	}
	switch c.Version {
	case "2.1", "3.0", "4.0", "":
	default:
		p.warn(rc.line, "unknown VERSION %q, read as 3.0", c.Version)
	}
	warnedCharset := false
	for _, rp := range rc.props {
		if rp.name == "VERSION" {
			continue
		}
		prop := Property{Group: rp.group, Name: rp.name, Params: rp.params, Line: rp.line}
		val := rp.value
		binary := false
		var keep []Param
		for _, pr := range prop.Params {
			if pr.Name != "ENCODING" {
				keep = append(keep, pr)
				continue
			}
			enc := ""
			if len(pr.Values) > 0 {
				enc = strings.ToUpper(strings.TrimSpace(pr.Values[0]))
			}
			switch enc {
			case "QUOTED-PRINTABLE":
				val = decodeQP(val)
			case "BASE64", "B":
				binary = true
			case "8BIT", "7BIT", "":
			default:
				keep = append(keep, pr)
			}
		}
		prop.Params = keep
		if binary {
			b64 := stripSpace(val)
			if _, err := decodeBase64(b64); err != nil {
				p.warn(rp.line, "%s: invalid base64 data kept as is: %v", rp.name, err)
				if !utf8.ValidString(b64) {
					// Bytes outside base64's ASCII alphabet: keep them
					// readable so the card can still be written as UTF-8.
					b64, _ = p.toUTF8([]byte(b64), prop.Param("CHARSET"))
				}
			}
			prop.Value = b64
			prop.SetParam("ENCODING", "b")
			c.Props = append(c.Props, prop)
			continue
		}
		text, note := p.toUTF8(val, prop.Param("CHARSET"))
		if note != "" && !warnedCharset {
			p.warn(rp.line, "%s", note)
			warnedCharset = true
		}
		prop.DelParam("CHARSET")
		if c.Version == "2.1" {
			text = escape21(prop.Name, text)
		} else if strings.ContainsAny(text, "\r\n") {
			text = escapeNewlines(text)
		}
		prop.Value = text
		c.Props = append(c.Props, prop)
	}
	if len(c.Props) == 0 {
		return c, &ReadError{File: p.file, Item: rc.item, Line: rc.line, Err: errors.New("card has no readable properties")}
	}
	return c, nil
}

// decodeQP decodes quoted-printable leniently: a malformed escape is kept
// literally rather than failing the value, as 2.1 exporters write "=" and
// "=\r\n" loosely.
func decodeQP(v []byte) []byte {
	out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(v)))
	if err == nil {
		return out
	}
	var b []byte
	for i := 0; i < len(v); i++ {
		if v[i] == '=' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
			b = append(b, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
			continue
		}
		b = append(b, v[i])
	}
	return b
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func stripSpace(b []byte) string {
	var s strings.Builder
	s.Grow(len(b))
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			s.WriteByte(c)
		}
	}
	return s.String()
}

// decodeBase64 accepts padded and unpadded standard base64.
func decodeBase64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// toUTF8 converts a value to UTF-8. A declared CHARSET wins, except that
// valid multi-byte UTF-8 under a single-byte label is taken as UTF-8 (a
// common exporter bug that would otherwise double-encode). Undeclared
// non-UTF-8 bytes fall back to Shift_JIS when the file uses it elsewhere,
// else Windows-1252; note then says so.
func (p *parser) toUTF8(v []byte, charset []string) (string, string) {
	label := ""
	if len(charset) > 0 {
		label = strings.TrimSpace(charset[0])
	}
	isUTF8 := utf8.Valid(v)
	ascii := isASCII(v)
	if ascii {
		return string(v), ""
	}
	if label != "" {
		enc, err := htmlindex.Get(label)
		if err == nil {
			if name, _ := htmlindex.Name(enc); name == "utf-8" {
				if isUTF8 {
					return string(v), ""
				}
				return p.fallback(v), "value declared UTF-8 is not valid UTF-8: converted with a fallback charset"
			}
			if isUTF8 && singleByte(enc) {
				return string(v), "value labelled " + label + " is valid UTF-8: read as UTF-8"
			}
			if s, err := decodeWith(enc, v); err == nil {
				return s, ""
			}
		}
		if isUTF8 {
			return string(v), "unknown CHARSET " + label + ": read as UTF-8"
		}
		return p.fallback(v), "unknown CHARSET " + label + ": converted with a fallback charset"
	}
	if isUTF8 {
		return string(v), ""
	}
	if p.sawSJIS {
		return p.fallback(v), "undeclared non-UTF-8 text read as Shift_JIS"
	}
	return p.fallback(v), "undeclared non-UTF-8 text read as Windows-1252"
}

func (p *parser) fallback(v []byte) string {
	var enc encoding.Encoding = charmap.Windows1252
	if p.sawSJIS {
		enc = japanese.ShiftJIS
	}
	s, err := decodeWith(enc, v)
	if err != nil {
		return strings.ToValidUTF8(string(v), "\uFFFD")
	}
	return s
}

func decodeWith(enc encoding.Encoding, v []byte) (string, error) {
	out, err := enc.NewDecoder().Bytes(v)
	if err != nil {
		return "", err
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), nil
}

func singleByte(enc encoding.Encoding) bool {
	_, ok := enc.(*charmap.Charmap)
	return ok
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// escape21 rewrites a vCard 2.1 value into the canonical escaped form. In
// 2.1 only "\;" is an escape; commas are literal text and newlines arrive
// raw from QUOTED-PRINTABLE. Semicolons of unknown properties are left
// alone because they may separate components.
func escape21(name, v string) string {
	textLike := name == "FN" || name == "NOTE" || name == "TITLE" || name == "ROLE" || name == "LABEL"
	compound := structured[name]
	var b strings.Builder
	b.Grow(len(v) + 4)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case '\\':
			if i+1 < len(v) {
				switch v[i+1] {
				case ';', ',', '\\', 'n', 'N':
					b.WriteByte('\\')
					b.WriteByte(v[i+1])
					i++
					continue
				}
			}
			b.WriteString(`\\`)
		case ',':
			if textLike || compound {
				b.WriteString(`\,`)
			} else {
				b.WriteByte(c)
			}
		case ';':
			if textLike {
				b.WriteString(`\;`)
			} else {
				b.WriteByte(c)
			}
		case '\r':
			if i+1 < len(v) && v[i+1] == '\n' {
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

func escapeNewlines(v string) string {
	v = strings.ReplaceAll(v, "\r\n", `\n`)
	v = strings.ReplaceAll(v, "\r", `\n`)
	return strings.ReplaceAll(v, "\n", `\n`)
}
