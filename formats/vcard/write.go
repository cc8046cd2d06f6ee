package vcard

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Output versions accepted by Write.
const (
	V40 = "4.0"
	V30 = "3.0"
)

// foldAt is the RFC 6350 line length limit in octets, excluding CRLF.
const foldAt = 75

// Write encodes c as one vCard of the given version (V40 or V30) with CRLF
// line endings and lines folded at 75 octets without splitting a UTF-8
// sequence.
//
// Properties are written in card order after VERSION, so output is
// deterministic; VERSION and BEGIN/END:VCARD entries in Props are skipped and an
// invalid property or group name is an error. The properties the version
// requires (FN, and N for 3.0) are derived from the card when missing.
// Groups, unknown properties and parameters are written as they
// are; representation differences between versions (inline binary as data:
// URI or ENCODING=b, TYPE=pref or PREF=1, year-less dates as --MMDD or
// X-APPLE-OMIT-YEAR) are converted.
func Write(w io.Writer, c *Card, version string) error {
	if version != V40 && version != V30 {
		return fmt.Errorf("write vcard: unsupported version %q", version)
	}
	for i, p := range c.Props {
		if !isName(p.Name) || p.Group != "" && !isName(p.Group) {
			return fmt.Errorf("write vcard: property %d: invalid name %q", i, p.Group+"."+p.Name)
		}
	}
	bw := bufio.NewWriter(w)
	lw := &lineWriter{w: bw}
	lw.line("BEGIN:VCARD")
	lw.line("VERSION:" + version)
	if c.Get("FN") == nil {
		lw.prop(Property{Name: "FN", Value: Escape(DisplayName(c))})
	}
	if version == V30 && c.Get("N") == nil {
		lw.prop(Property{Name: "N", Value: ";;;;"})
	}
	for _, p := range c.Props {
		switch strings.ToUpper(p.Name) {
		case "VERSION":
			continue // written above
		case "BEGIN", "END":
			if strings.EqualFold(strings.TrimSpace(p.Value), "VCARD") {
				continue // a stray copy of the framing would break the card
			}
		}
		lw.prop(convert(p, version))
	}
	lw.line("END:VCARD")
	if lw.err != nil {
		return fmt.Errorf("write vcard: %w", lw.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write vcard: %w", err)
	}
	return nil
}

// DisplayName derives a formatted name for a card without FN: from N, then
// ORG, then the first EMAIL; "" when the card has none of them.
func DisplayName(c *Card) string {
	if n := c.Get("N"); n != nil {
		comps := n.Components()
		var parts []string
		for _, i := range []int{3, 1, 2, 0, 4} {
			if i < len(comps) && strings.TrimSpace(comps[i]) != "" {
				parts = append(parts, strings.TrimSpace(comps[i]))
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, " ")
		}
	}
	if o := c.Get("ORG"); o != nil {
		if comps := o.Components(); len(comps) > 0 && comps[0] != "" {
			return comps[0]
		}
	}
	if e := c.Get("EMAIL"); e != nil {
		return e.Text()
	}
	return ""
}

var mediaPrefix = map[string]string{"PHOTO": "image/", "LOGO": "image/", "SOUND": "audio/", "KEY": "application/"}

// convert adapts one property's representation to the output version.
func convert(p Property, version string) Property {
	p.Params = cloneParams(p.Params)
	if prefix, ok := mediaPrefix[p.Name]; ok {
		if version == V40 && p.IsBinary() {
			media := ""
			var keep []string
			for _, t := range p.Param("TYPE") {
				if media == "" && !strings.Contains(t, "/") && knownMedia(t) {
					media = prefix + normMedia(t)
					continue
				}
				keep = append(keep, t)
			}
			p.DelParam("TYPE")
			if len(keep) > 0 {
				p.SetParam("TYPE", keep...)
			}
			p.DelParam("ENCODING")
			p.DelParam("VALUE")
			p.Value = "data:" + media + ";base64," + p.Value
		} else if version == V30 && strings.HasPrefix(strings.ToLower(p.Value), "data:") {
			if media, data, ok := strings.Cut(p.Value[5:], ";base64,"); ok {
				p.Value = data
				p.DelParam("VALUE")
				p.SetParam("ENCODING", "b")
				if _, sub, ok := strings.Cut(media, "/"); ok && sub != "" {
					p.Params = mergeParam(p.Params, "TYPE", []string{strings.ToUpper(sub)})
				}
			}
		}
	}
	if v := p.Param("VALUE"); version == V40 && len(v) == 1 && strings.EqualFold(v[0], "URL") {
		p.SetParam("VALUE", "uri")
	}
	if version == V40 {
		if hasPrefType(&p) {
			removeType(&p, "pref")
			if !p.HasParam("PREF") {
				p.SetParam("PREF", "1")
			}
		}
	} else if v := p.Param("PREF"); len(v) == 1 && v[0] == "1" {
		// 3.0 only knows "preferred"; lower ranks stay as PREF=n, which
		// 3.0 readers ignore, so the ranking survives a 4.0 round trip.
		p.DelParam("PREF")
		if !hasPrefType(&p) {
			p.Params = mergeParam(p.Params, "TYPE", []string{"pref"})
		}
	}
	if p.Name == "BDAY" || p.Name == "ANNIVERSARY" {
		convertDate(&p, version)
	}
	// N and ADR have a fixed number of components; 2.1 exporters often
	// write fewer.
	if n := fixedComps[p.Name]; n > 0 && !p.IsBinary() {
		if have := len(splitUnescaped(p.Value, ';')); have < n {
			// A trailing lone backslash would escape the first added
			// separator; doubled it reads back as the same text.
			if k := len(p.Value) - len(strings.TrimRight(p.Value, `\`)); k%2 == 1 {
				p.Value += `\`
			}
			p.Value += strings.Repeat(";", n-have)
		}
	}
	return p
}

var fixedComps = map[string]int{"N": 5, "ADR": 7}

func knownMedia(t string) bool {
	switch strings.ToLower(t) {
	case "jpeg", "jpg", "png", "gif", "bmp", "tiff", "tif", "webp", "heic", "wav", "mp3", "ogg", "pgp", "x509":
		return true
	}
	return false
}

func normMedia(t string) string {
	t = strings.ToLower(t)
	if t == "jpg" {
		return "jpeg"
	}
	return t
}

func hasPrefType(p *Property) bool { return p.HasType("pref") }

func removeType(p *Property, t string) {
	var keep []string
	for _, v := range p.Types() {
		if !strings.EqualFold(v, t) {
			keep = append(keep, v)
		}
	}
	// preserve the original spelling of the remaining values
	var orig []string
	for _, v := range p.Param("TYPE") {
		for _, s := range strings.Split(v, ",") {
			if s != "" && !strings.EqualFold(strings.TrimSpace(s), t) {
				orig = append(orig, s)
			}
		}
	}
	p.DelParam("TYPE")
	if len(keep) > 0 {
		p.SetParam("TYPE", orig...)
	}
}

// convertDate writes year-less dates the way each version can carry them:
// 4.0 has --MMDD; 3.0 has none, so Apple's 1604 + X-APPLE-OMIT-YEAR is used.
func convertDate(p *Property, version string) {
	d, ok := ParseDate(p.Value, p.Param("X-APPLE-OMIT-YEAR"))
	if !ok || d.Year != 0 {
		return
	}
	if version == V40 {
		p.DelParam("X-APPLE-OMIT-YEAR")
		p.Value = fmt.Sprintf("--%02d%02d", d.Month, d.Day)
		return
	}
	p.SetParam("X-APPLE-OMIT-YEAR", "1604")
	p.Value = fmt.Sprintf("1604-%02d-%02d", d.Month, d.Day)
}

type lineWriter struct {
	w   *bufio.Writer
	err error
}

func (l *lineWriter) prop(p Property) {
	var b strings.Builder
	if p.Group != "" {
		b.WriteString(p.Group)
		b.WriteByte('.')
	}
	b.WriteString(p.Name)
	for _, pr := range p.Params {
		b.WriteByte(';')
		b.WriteString(pr.Name)
		b.WriteByte('=')
		for i, v := range pr.Values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quoteParam(v))
		}
	}
	b.WriteByte(':')
	b.WriteString(escapeNewlines(p.Value))
	l.line(b.String())
}

// quoteParam quotes a parameter value containing , ; or : and encodes
// newlines and double quotes with RFC 6868 carets.
func quoteParam(v string) string {
	if strings.ContainsAny(v, "^\"\r\n") {
		v = strings.ReplaceAll(v, "^", "^^")
		v = strings.ReplaceAll(v, "\"", "^'")
		v = strings.ReplaceAll(v, "\r\n", "^n")
		v = strings.ReplaceAll(v, "\n", "^n")
		v = strings.ReplaceAll(v, "\r", "^n")
	}
	if strings.ContainsAny(v, ",;:") {
		return `"` + v + `"`
	}
	return v
}

// line writes s folded at foldAt octets, never inside a UTF-8 sequence.
func (l *lineWriter) line(s string) {
	if l.err != nil {
		return
	}
	limit := foldAt
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 {
			cut = limit
		}
		l.write(s[:cut])
		l.write("\r\n ")
		s = s[cut:]
		limit = foldAt - 1
	}
	l.write(s)
	l.write("\r\n")
}

func (l *lineWriter) write(s string) {
	if l.err == nil {
		_, l.err = l.w.WriteString(s)
	}
}
