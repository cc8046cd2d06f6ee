package wbxml

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// OpaqueAttr marks an element whose character data is base64 and must be
// written as WBXML OPAQUE bytes: an xml.StartElement carrying the attribute
// OpaqueAttr="base64" makes the Encoder decode the element's text and emit
// it as OPAQUE. Opaque.MarshalXML sets it, and ToXML prints it for every
// OPAQUE element, so binary data survives the XML text form.
var OpaqueAttr = xml.Name{Space: "wbxml:", Local: "opaque"}

// Encoder writes encoding/xml tokens as a WBXML 1.3 document with the
// ActiveSync code pages: header 03 01 6A 00 (version 1.3, unknown public
// id, UTF-8, empty string table), then tags, inline strings and OPAQUE
// data, switching code pages as element namespaces require.
//
// Element names must be in a code page namespace ("AirSync:", also the bare
// page name "AirSync"). An element without a namespace takes its first
// child element's code page if that page has its name, else its parent's
// (see resolveTop for why). Attributes are dropped (ActiveSync defines
// none, and xmlns declarations are namespace plumbing), except OpaqueAttr.
// An element with no character data and no children is written without
// the content bit, so <MiddleName/> stays distinct from an absent element.
// Comments, processing instructions and directives are ignored.
//
// Output is buffered: call Close (or Flush) when done. Errors are sticky.
// An Encoder is not safe for concurrent use.
type Encoder struct {
	w       *bufio.Writer
	started bool
	done    bool // root element closed
	page    byte
	stack   []openElem
	// pending: the top element's tag is not written yet, because whether
	// it has content is known only at its first child, text or end.
	pending bool
	opaque  []byte // base64 text collected for the open opaque element
	scratch []byte
	err     error
}

type openElem struct {
	name     xml.Name
	page     byte
	token    byte
	resolved bool // page and token are known
	opaque   bool
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: bufio.NewWriterSize(w, 32<<10)}
}

// EncodeToken writes one token. StartElement and EndElement must nest;
// CharData outside the root element must be whitespace (and is dropped);
// CharData must not contain NUL, which WBXML inline strings cannot carry.
func (e *Encoder) EncodeToken(t xml.Token) error {
	if e.err != nil {
		return e.err
	}
	if err := e.encode(t); err != nil {
		e.err = err
		return err
	}
	return nil
}

func (e *Encoder) encode(t xml.Token) error {
	switch t := t.(type) {
	case xml.StartElement:
		return e.start(t)
	case xml.EndElement:
		return e.end(t)
	case xml.CharData:
		return e.text(t)
	case xml.Comment, xml.ProcInst, xml.Directive:
		return nil
	default:
		return fmt.Errorf("wbxml: encode: unsupported token type %T", t)
	}
}

// lookupPage returns the code page of a namespace.
func lookupPage(ns, local string) (int, error) {
	p, ok := tables.pageOfNS[ns]
	if !ok {
		return 0, fmt.Errorf("wbxml: encode <%s>: unknown namespace %q", local, ns)
	}
	return p, nil
}

// resolveTop settles the code page of the top element when it has no
// namespace of its own. encoding/xml writes the parents of an a>b field
// path without a namespace although the field's namespace is meant (and
// Unmarshal requires it there), so the first child's code page is tried
// before the parent's: `xml:"Contacts: Categories>Category"` then lands on
// Contacts:Categories inside AirSync:ApplicationData. childPage is -1 when
// the element has no child element.
func (e *Encoder) resolveTop(childPage int) error {
	top := &e.stack[len(e.stack)-1]
	if top.resolved {
		return nil
	}
	if childPage >= 0 {
		if tok, ok := tables.tokens[childPage][top.name.Local]; ok {
			top.page, top.token, top.resolved = byte(childPage), tok, true
			return nil
		}
	}
	if len(e.stack) < 2 {
		return fmt.Errorf("wbxml: encode <%s>: root element has no namespace", top.name.Local)
	}
	p := int(e.stack[len(e.stack)-2].page)
	tok, ok := tables.tokens[p][top.name.Local]
	if !ok {
		return fmt.Errorf("wbxml: encode: no tag %q in code page %s", top.name.Local, tables.ns[p])
	}
	top.page, top.token, top.resolved = byte(p), tok, true
	return nil
}

func (e *Encoder) start(t xml.StartElement) error {
	if e.done {
		return fmt.Errorf("wbxml: encode <%s>: second root element", t.Name.Local)
	}
	if n := len(e.stack); n > 0 && e.stack[n-1].opaque {
		return fmt.Errorf("wbxml: encode <%s>: element inside an opaque element", t.Name.Local)
	}
	el := openElem{name: t.Name}
	childPage := -1
	if t.Name.Space != "" {
		p, err := lookupPage(t.Name.Space, t.Name.Local)
		if err != nil {
			return err
		}
		tok, ok := tables.tokens[p][t.Name.Local]
		if !ok {
			return fmt.Errorf("wbxml: encode: no tag %q in code page %s", t.Name.Local, tables.ns[p])
		}
		el.page, el.token, el.resolved = byte(p), tok, true
		childPage = p
	}
	if e.pending {
		if err := e.resolveTop(childPage); err != nil {
			return err
		}
		e.writeTag(true)
	}
	for _, a := range t.Attr {
		if a.Name == OpaqueAttr {
			if a.Value != "base64" {
				return fmt.Errorf("wbxml: encode <%s>: unsupported opaque encoding %q", t.Name.Local, a.Value)
			}
			el.opaque = true
		}
	}
	e.stack = append(e.stack, el)
	e.pending = true
	e.opaque = e.opaque[:0]
	return nil
}

func (e *Encoder) end(t xml.EndElement) error {
	n := len(e.stack)
	if n == 0 {
		return fmt.Errorf("wbxml: encode: </%s> without an open element", t.Name.Local)
	}
	if e.pending {
		if err := e.resolveTop(-1); err != nil {
			return err
		}
	}
	top := e.stack[n-1]
	if t.Name.Local != top.name.Local || (t.Name.Space != "" && top.name.Space != "" && t.Name.Space != top.name.Space) {
		return fmt.Errorf("wbxml: encode: </%s> closes <%s>", t.Name.Local, top.name.Local)
	}
	if top.opaque {
		if err := e.writeOpaque(); err != nil {
			return fmt.Errorf("wbxml: encode <%s>: %w", top.name.Local, err)
		}
	} else if e.pending {
		e.writeTag(false)
	} else {
		e.w.WriteByte(tokEnd)
	}
	e.stack = e.stack[:n-1]
	e.pending = false
	if n == 1 {
		e.done = true
	}
	return nil
}

func (e *Encoder) text(t xml.CharData) error {
	if len(t) == 0 {
		return nil
	}
	n := len(e.stack)
	if n == 0 {
		if len(bytes.TrimSpace(t)) == 0 {
			return nil
		}
		return errors.New("wbxml: encode: character data outside the root element")
	}
	if e.stack[n-1].opaque {
		e.opaque = append(e.opaque, t...)
		return nil
	}
	if bytes.IndexByte(t, 0) >= 0 {
		return fmt.Errorf("wbxml: encode <%s>: text contains NUL", e.stack[n-1].name.Local)
	}
	if e.pending {
		if err := e.resolveTop(-1); err != nil {
			return err
		}
		e.writeTag(true)
	}
	e.w.WriteByte(tokStrI)
	e.w.Write(t)
	e.w.WriteByte(0)
	return nil
}

func (e *Encoder) writeOpaque() error {
	raw := e.opaque
	if bytes.ContainsAny(raw, " \t\r\n") {
		raw = bytes.Join(bytes.Fields(raw), nil)
	}
	data := growLen(e.scratch[:0], base64.StdEncoding.DecodedLen(len(raw)))
	k, err := base64.StdEncoding.Decode(data, raw)
	if err != nil {
		return fmt.Errorf("opaque data: %w", err)
	}
	data = data[:k]
	e.scratch = data
	if len(data) == 0 {
		// No bytes: an empty element, as for any element without content.
		if e.pending {
			e.writeTag(false)
		} else {
			e.w.WriteByte(tokEnd)
		}
		return nil
	}
	if e.pending {
		e.writeTag(true)
	}
	var n [5]byte
	e.w.WriteByte(tokOpaque)
	e.w.Write(appendUint(n[:0], uint32(len(data))))
	e.w.Write(data)
	e.w.WriteByte(tokEnd)
	return nil
}

// writeTag writes the pending start tag of the top element, which must be
// resolved.
func (e *Encoder) writeTag(content bool) {
	if !e.started {
		e.started = true
		e.w.Write([]byte{version13, publicIDUnknown, charsetUTF8, 0})
	}
	top := e.stack[len(e.stack)-1]
	if top.page != e.page {
		e.w.WriteByte(tokSwitchPage)
		e.w.WriteByte(top.page)
		e.page = top.page
	}
	b := top.token
	if content {
		b |= tagHasContent
	}
	e.w.WriteByte(b)
	e.pending = false
}

// appendUint appends v as a mb_u_int32.
func appendUint(dst []byte, v uint32) []byte {
	var tmp [5]byte
	i := len(tmp) - 1
	tmp[i] = byte(v & 0x7F)
	for v >>= 7; v > 0; v >>= 7 {
		i--
		tmp[i] = byte(v&0x7F) | 0x80
	}
	return append(dst, tmp[i:]...)
}

// Flush writes buffered output to the underlying writer. A start tag whose
// content is not known yet (no child, text or end seen) stays buffered.
func (e *Encoder) Flush() error {
	if e.err != nil {
		return e.err
	}
	if err := e.w.Flush(); err != nil {
		e.err = fmt.Errorf("wbxml: encode: %w", err)
		return e.err
	}
	return nil
}

// Close checks that the document is complete (one root element, all
// elements closed) and flushes it. It does not close the underlying writer.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	switch {
	case len(e.stack) > 0:
		e.err = fmt.Errorf("wbxml: encode: <%s> not closed", e.stack[len(e.stack)-1].name.Local)
		return e.err
	case !e.done:
		e.err = errors.New("wbxml: encode: empty document")
		return e.err
	}
	return e.Flush()
}
