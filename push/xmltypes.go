package push

import (
	"encoding/xml"
	"strings"
)

// Bool is an ActiveSync boolean written as 1 or 0. When reading, an empty
// element counts as true, as several servers send <GetChanges/>.
type Bool bool

// MarshalText writes 1 or 0.
func (b Bool) MarshalText() ([]byte, error) {
	if b {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}

// UnmarshalText reads 1, 0, true, false or empty (true).
func (b *Bool) UnmarshalText(p []byte) error {
	switch strings.TrimSpace(string(p)) {
	case "0", "false", "FALSE", "False":
		*b = false
	default:
		*b = true
	}
	return nil
}

// BoolPtr returns a pointer to b, for optional Bool fields.
func BoolPtr(b bool) *Bool { v := Bool(b); return &v }

// Flag is an element whose presence means true, such as <MoreAvailable/>.
// Use it with omitempty: false is written as an absent element, true as an
// empty one. A present element with content "0" reads as false.
type Flag bool

// MarshalXML writes an empty element when f is true.
func (f Flag) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if !f {
		return nil
	}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// UnmarshalXML sets f to true unless the element's text is "0".
func (f *Flag) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var s string
	if err := d.DecodeElement(&s, &start); err != nil {
		return err
	}
	*f = strings.TrimSpace(s) != "0"
	return nil
}
