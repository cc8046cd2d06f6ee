package wbxml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Marshal returns the WBXML encoding of v. Structs are described with
// encoding/xml tags whose namespace is a code page namespace:
//
//	SyncKey string `xml:"AirSync: SyncKey"`
//
// Everything encoding/xml supports applies: nested structs, slices, nil
// pointers omitted, a pointer to "" written as an empty element, omitempty,
// ,chardata, ,any, xml.Marshaler and encoding.TextMarshaler. Attributes
// are not written. Use Opaque for binary fields: text goes through
// encoding/xml, which replaces invalid UTF-8 and characters XML cannot
// carry (NUL and other control characters) with U+FFFD.
//
// The parents of an a>b path (`xml:"Contacts: Categories>Category"`) take
// the code page of their first child, so they land in the field's
// namespace as Unmarshal expects. An empty slice writes no parent at all;
// to send an empty <Categories/> (EAS 14 "clear"), use a pointer to a
// struct for the parent.
func Marshal(v any) ([]byte, error) {
	// encoding/xml owns the reflection rules; its output is re-read as
	// tokens so that the WBXML side only has to map names.
	var text bytes.Buffer
	if err := xml.NewEncoder(&text).Encode(v); err != nil {
		return nil, fmt.Errorf("wbxml: marshal: %w", err)
	}
	var out bytes.Buffer
	enc := NewEncoder(&out)
	if err := copyTokens(enc, rawNamespaces{xml.NewDecoder(&text)}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// rawNamespaces reads encoding/xml's own output without the usual
// namespace inheritance: an element gets only the namespace it declares,
// which encoding/xml does for every element with one. The Encoder then
// places the undeclared ones (a>b path parents) by their children.
type rawNamespaces struct{ d *xml.Decoder }

func (r rawNamespaces) Token() (xml.Token, error) {
	t, err := r.d.RawToken()
	if err != nil {
		return nil, err
	}
	switch tt := t.(type) {
	case xml.StartElement:
		var ns string
		var prefixes map[string]string
		for _, a := range tt.Attr {
			switch {
			case a.Name.Space == "" && a.Name.Local == "xmlns":
				ns = a.Value
			case a.Name.Space == "xmlns":
				if prefixes == nil {
					prefixes = make(map[string]string)
				}
				prefixes[a.Name.Local] = a.Value
			}
		}
		attrs := tt.Attr[:0:0]
		for _, a := range tt.Attr {
			if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
				continue
			}
			if url, ok := prefixes[a.Name.Space]; ok {
				a.Name.Space = url
			}
			attrs = append(attrs, a)
		}
		return xml.StartElement{Name: xml.Name{Space: ns, Local: tt.Name.Local}, Attr: attrs}, nil
	case xml.EndElement:
		return xml.EndElement{Name: xml.Name{Local: tt.Name.Local}}, nil
	}
	return t, nil
}

// Unmarshal decodes a WBXML document into v, bounded by DefaultLimits. It
// follows encoding/xml's rules; elements without a matching field are
// skipped. An empty input returns io.EOF.
func Unmarshal(data []byte, v any) error {
	return UnmarshalLimits(data, v, DefaultLimits)
}

// UnmarshalLimits is Unmarshal with explicit limits.
func UnmarshalLimits(data []byte, v any, lim Limits) error {
	return decodeFrom(NewDecoder(bytes.NewReader(data), lim), v)
}

// NewXMLDecoder returns an encoding/xml Decoder reading WBXML from r, for
// callers that want DecodeElement or Skip on a stream.
func NewXMLDecoder(r io.Reader, lim Limits) *xml.Decoder {
	return xml.NewTokenDecoder(NewDecoder(r, lim))
}

func decodeFrom(d *Decoder, v any) error {
	err := xml.NewTokenDecoder(d).Decode(v)
	if err == nil || err == io.EOF {
		return err
	}
	var se *SyntaxError
	var le *LimitError
	if errors.As(err, &se) || errors.As(err, &le) {
		return err
	}
	return fmt.Errorf("wbxml: unmarshal: %w", err)
}

// Opaque is binary element content (a contact picture, a time zone blob, a
// MIME message). Marshal writes it as WBXML OPAQUE; Unmarshal accepts
// OPAQUE or an inline string. A zero-length Opaque is written as an empty
// element (use omitempty to leave it out).
//
// Through encoding/xml, binary travels as base64 text on an element marked
// with OpaqueAttr: Opaque.MarshalXML writes it so and the Encoder turns it
// back into raw bytes; the Decoder presents binary OPAQUE so and
// Opaque.UnmarshalXML decodes it. Unmarked text is taken as the bytes.
type Opaque []byte

// MarshalXML writes o base64-encoded on an element marked with OpaqueAttr.
func (o Opaque) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr, xml.Attr{Name: OpaqueAttr, Value: "base64"})
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if len(o) > 0 {
		if err := e.EncodeToken(xml.CharData(base64.StdEncoding.EncodeToString(o))); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// UnmarshalXML stores the element's character data. If the element carries
// OpaqueAttr (XML produced by ToXML or Opaque.MarshalXML), the text is
// base64-decoded; otherwise it is taken as raw bytes, as the WBXML Decoder
// delivers OPAQUE and inline strings.
func (o *Opaque) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	b64 := hasOpaqueAttr(start)
	buf := []byte{}
	for {
		t, err := d.Token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.CharData:
			buf = append(buf, t...)
		case xml.StartElement:
			if err := d.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			if b64 {
				raw := bytes.Join(bytes.Fields(buf), nil)
				dec := make([]byte, base64.StdEncoding.DecodedLen(len(raw)))
				n, err := base64.StdEncoding.Decode(dec, raw)
				if err != nil {
					return fmt.Errorf("opaque <%s>: %w", start.Name.Local, err)
				}
				buf = dec[:n]
			}
			*o = buf
			return nil
		}
	}
}

// copyTokens feeds XML tokens to enc. Whitespace-only text in an element
// that has child elements is indentation, not content, and is dropped;
// whitespace-only text in a leaf element is kept.
func copyTokens(enc *Encoder, src xml.TokenReader) error {
	var (
		text     []byte
		hasChild []bool // per open element
	)
	flushText := func(dropBlank bool) error {
		if len(text) == 0 {
			return nil
		}
		blank := len(bytes.TrimSpace(text)) == 0
		var err error
		if !(blank && dropBlank) {
			err = enc.EncodeToken(xml.CharData(text))
		}
		text = text[:0]
		return err
	}
	for {
		t, err := src.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("wbxml: read XML: %w", err)
		}
		switch tt := t.(type) {
		case xml.CharData:
			text = append(text, tt...)
			continue
		case xml.StartElement:
			if err := flushText(true); err != nil {
				return err
			}
			if n := len(hasChild); n > 0 {
				hasChild[n-1] = true
			}
			hasChild = append(hasChild, false)
		case xml.EndElement:
			n := len(hasChild)
			if err := flushText(n > 0 && hasChild[n-1]); err != nil {
				return err
			}
			if n > 0 {
				hasChild = hasChild[:n-1]
			}
		}
		if err := enc.EncodeToken(t); err != nil {
			return err
		}
	}
}
