package vcard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxFileSize bounds what Read accepts; address books larger than this are
// not vCard files a desktop sync tool should trust.
const MaxFileSize = 64 << 20

// maxFileSize is MaxFileSize; a variable so tests can lower it.
var maxFileSize int64 = MaxFileSize

// maxWarnings bounds the warning list; a binary file fed to Read would
// otherwise produce one per line.
const maxWarnings = 1000

// maxDepth bounds BEGIN:VCARD nesting (2.1 AGENT cards nest one level).
const maxDepth = 8

// ErrTooLarge is returned (wrapped in a ReadError) for input over MaxFileSize.
var ErrTooLarge = errors.New("file larger than vcard.MaxFileSize")

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// rawProp is a parsed content line before its value is decoded, which has
// to wait for the card's VERSION (it may come last).
type rawProp struct {
	group, name string
	params      []Param
	value       []byte
	line        int
}

type rawCard struct {
	props []rawProp
	line  int
	item  int
}

// Read parses every card in r. name labels warnings and errors.
//
// Cards that could be read are returned even when err is non-nil; err then
// joins a *ReadError per unreadable item (or one for the whole file when it
// could not be read or holds no vCard). Repairs are listed as warnings.
// Read never panics on any input.
func Read(r io.Reader, name string) ([]Card, []Warning, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, nil, &ReadError{File: name, Err: err}
	}
	if int64(len(data)) > maxFileSize {
		return nil, nil, &ReadError{File: name, Err: ErrTooLarge}
	}
	p := &parser{file: name}
	p.run(bytes.TrimPrefix(data, utf8BOM))
	return p.finish()
}

type parser struct {
	file     string
	warnings []Warning
	errs     []error
	stack    []*rawCard
	done     []*rawCard
	items    int
	// last is the previous property of the open card, for 2.1 values
	// continued after a trailing backslash.
	last *rawProp
	// sawSJIS makes Shift_JIS the fallback for undeclared non-UTF-8 bytes.
	sawSJIS bool
}

func (p *parser) warn(line int, format string, args ...any) {
	switch n := len(p.warnings); {
	case n < maxWarnings:
		p.warnings = append(p.warnings, Warning{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
	case n == maxWarnings:
		p.warnings = append(p.warnings, Warning{File: p.file, Line: line, Msg: "too many warnings; further ones suppressed"})
	}
}

// logical accumulates one unfolded content line.
type logical struct {
	buf  []byte
	line int
	// header scan state: scanned bytes and quote state, so each byte of a
	// long folded line is looked at once
	scanned    int
	inQuote    bool
	headerDone bool
	qp, b64    bool
}

func (l *logical) scanHeader() {
	if l.headerDone {
		return
	}
	colon := -1
	for ; l.scanned < len(l.buf); l.scanned++ {
		c := l.buf[l.scanned]
		if c == '"' {
			l.inQuote = !l.inQuote
		} else if c == ':' && !l.inQuote {
			colon = l.scanned
			break
		}
	}
	if colon < 0 {
		return
	}
	l.headerDone = true
	hdr := l.buf[:colon]
	semi := bytes.IndexByte(hdr, ';')
	for semi >= 0 {
		hdr = hdr[semi+1:]
		part := hdr
		if semi = bytes.IndexByte(hdr, ';'); semi >= 0 {
			part = hdr[:semi]
		}
		part = bytes.TrimSpace(part)
		if len(part) > 9 && bytes.EqualFold(part[:9], []byte("ENCODING=")) {
			part = part[9:]
		}
		switch {
		case bytes.EqualFold(part, []byte("QUOTED-PRINTABLE")):
			l.qp = true
		case bytes.EqualFold(part, []byte("BASE64")), bytes.EqualFold(part, []byte("B")):
			l.b64 = true
		}
	}
}

// headerEnd returns the index of the colon ending name and parameters,
// skipping colons inside double quotes, or -1.
func headerEnd(b []byte) int {
	inQuote := false
	for i, c := range b {
		switch c {
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote {
				return i
			}
		case '\n':
			return -1
		}
	}
	if inQuote {
		// An unbalanced quote: fall back to the first colon.
		return bytes.IndexByte(b, ':')
	}
	return -1
}

func (p *parser) run(data []byte) {
	var cur *logical
	flush := func() {
		if cur != nil {
			p.handle(cur.buf, cur.line)
			cur = nil
		}
	}
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var line []byte
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			line, data = data, nil
		} else {
			line = data[:i]
			// CRLF, LF, CR, and iOS 6's CR CR LF all end one line.
			j := i
			for j < len(data) && data[j] == '\r' {
				j++
			}
			if j < len(data) && data[j] == '\n' && (j == i || data[i] == '\r') {
				j++
			}
			if j == i {
				j++
			}
			data = data[j:]
		}
		if cur != nil {
			cur.scanHeader()
			if cur.qp && bytes.HasSuffix(cur.buf, []byte("=")) {
				// QUOTED-PRINTABLE soft line break: the value goes on
				// verbatim on the next physical line.
				cur.buf = append(cur.buf[:len(cur.buf)-1], line...)
				continue
			}
		}
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if cur != nil {
				cur.buf = append(cur.buf, line[1:]...)
				continue
			}
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			// A folded line with nothing to continue: treat it as a line.
			line = bytes.TrimLeft(line, " \t")
		}
		if len(bytes.TrimSpace(line)) == 0 {
			flush()
			continue
		}
		if cur != nil && cur.b64 && cur.headerDone && isBase64Line(line) {
			// vCard 2.1 base64 continues on unindented lines until a blank
			// line; exporters often leave out the blank line.
			cur.buf = append(cur.buf, bytes.TrimSpace(line)...)
			continue
		}
		flush()
		// The capacity limit makes any continuation copy instead of
		// overwriting the input.
		cur = &logical{buf: line[:len(line):len(line)], line: lineNo}
	}
	flush()
}

func isBase64Line(b []byte) bool {
	b = bytes.TrimSpace(b)
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '=':
		default:
			return false
		}
	}
	return len(b) > 0
}

// handle processes one logical line.
func (p *parser) handle(buf []byte, line int) {
	rp, ok := parseLine(buf, line)
	if !ok {
		p.stray(buf, line)
		return
	}
	switch rp.name {
	case "BEGIN":
		if strings.EqualFold(strings.TrimSpace(string(rp.value)), "VCARD") {
			p.begin(line)
			return
		}
	case "END":
		if strings.EqualFold(strings.TrimSpace(string(rp.value)), "VCARD") {
			p.end(line)
			return
		}
	}
	if len(p.stack) == 0 {
		p.warn(line, "%s property outside BEGIN:VCARD/END:VCARD ignored", rp.name)
		return
	}
	top := p.stack[len(p.stack)-1]
	for _, pr := range rp.params {
		if pr.Name == "CHARSET" {
			for _, v := range pr.Values {
				if strings.EqualFold(strings.ReplaceAll(v, "-", "_"), "SHIFT_JIS") || strings.EqualFold(v, "SJIS") {
					p.sawSJIS = true
				}
			}
		}
	}
	top.props = append(top.props, rp)
	p.last = &top.props[len(top.props)-1]
}

// stray handles a line that is not a content line. vCard 2.1 exporters
// (Android's ADR) continue a value after a trailing backslash; anything else
// is reported and skipped.
func (p *parser) stray(buf []byte, line int) {
	if p.last != nil && len(p.stack) > 0 && bytes.HasSuffix(p.last.value, []byte(`\`)) && !bytes.HasSuffix(p.last.value, []byte(`\\`)) {
		v := p.last.value[:len(p.last.value)-1]
		v = append(v, '\n')
		p.last.value = append(v, buf...)
		return
	}
	s := string(buf)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	p.warn(line, "not a vCard property, ignored: %q", s)
}

func (p *parser) begin(line int) {
	if len(p.stack) >= maxDepth {
		p.warn(line, "BEGIN:VCARD nested deeper than %d, ignored", maxDepth)
		return
	}
	if len(p.stack) > 0 {
		p.warn(line, "BEGIN:VCARD inside an open card (line %d): read as a separate card", p.stack[len(p.stack)-1].line)
	}
	p.items++
	p.stack = append(p.stack, &rawCard{line: line, item: p.items})
	p.last = nil
}

func (p *parser) end(line int) {
	if len(p.stack) == 0 {
		p.warn(line, "END:VCARD without BEGIN:VCARD ignored")
		return
	}
	c := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	p.done = append(p.done, c)
	p.last = nil
	if len(p.stack) > 0 {
		top := p.stack[len(p.stack)-1]
		if n := len(top.props); n > 0 {
			p.last = &top.props[n-1]
		}
	}
}

func (p *parser) finish() ([]Card, []Warning, error) {
	for len(p.stack) > 0 {
		c := p.stack[len(p.stack)-1]
		p.warn(c.line, "missing END:VCARD for the card begun here; card kept")
		p.end(c.line)
	}
	if p.items == 0 {
		p.errs = append(p.errs, &ReadError{File: p.file, Line: 1, Err: errors.New("no BEGIN:VCARD found")})
	}
	// Cards are returned in BEGIN order, so a nested card follows its parent.
	sortByItem(p.done)
	var cards []Card
	for _, rc := range p.done {
		c, err := p.decodeCard(rc)
		if err != nil {
			p.errs = append(p.errs, err)
			continue
		}
		cards = append(cards, c)
	}
	return cards, p.warnings, errors.Join(p.errs...)
}

func sortByItem(cs []*rawCard) {
	// insertion sort: the list is nearly sorted already
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].item < cs[j-1].item; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// parseLine splits "group.NAME;params:value". ok is false for lines that
// are not content lines at all.
func parseLine(buf []byte, line int) (rawProp, bool) {
	colon := headerEnd(buf)
	if colon <= 0 {
		return rawProp{}, false
	}
	hdr := string(buf[:colon])
	rp := rawProp{value: buf[colon+1:], line: line}
	parts := splitParams(hdr)
	name := strings.TrimSpace(parts[0])
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		rp.group, name = name[:dot], name[dot+1:]
		if !isName(rp.group) {
			return rawProp{}, false
		}
	}
	if !isName(name) {
		return rawProp{}, false
	}
	rp.name = strings.ToUpper(name)
	for _, raw := range parts[1:] {
		if pname, _, ok := strings.Cut(raw, "="); ok && !isName(strings.TrimSpace(pname)) && strings.TrimSpace(pname) != "" {
			return rawProp{}, false // "a b=c", `x"y=z`: not a parameter list
		}
		rp.params = addParam(rp.params, raw)
	}
	return rp, true
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '/') {
			return false
		}
	}
	return true
}

// splitParams splits on semicolons outside double quotes.
func splitParams(s string) []string {
	var out []string
	inQuote := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case ';':
			if !inQuote {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// addParam parses one parameter. vCard 2.1 bare parameters become the
// parameter they abbreviate (TEL;CELL → TYPE=CELL, PHOTO;BASE64 → ENCODING).
func addParam(ps []Param, raw string) []Param {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ps
	}
	name, val, hasEq := strings.Cut(raw, "=")
	name = strings.ToUpper(strings.TrimSpace(name))
	if !hasEq {
		switch name {
		case "QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT":
			return mergeParam(ps, "ENCODING", []string{name})
		case "INLINE", "URL", "URI", "CONTENT-ID", "CID":
			return mergeParam(ps, "VALUE", []string{name})
		}
		return mergeParam(ps, "TYPE", []string{strings.TrimSpace(raw)})
	}
	if name == "" {
		return ps
	}
	return mergeParam(ps, name, splitParamValues(val))
}

func mergeParam(ps []Param, name string, vals []string) []Param {
	if name == "TYPE" {
		for i := range ps {
			if ps[i].Name == "TYPE" {
				ps[i].Values = append(ps[i].Values, vals...)
				return ps
			}
		}
	}
	return append(ps, Param{Name: name, Values: vals})
}

// splitParamValues splits a comma list outside quotes, removes the quotes
// and decodes RFC 6868 caret escapes.
func splitParamValues(s string) []string {
	var out []string
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			out = append(out, b.String())
			b.Reset()
		case c == '^' && i+1 < len(s) && (s[i+1] == 'n' || s[i+1] == 'N'):
			b.WriteByte('\n')
			i++
		case c == '^' && i+1 < len(s) && s[i+1] == '^':
			b.WriteByte('^')
			i++
		case c == '^' && i+1 < len(s) && s[i+1] == '\'':
			b.WriteByte('"')
			i++
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}
