package store

import (
	"bytes"
	"fmt"
	"strings"
)

// This file finds item boundaries in vCard and iCalendar text. It is
// deliberately not a parser of properties: it tracks BEGIN/END nesting,
// reads the few properties that decide grouping (UID, RECURRENCE-ID, TZID)
// and keeps every byte of the input, so untouched items are written back
// exactly as they were read.

// ParseError reports text that has no sound item boundaries.
type ParseError struct {
	Path string // file name, if known
	Line int    // 1-based line number
	Msg  string
}

// Error returns "path:line: message".
func (e *ParseError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// Is makes a ParseError match ErrInvalid.
func (e *ParseError) Is(target error) bool { return target == ErrInvalid }

// logicalLine is one content line with its folded continuations.
type logicalLine struct {
	start, end int    // byte range in the input, line endings included
	line       int    // 1-based number of the first physical line
	text       []byte // unfolded content without line endings
}

// eachLine calls fn for every logical line of data, stopping at its error.
func eachLine(data []byte, fn func(logicalLine) error) error {
	var cur *logicalLine
	lineNo := 0
	for pos := 0; pos < len(data); {
		end := len(data)
		if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
			end = pos + i + 1
		}
		lineNo++
		content := bytes.TrimRight(data[pos:end], "\r\n")
		if cur != nil && len(content) > 0 && (content[0] == ' ' || content[0] == '\t') {
			cur.text = append(cur.text, content[1:]...)
			cur.end = end
		} else {
			if cur != nil {
				if err := fn(*cur); err != nil {
					return err
				}
			}
			cur = &logicalLine{start: pos, end: end, line: lineNo, text: append([]byte(nil), content...)}
		}
		pos = end
	}
	if cur != nil {
		return fn(*cur)
	}
	return nil
}

// prop is a content line split into its parts.
type prop struct {
	name   string // upper-case, without vCard group prefix
	params []byte // ";A=b;C=d", raw
	value  []byte
}

// splitProp splits a content line at the first colon outside a quoted
// parameter value; ok is false for a line without one.
func splitProp(text []byte) (p prop, ok bool) {
	inQuote := false
	for i, c := range text {
		switch c {
		case '"':
			inQuote = !inQuote
		case ':':
			if inQuote {
				continue
			}
			head := text[:i]
			name := head
			if j := bytes.IndexByte(head, ';'); j >= 0 {
				name, p.params = head[:j], head[j:]
			}
			if j := bytes.LastIndexByte(name, '.'); j >= 0 {
				name = name[j+1:]
			}
			p.name = strings.ToUpper(string(bytes.TrimSpace(name)))
			p.value = text[i+1:]
			return p, true
		}
	}
	return prop{}, false
}

// param returns the value of the named parameter, unquoted.
func (p prop) param(name string) (string, bool) {
	for piece := range bytes.SplitSeq(p.params, []byte(";")) {
		k, v, ok := bytes.Cut(piece, []byte("="))
		if ok && strings.EqualFold(string(bytes.TrimSpace(k)), name) {
			return string(bytes.Trim(v, `"`)), true
		}
	}
	return "", false
}

// component is one complete BEGIN/END block at item level.
type component struct {
	name  string // upper-case: VEVENT, VTODO, VTIMEZONE, VCARD, ...
	raw   []byte
	line  int
	uid   string
	tzid  string   // a VTIMEZONE's own TZID
	tzids []string // TZIDs its properties refer to
}

// segment is a piece of a document in file order: a component, or raw text
// between components (calendar properties, blank lines).
type segment struct {
	raw  []byte
	comp *component
}

// parsed is a document split into segments. For iCalendar, prefix holds
// everything up to and including BEGIN:VCALENDAR and suffix END:VCALENDAR
// and what follows; a vCard file has neither.
type parsed struct {
	prefix, suffix []byte
	segs           []segment
}

// itemComponents are the iCalendar components that are sync items.
var itemComponents = map[string]bool{"VEVENT": true, "VTODO": true, "VJOURNAL": true}

// splitter tracks nesting while reading one document.
type splitter struct {
	data  []byte
	out   parsed
	stack []string
	begin []int // line of each open BEGIN
	cur   *component
	start int // byte offset of cur's BEGIN
	// rawFrom is where the pending raw text between components starts.
	rawFrom int
}

func (s *splitter) open(name string, l logicalLine) {
	if len(s.stack) == 0 {
		s.cur = &component{name: name, line: l.line}
		s.start = l.start
	}
	s.stack = append(s.stack, name)
	s.begin = append(s.begin, l.line)
}

// close handles END:name, reporting a finished component.
func (s *splitter) close(name string, l logicalLine) (*component, error) {
	if len(s.stack) == 0 {
		return nil, &ParseError{Line: l.line, Msg: "END:" + name + " without BEGIN"}
	}
	top := s.stack[len(s.stack)-1]
	if top != name {
		return nil, &ParseError{Line: l.line, Msg: fmt.Sprintf("END:%s does not close BEGIN:%s of line %d",
			name, top, s.begin[len(s.begin)-1])}
	}
	s.stack, s.begin = s.stack[:len(s.stack)-1], s.begin[:len(s.begin)-1]
	if len(s.stack) > 0 {
		return nil, nil
	}
	c := s.cur
	c.raw = s.data[s.start:l.end]
	s.cur = nil
	return c, nil
}

// property notes the grouping properties of a line inside a component.
func (s *splitter) property(p prop) {
	c := s.cur
	if tz, ok := p.param("TZID"); ok && tz != "" {
		c.tzids = append(c.tzids, tz)
	}
	if len(s.stack) != 1 {
		return
	}
	switch p.name {
	case "UID":
		if c.uid == "" {
			c.uid = string(p.value)
		}
	case "TZID":
		if c.name == "VTIMEZONE" && c.tzid == "" {
			c.tzid = strings.TrimSpace(string(p.value))
		}
	}
}

// flushRaw emits the raw text since the last component up to end.
func (s *splitter) flushRaw(end int) {
	if end > s.rawFrom {
		s.out.segs = append(s.out.segs, segment{raw: s.data[s.rawFrom:end]})
	}
	s.rawFrom = end
}

func (s *splitter) unclosed() error {
	return &ParseError{Line: s.begin[len(s.begin)-1],
		Msg: fmt.Sprintf("BEGIN:%s has no END:%s", s.stack[len(s.stack)-1], s.stack[len(s.stack)-1])}
}

func beginEnd(p prop) string { return strings.ToUpper(strings.TrimSpace(string(p.value))) }

// splitCalendar splits an iCalendar document holding one VCALENDAR. An
// input with no content at all yields an empty document.
func splitCalendar(data []byte) (*parsed, error) {
	s := &splitter{data: data}
	const (
		before = iota
		inCalendar
		after
	)
	state, calLine := before, 0
	err := eachLine(data, func(l logicalLine) error {
		blank := len(bytes.TrimSpace(l.text)) == 0
		if state == after {
			if blank {
				return nil
			}
			return &ParseError{Line: l.line, Msg: "content after END:VCALENDAR (a single-file calendar holds one VCALENDAR)"}
		}
		if blank {
			return nil // kept in the surrounding raw text
		}
		p, ok := splitProp(l.text)
		if !ok {
			if s.cur != nil {
				return nil // an item's own business; the formats layer judges it
			}
			return &ParseError{Line: l.line, Msg: "line without a colon outside any component"}
		}
		switch state {
		case before:
			if p.name != "BEGIN" || beginEnd(p) != "VCALENDAR" {
				return &ParseError{Line: l.line, Msg: "expected BEGIN:VCALENDAR"}
			}
			s.out.prefix = data[:l.end]
			s.rawFrom, calLine = l.end, l.line
			state = inCalendar
		case inCalendar:
			switch {
			case p.name == "BEGIN":
				if s.cur == nil {
					if beginEnd(p) == "VCALENDAR" {
						return &ParseError{Line: l.line, Msg: "nested BEGIN:VCALENDAR"}
					}
					s.flushRaw(l.start)
				}
				s.open(beginEnd(p), l)
			case p.name == "END" && s.cur == nil:
				if beginEnd(p) != "VCALENDAR" {
					return &ParseError{Line: l.line, Msg: "END:" + beginEnd(p) + " without BEGIN"}
				}
				s.flushRaw(l.start)
				s.out.suffix = data[l.start:]
				state = after
			case p.name == "END":
				c, err := s.close(beginEnd(p), l)
				if err != nil {
					return err
				}
				if c != nil {
					s.out.segs = append(s.out.segs, segment{comp: c})
					s.rawFrom = l.end
				}
			case s.cur != nil:
				s.property(p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case s.cur != nil:
		return nil, s.unclosed()
	case state == inCalendar:
		return nil, &ParseError{Line: calLine, Msg: "BEGIN:VCALENDAR has no END:VCALENDAR"}
	}
	return &s.out, nil
}

// splitVCards splits a sequence of vCards. vCard 2.1 may nest a vCard in
// an AGENT property; nesting is tracked so it stays inside its parent.
func splitVCards(data []byte) (*parsed, error) {
	s := &splitter{data: data}
	err := eachLine(data, func(l logicalLine) error {
		if len(bytes.TrimSpace(l.text)) == 0 {
			return nil
		}
		p, ok := splitProp(l.text)
		switch {
		case !ok && s.cur == nil:
			return &ParseError{Line: l.line, Msg: "content outside BEGIN:VCARD/END:VCARD"}
		case !ok:
			return nil
		case p.name == "BEGIN":
			name := beginEnd(p)
			if s.cur == nil {
				if name != "VCARD" {
					return &ParseError{Line: l.line, Msg: "expected BEGIN:VCARD, got BEGIN:" + name}
				}
				s.flushRaw(l.start)
			}
			s.open(name, l)
		case p.name == "END":
			c, err := s.close(beginEnd(p), l)
			if err != nil {
				return err
			}
			if c != nil {
				s.out.segs = append(s.out.segs, segment{comp: c})
				s.rawFrom = l.end
			}
		case s.cur == nil:
			return &ParseError{Line: l.line, Msg: "content outside BEGIN:VCARD/END:VCARD"}
		default:
			s.property(p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.cur != nil {
		return nil, s.unclosed()
	}
	s.flushRaw(len(data))
	return &s.out, nil
}
