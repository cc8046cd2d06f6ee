package ical

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
)

// Limits bound what Read accepts from untrusted input.
type Limits struct {
	MaxBytes      int64 // whole stream
	MaxLineBytes  int   // one logical (unfolded) line
	MaxDepth      int   // component nesting
	MaxComponents int   // components in total
	MaxProps      int   // properties in total
	MaxIssues     int   // issues recorded before further ones are only counted
}

// DefaultLimits are generous for real calendars (the largest exports seen
// are a few MB) and small enough to keep a hostile file harmless.
var DefaultLimits = Limits{
	MaxBytes:      64 << 20,
	MaxLineBytes:  8 << 20,
	MaxDepth:      16,
	MaxComponents: 500_000,
	MaxProps:      5_000_000,
	MaxIssues:     1000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxLineBytes > 0 {
		d.MaxLineBytes = l.MaxLineBytes
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxComponents > 0 {
		d.MaxComponents = l.MaxComponents
	}
	if l.MaxProps > 0 {
		d.MaxProps = l.MaxProps
	}
	if l.MaxIssues > 0 {
		d.MaxIssues = l.MaxIssues
	}
	return d
}

// ErrTooLarge is returned (wrapped) when input exceeds a Limits bound.
var ErrTooLarge = errors.New("ical: input exceeds limits")

// ErrNoCalendar is returned when the input holds no component at all.
var ErrNoCalendar = errors.New("ical: no calendar data")

// Severity grades an Issue.
type Severity int

// Issue severities. A Repair changed how a line is read but lost nothing;
// a Warning dropped or guessed something; an Error means a component is
// incomplete or unusable.
const (
	Repair Severity = iota
	Warning
	Error
)

// String returns "repair", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Repair:
		return "repair"
	case Warning:
		return "warning"
	default:
		return "error"
	}
}

// Issue is one problem found while reading, with the 1-based physical line
// it refers to.
type Issue struct {
	Line     int
	Severity Severity
	Msg      string
}

// String formats the issue as "line N: severity: message".
func (i Issue) String() string { return fmt.Sprintf("line %d: %s: %s", i.Line, i.Severity, i.Msg) }

// Document is the result of Read.
type Document struct {
	// Calendars holds the VCALENDAR components in file order. Components
	// found outside any VCALENDAR are gathered into a synthetic VCALENDAR
	// (Line 0) placed where the first of them occurred.
	Calendars []*Component
	// Version is the first VERSION value seen ("2.0", "1.0", …).
	Version string
	// Issues lists repairs, warnings and errors in line order.
	Issues []Issue
	// Truncated is set when input ended inside a component (missing END).
	Truncated bool
	// Charset names the non-UTF-8 decoding applied, if any.
	Charset string
}

// IsVCal reports whether the document is vCalendar 1.0.
func (d *Document) IsVCal() bool { return strings.HasPrefix(d.Version, "1.") }

// Errors returns the issues of Error severity.
func (d *Document) Errors() []Issue {
	var out []Issue
	for _, i := range d.Issues {
		if i.Severity == Error {
			out = append(out, i)
		}
	}
	return out
}

// Read parses an iCalendar or vCalendar stream with DefaultLimits.
func Read(r io.Reader) (*Document, error) { return ReadLimits(r, DefaultLimits) }

// ReadLimits parses a stream within lim (zero fields take the
// DefaultLimits value). It returns an error only when nothing usable could
// be read (no component, or a limit exceeded); everything else is reported
// in Document.Issues. It never panics.
func ReadLimits(r io.Reader, lim Limits) (doc *Document, err error) {
	lim = lim.withDefaults()
	defer func() {
		if v := recover(); v != nil {
			doc, err = nil, fmt.Errorf("ical: internal error: %v", v)
		}
	}()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("ical: read: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, lim.MaxBytes)
	}
	p := &parser{lim: lim, doc: &Document{}}
	if err := p.run(data); err != nil {
		return nil, err
	}
	if len(p.doc.Calendars) == 0 {
		return p.doc, ErrNoCalendar
	}
	return p.doc, nil
}

type parser struct {
	lim     Limits
	doc     *Document
	stack   []*Component
	wrapper *Component // synthetic VCALENDAR for bare components
	nComp   int
	nProp   int
	nIssues int
}

func (p *parser) issue(line int, sev Severity, format string, args ...any) {
	p.nIssues++
	if p.nIssues > p.lim.MaxIssues {
		return
	}
	p.doc.Issues = append(p.doc.Issues, Issue{Line: line, Severity: sev, Msg: fmt.Sprintf(format, args...)})
}

// physLine is one physical line, decoded to UTF-8.
type physLine struct {
	text string
	n    int
}

func (p *parser) run(data []byte) error {
	data, bom := stripBOM(data)
	if bom != "" {
		p.issue(1, Repair, "skipped %s", bom)
	}
	lines, err := p.splitLines(data)
	if err != nil {
		return err
	}
	logical, err := p.unfold(lines)
	if err != nil {
		return err
	}
	for _, l := range logical {
		if err := p.line(l); err != nil {
			return err
		}
	}
	p.finish()
	return nil
}

// declaredCharset finds the first CHARSET= parameter in the raw bytes; the
// vCalendar producers that use it declare one charset for the whole file.
func declaredCharset(data []byte) encoding.Encoding {
	i := bytes.Index(bytes.ToUpper(data[:min(len(data), 1<<20)]), []byte(";CHARSET="))
	if i < 0 {
		return nil
	}
	rest := data[i+len(";CHARSET="):]
	end := bytes.IndexAny(rest, ";:\r\n")
	if end < 0 {
		return nil
	}
	return lookupCharset(string(rest[:end]))
}

func (p *parser) splitLines(data []byte) ([]physLine, error) {
	lines := make([]physLine, 0, bytes.Count(data, []byte{'\n'})+1)
	// The declared charset is only looked for once a line needs it.
	var (
		declared     encoding.Encoding
		declaredDone bool
		all          = data
	)
	var crlf, lf, cr bool
	n := 0
	for len(data) > 0 {
		n++
		i := bytes.IndexAny(data, "\r\n")
		var raw []byte
		if i < 0 {
			raw, data = data, nil
		} else {
			raw = data[:i]
			switch {
			case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
				crlf = true
				data = data[i+2:]
			case data[i] == '\r':
				cr = true
				data = data[i+1:]
			default:
				lf = true
				data = data[i+1:]
			}
		}
		if len(raw) > p.lim.MaxLineBytes {
			return nil, fmt.Errorf("%w: line %d longer than %d bytes", ErrTooLarge, n, p.lim.MaxLineBytes)
		}
		if !declaredDone && !utf8.Valid(raw) {
			declared, declaredDone = declaredCharset(all), true
		}
		text, how := decodeLine(raw, declared)
		if how != "" {
			if p.doc.Charset == "" {
				p.doc.Charset = how
			}
			p.issue(n, Repair, "non-UTF-8 bytes read as %s", how)
		}
		lines = append(lines, physLine{text: text, n: n})
	}
	switch {
	case crlf && (lf || cr):
		p.issue(1, Repair, "mixed line endings")
	case lf && !crlf:
		p.issue(1, Repair, "bare LF line endings")
	case cr && !crlf:
		p.issue(1, Repair, "bare CR line endings")
	}
	return lines, nil
}

// unfold joins continuation lines (leading space or TAB) and vCalendar
// QUOTED-PRINTABLE soft line breaks. Blank lines are dropped; a fold that
// resumes after blank lines still continues the line before them.
func (p *parser) unfold(lines []physLine) ([]physLine, error) {
	out := make([]physLine, 0, len(lines))
	var cur *strings.Builder
	curN := 0
	flush := func() {
		if cur != nil {
			out = append(out, physLine{text: cur.String(), n: curN})
			cur = nil
		}
	}
	qpSoft := false
	for _, l := range lines {
		t := l.text
		if strings.TrimSpace(t) == "" && (t == "" || cur == nil) {
			p.issue(l.n, Repair, "blank line skipped")
			continue
		}
		switch {
		case cur != nil && (t[0] == ' ' || t[0] == '\t'):
			if t[0] == '\t' {
				p.issue(l.n, Repair, "TAB used as fold")
			}
			cur.WriteString(t[1:])
		case cur != nil && qpSoft:
			// A QUOTED-PRINTABLE soft break: drop the '=' and join.
			joined := cur.String()
			cur.Reset()
			cur.WriteString(joined[:len(joined)-1])
			cur.WriteString(t)
		default:
			flush()
			cur = &strings.Builder{}
			cur.WriteString(t)
			curN = l.n
		}
		if cur.Len() > p.lim.MaxLineBytes {
			return nil, fmt.Errorf("%w: line %d unfolds to more than %d bytes", ErrTooLarge, curN, p.lim.MaxLineBytes)
		}
		qpSoft = strings.HasSuffix(t, "=") && isQPLine(cur.String())
	}
	flush()
	return out, nil
}

// isQPLine reports whether a logical line declares QUOTED-PRINTABLE in its
// parameters (the part before the first colon).
func isQPLine(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return false
	}
	return strings.Contains(strings.ToUpper(s[:i]), "QUOTED-PRINTABLE")
}

func (p *parser) line(l physLine) error {
	prop, err := parseContentLine(l.text)
	if err != nil {
		p.issue(l.n, Warning, "%v; line ignored: %.60q", err, l.text)
		return nil
	}
	prop.Line = l.n
	for _, r := range prop.repairs {
		p.issue(l.n, Repair, "%s", r)
	}
	switch prop.Name {
	case "BEGIN":
		return p.begin(strings.ToUpper(strings.TrimSpace(prop.Value)), l.n)
	case "END":
		p.end(strings.ToUpper(strings.TrimSpace(prop.Value)), l.n)
		return nil
	}
	if len(p.stack) == 0 {
		p.issue(l.n, Warning, "property %s outside any component ignored", prop.Name)
		return nil
	}
	p.nProp++
	if p.nProp > p.lim.MaxProps {
		return fmt.Errorf("%w: more than %d properties", ErrTooLarge, p.lim.MaxProps)
	}
	cur := p.stack[len(p.stack)-1]
	if prop.Name == "VERSION" && p.doc.Version == "" {
		p.doc.Version = strings.TrimSpace(prop.Value)
	}
	pr := &prop.Prop
	if isQPProp(pr) {
		if err := decodeQP(pr); err != nil {
			p.issue(l.n, Warning, "%s: %v", pr.Name, err)
		}
	}
	cur.Props = append(cur.Props, pr)
	return nil
}

func (p *parser) begin(name string, n int) error {
	if name == "" {
		p.issue(n, Warning, "BEGIN without a component name ignored")
		return nil
	}
	if len(p.stack) >= p.lim.MaxDepth {
		return fmt.Errorf("%w: components nested deeper than %d at line %d", ErrTooLarge, p.lim.MaxDepth, n)
	}
	p.nComp++
	if p.nComp > p.lim.MaxComponents {
		return fmt.Errorf("%w: more than %d components", ErrTooLarge, p.lim.MaxComponents)
	}
	c := &Component{Name: name, Line: n}
	switch {
	case len(p.stack) > 0:
		parent := p.stack[len(p.stack)-1]
		if name == "VCALENDAR" {
			p.issue(n, Warning, "VCALENDAR nested in %s (line %d): treated as a sibling", parent.Name, parent.Line)
			p.closeAll(n)
			p.doc.Calendars = append(p.doc.Calendars, c)
		} else {
			parent.Children = append(parent.Children, c)
		}
	case name == "VCALENDAR":
		p.wrapper = nil
		p.doc.Calendars = append(p.doc.Calendars, c)
	default:
		if p.wrapper == nil {
			p.issue(n, Repair, "%s without VCALENDAR: wrapped", name)
			p.wrapper = &Component{Name: "VCALENDAR"}
			p.doc.Calendars = append(p.doc.Calendars, p.wrapper)
		}
		p.wrapper.Children = append(p.wrapper.Children, c)
	}
	p.stack = append(p.stack, c)
	return nil
}

func (p *parser) end(name string, n int) {
	for i := len(p.stack) - 1; i >= 0; i-- {
		if p.stack[i].Name != name {
			continue
		}
		for _, open := range p.stack[i+1:] {
			open.Incomplete = true
			p.issue(n, Error, "%s begun at line %d has no END (closed by END:%s)", open.Name, open.Line, name)
		}
		p.stack = p.stack[:i]
		return
	}
	p.issue(n, Warning, "END:%s without matching BEGIN ignored", name)
}

func (p *parser) closeAll(n int) {
	for _, open := range p.stack {
		open.Incomplete = true
		p.issue(n, Error, "%s begun at line %d has no END", open.Name, open.Line)
	}
	p.stack = p.stack[:0]
}

func (p *parser) finish() {
	if len(p.stack) == 0 {
		return
	}
	p.doc.Truncated = true
	for _, open := range p.stack {
		open.Incomplete = true
		p.issue(open.Line, Error, "input ends inside %s begun at line %d (missing END:%s; truncated?)", open.Name, open.Line, open.Name)
	}
	p.stack = nil
}
