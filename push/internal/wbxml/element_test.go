package wbxml

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// TestElementRawApplicationData: an item's ApplicationData is kept as an
// Element, re-marshalled byte-identically, and decoded into a typed struct
// later.
func TestElementRawApplicationData(t *testing.T) {
	type add struct {
		ServerID string  `xml:"AirSync: ServerId"`
		Data     Element `xml:"AirSync: ApplicationData"`
	}
	type sync struct {
		XMLName xml.Name `xml:"AirSync: Sync"`
		Adds    []add    `xml:"AirSync: Commands>Add"`
	}
	b := doc(cat(
		[]byte{0x45, 0x56, 0x47, 0x4D}, str("s1"), []byte{0x01},
		[]byte{0x5D, 0x00, 0x01, 0x5F}, str("Zoë"), []byte{0x01, 0x2A}, // FirstName, empty MiddleName
		[]byte{0x7C, 0xC3, 0x02, 0x00, 0xFF, 0x01}, // Picture, opaque
		[]byte{0x01, 0x01, 0x01, 0x01})...)
	var s sync
	if err := Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Adds) != 1 || s.Adds[0].ServerID != "s1" {
		t.Fatalf("decoded %+v", s)
	}
	el := s.Adds[0].Data
	if el.Name != (xml.Name{Space: "AirSync:", Local: "ApplicationData"}) || len(el.Children) != 3 {
		t.Fatalf("element %+v", el)
	}
	again, err := Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Errorf("re-marshal differs\n got % X\nwant % X", again, b)
	}
	var c struct {
		XMLName    xml.Name `xml:"AirSync: ApplicationData"`
		FirstName  *string  `xml:"Contacts: FirstName"`
		MiddleName *string  `xml:"Contacts: MiddleName"`
		LastName   *string  `xml:"Contacts: LastName"`
		Picture    Opaque   `xml:"Contacts: Picture"`
	}
	if err := el.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if c.FirstName == nil || *c.FirstName != "Zoë" || c.MiddleName == nil || *c.MiddleName != "" || c.LastName != nil ||
		!bytes.Equal(c.Picture, []byte{0x00, 0xFF}) {
		t.Errorf("typed decode: %+v", c)
	}
}

// recorded keeps an element's content as tokens, the way push.ItemData
// does, and replays them through encoding/xml.
type recorded struct{ toks []xml.Token }

func (r *recorded) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for depth := 0; ; {
		t, err := d.Token()
		if err != nil {
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
		r.toks = append(r.toks, xml.CopyToken(t))
	}
}

func (r recorded) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, t := range r.toks {
		if err := e.EncodeToken(t); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// TestRecordedTokensKeepBinaryOpaque: binary OPAQUE recorded as tokens and
// replayed through encoding/xml comes out as the same OPAQUE bytes, not as
// U+FFFD-mangled text; textual OPAQUE comes out as an equal inline string.
func TestRecordedTokensKeepBinaryOpaque(t *testing.T) {
	type wrap struct {
		XMLName xml.Name `xml:"AirSync: Add"`
		Data    recorded `xml:"AirSync: ApplicationData"`
	}
	binary := doc(0x47, 0x5D, 0x00, 0x01, 0x7C, 0xC3, 0x04, 0x00, 0xFF, 0xFE, 0x01, 0x01, 0x01, 0x01)
	textual := doc(0x47, 0x5D, 0x00, 0x01, 0x7C, 0xC3, 0x02, 'h', 'i', 0x01, 0x01, 0x01)
	for name, tc := range map[string]struct{ in, want []byte }{
		"binary":  {binary, binary},
		"textual": {textual, doc(cat([]byte{0x47, 0x5D, 0x00, 0x01, 0x7C}, str("hi"), []byte{0x01, 0x01, 0x01})...)},
	} {
		t.Run(name, func(t *testing.T) {
			var w wrap
			if err := Unmarshal(tc.in, &w); err != nil {
				t.Fatal(err)
			}
			got, err := Marshal(&w)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("got  % X\nwant % X", got, tc.want)
			}
		})
	}
}
