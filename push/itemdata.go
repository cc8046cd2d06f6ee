package push

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cradle-sync/cradle/push/internal/wbxml"
)

// maxItemTokens bounds how many tokens one ApplicationData may hold. The
// WBXML decoder already bounds the whole document; this keeps a single item
// from being the vector when ItemData is decoded from other sources.
const maxItemTokens = 1 << 16

// applicationData is the element ItemData stands for; Decode presents the
// recorded content under this name.
var applicationData = xml.Name{Space: "AirSync:", Local: "ApplicationData"}

// ItemData is an item's ApplicationData exactly as the server sent it: the
// list of child tokens (elements and text), including elements no schema in
// Cradle knows. Keeping the tokens instead of a decoded struct means a field
// Cradle does not model survives a read-modify-write and absent elements
// stay distinguishable from empty ones.
//
// The zero ItemData is an empty ApplicationData. ItemData is immutable once
// built; copies share the token slice.
type ItemData struct {
	tokens []xml.Token // StartElement, EndElement, CharData; balanced
}

// NewItemData encodes v (a struct tagged for encoding/xml with code page
// namespaces, e.g. *schema.Contact) and keeps the element's content as
// ItemData. The name of v's own element is ignored.
func NewItemData(v any) (ItemData, error) {
	var buf bytes.Buffer
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return ItemData{}, fmt.Errorf("push: encode item data: %w", err)
	}
	d := xml.NewDecoder(&buf)
	start, err := nextStart(d)
	if err != nil {
		return ItemData{}, fmt.Errorf("push: encode item data: %w", err)
	}
	var data ItemData
	if err := data.UnmarshalXML(d, start); err != nil {
		return ItemData{}, fmt.Errorf("push: encode item data: %w", err)
	}
	return data, nil
}

// ItemDataFromTokens builds ItemData from the content tokens of an
// ApplicationData element. Namespace declarations, comments and processing
// instructions are dropped (WBXML has none); elements must be balanced.
func ItemDataFromTokens(tokens []xml.Token) (ItemData, error) {
	var data ItemData
	depth := 0
	for _, t := range tokens {
		switch t := t.(type) {
		case xml.StartElement:
			depth++
			data.tokens = append(data.tokens, startCopy(t))
		case xml.EndElement:
			depth--
			if depth < 0 {
				return ItemData{}, errors.New("push: item data: unbalanced end element")
			}
			data.tokens = append(data.tokens, xml.EndElement{Name: t.Name})
		case xml.CharData:
			data.tokens = appendText(data.tokens, t)
		}
	}
	if depth != 0 {
		return ItemData{}, errors.New("push: item data: unclosed element")
	}
	return data, nil
}

// startCopy copies a start element without its namespace declarations,
// which are encoding plumbing and would otherwise be replayed as
// attributes. Other attributes are kept: the WBXML codec marks opaque
// elements with one.
func startCopy(t xml.StartElement) xml.StartElement {
	s := xml.StartElement{Name: t.Name}
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		s.Attr = append(s.Attr, a)
	}
	return s
}

func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		t, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if s, ok := t.(xml.StartElement); ok {
			return s, nil
		}
	}
}

// appendText appends text to toks. Text that cannot travel as an XML or
// WBXML string (invalid UTF-8 or NUL: WBXML OPAQUE data such as a picture)
// is stored base64-encoded on an element marked with wbxml.OpaqueAttr, the
// codec's convention, so it is written back as OPAQUE and decodes into a
// wbxml.Opaque field unchanged.
func appendText(toks []xml.Token, t xml.CharData) []xml.Token {
	if utf8.Valid(t) && bytes.IndexByte(t, 0) < 0 {
		return append(toks, t.Copy())
	}
	if n := len(toks); n > 0 {
		if s, ok := toks[n-1].(xml.StartElement); ok {
			s.Attr = append(s.Attr, xml.Attr{Name: wbxml.OpaqueAttr, Value: "base64"})
			toks[n-1] = s
			return append(toks, xml.CharData(base64.StdEncoding.EncodeToString(t)))
		}
	}
	// Binary text mixed with elements has no faithful form; keep it
	// printable rather than produce a document the encoder rejects.
	return append(toks, xml.CharData(strings.ToValidUTF8(strings.ReplaceAll(string(t), "\x00", ""), "\uFFFD")))
}

// Tokens returns a copy of the recorded content tokens.
func (d ItemData) Tokens() []xml.Token {
	out := make([]xml.Token, len(d.tokens))
	for i, t := range d.tokens {
		out[i] = xml.CopyToken(t)
	}
	return out
}

// IsZero reports whether d holds no content.
func (d ItemData) IsZero() bool { return len(d.tokens) == 0 }

// EmptyElements returns the names of elements that have neither text nor
// children, in document order. EAS 16.x rejects such elements in Add and
// Change (except Contacts:Picture, where empty means "delete the photo").
func (d ItemData) EmptyElements() []xml.Name {
	var out []xml.Name
	for i := 0; i+1 < len(d.tokens); i++ {
		s, ok := d.tokens[i].(xml.StartElement)
		if !ok {
			continue
		}
		switch next := d.tokens[i+1].(type) {
		case xml.EndElement:
			out = append(out, s.Name)
		case xml.CharData:
			if len(next) == 0 && i+2 < len(d.tokens) {
				if _, end := d.tokens[i+2].(xml.EndElement); end {
					out = append(out, s.Name)
				}
			}
		}
	}
	return out
}

// Decode unmarshals the content into v as encoding/xml would decode an
// ApplicationData element; unknown elements are skipped.
func (d ItemData) Decode(v any) error {
	r := &tokenReplay{tokens: d.tokens, start: xml.StartElement{Name: applicationData}}
	if err := xml.NewTokenDecoder(r).Decode(v); err != nil {
		return fmt.Errorf("push: decode item data: %w", err)
	}
	return nil
}

// UnmarshalXML records every token inside start until its end element.
func (d *ItemData) UnmarshalXML(dec *xml.Decoder, start xml.StartElement) error {
	var toks []xml.Token
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			depth++
			toks = append(toks, startCopy(t))
		case xml.EndElement:
			if depth == 0 {
				d.tokens = toks
				return nil
			}
			depth--
			toks = append(toks, xml.EndElement{Name: t.Name})
		case xml.CharData:
			toks = appendText(toks, t)
		}
		if len(toks) > maxItemTokens {
			return fmt.Errorf("push: item data exceeds %d tokens", maxItemTokens)
		}
	}
}

// MarshalXML writes start, the recorded tokens and the end element.
func (d ItemData) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, t := range d.tokens {
		if err := e.EncodeToken(t); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// tokenReplay is an xml.TokenReader over recorded tokens wrapped in start.
type tokenReplay struct {
	tokens []xml.Token
	start  xml.StartElement
	pos    int // next index into tokens
	state  int // 0: start pending, 1: replaying tokens, 2: end sent
}

func (r *tokenReplay) Token() (xml.Token, error) {
	switch r.state {
	case 0:
		r.state = 1
		return r.start, nil
	case 1:
		if r.pos < len(r.tokens) {
			t := xml.CopyToken(r.tokens[r.pos])
			r.pos++
			return t, nil
		}
		r.state = 2
		return r.start.End(), nil
	}
	return nil, io.EOF
}
