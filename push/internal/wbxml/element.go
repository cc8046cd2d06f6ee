package wbxml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"unicode/utf8"
)

// Element is a generic element tree: it unmarshals any element and
// marshals it back unchanged. It holds content whose schema is chosen
// later, such as an item's ApplicationData, which Decode then turns into a
// typed struct. (encoding/xml's ,innerxml does not work over a WBXML
// Decoder: it only captures text input.)
type Element struct {
	Name     xml.Name
	Text     []byte // concatenated character data; OPAQUE bytes are kept raw
	Children []Element
}

// UnmarshalXML reads the element and everything inside it. Text of an
// element marked with OpaqueAttr (binary OPAQUE from the Decoder) is
// base64-decoded, so Text always holds the bytes sent.
func (e *Element) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	*e = Element{Name: start.Name}
	b64 := hasOpaqueAttr(start)
	for {
		t, err := d.Token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			var c Element
			if err := c.UnmarshalXML(d, t); err != nil {
				return err
			}
			e.Children = append(e.Children, c)
		case xml.CharData:
			e.Text = append(e.Text, t...)
		case xml.EndElement:
			if b64 {
				raw, err := base64.StdEncoding.AppendDecode(nil, bytes.Join(bytes.Fields(e.Text), nil))
				if err != nil {
					return fmt.Errorf("opaque <%s>: %w", e.Name.Local, err)
				}
				e.Text = raw
			}
			return nil
		}
	}
}

func hasOpaqueAttr(start xml.StartElement) bool {
	for _, a := range start.Attr {
		if a.Name == OpaqueAttr && a.Value == "base64" {
			return true
		}
	}
	return false
}

// MarshalXML writes the element under its own Name (start's name is used
// only when Name is empty). Text that is not printable UTF-8 is written
// as opaque data.
func (e Element) MarshalXML(enc *xml.Encoder, start xml.StartElement) error {
	if e.Name.Local != "" {
		start = xml.StartElement{Name: e.Name}
	}
	start.Attr = nil
	binary := !isPrintable(e.Text)
	if binary {
		start.Attr = []xml.Attr{{Name: OpaqueAttr, Value: "base64"}}
	}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if len(e.Text) > 0 {
		text := e.Text
		if binary {
			text = []byte(base64.StdEncoding.EncodeToString(e.Text))
		}
		if err := enc.EncodeToken(xml.CharData(text)); err != nil {
			return err
		}
	}
	for _, c := range e.Children {
		if err := c.MarshalXML(enc, xml.StartElement{}); err != nil {
			return err
		}
	}
	return enc.EncodeToken(start.End())
}

// Decode unmarshals the element into v as if v had been decoded from the
// original document by Unmarshal: v's XMLName (if any) must match, fields
// are matched by namespace and local name, and binary text is presented
// the way the Decoder presents binary OPAQUE.
func (e *Element) Decode(v any) error {
	r := &replay{}
	r.walk(e)
	return xml.NewTokenDecoder(r).Decode(v)
}

// replay is a TokenReader over an Element tree.
type replay struct {
	toks []xml.Token
	i    int
}

func (r *replay) walk(e *Element) {
	switch {
	case len(e.Text) > 0 && !isPrintable(e.Text):
		r.toks = append(r.toks, xml.StartElement{Name: e.Name, Attr: []xml.Attr{{Name: OpaqueAttr, Value: "base64"}}},
			xml.CharData(base64.StdEncoding.EncodeToString(e.Text)))
	case len(e.Text) > 0:
		r.toks = append(r.toks, xml.StartElement{Name: e.Name}, xml.CharData(e.Text))
	default:
		r.toks = append(r.toks, xml.StartElement{Name: e.Name})
	}
	for i := range e.Children {
		r.walk(&e.Children[i])
	}
	r.toks = append(r.toks, xml.EndElement{Name: e.Name})
}

func (r *replay) Token() (xml.Token, error) {
	if r.i >= len(r.toks) {
		return nil, io.EOF
	}
	t := r.toks[r.i]
	r.i++
	return t, nil
}

// isPrintable reports whether b can travel as XML text unchanged: valid
// UTF-8 without NUL or other characters XML 1.0 forbids.
func isPrintable(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		b = b[n:]
	}
	return true
}
