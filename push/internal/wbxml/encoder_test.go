package wbxml

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

func encodeTokens(toks ...xml.Token) ([]byte, error) {
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	for _, t := range toks {
		if err := e.EncodeToken(t); err != nil {
			return nil, err
		}
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func name(ns, local string) xml.Name { return xml.Name{Space: ns, Local: local} }

func start(ns, local string, attrs ...xml.Attr) xml.StartElement {
	return xml.StartElement{Name: name(ns, local), Attr: attrs}
}

func end(ns, local string) xml.EndElement { return xml.EndElement{Name: name(ns, local)} }

func TestEncodeBytes(t *testing.T) {
	tests := []struct {
		name string
		toks []xml.Token
		want []byte
	}{
		{"empty element has no content bit",
			[]xml.Token{start("AirSync:", "Sync"), start("Contacts:", "MiddleName"), end("Contacts:", "MiddleName"), end("AirSync:", "Sync")},
			doc(0x45, 0x00, 0x01, 0x2A, 0x01)},
		{"page switch only when needed",
			[]xml.Token{start("AirSync:", "Sync"), start("Contacts:", "FirstName"), xml.CharData("a"), end("Contacts:", "FirstName"),
				start("Contacts:", "LastName"), xml.CharData("b"), end("Contacts:", "LastName"),
				start("AirSync:", "Status"), xml.CharData("1"), end("AirSync:", "Status"), end("AirSync:", "Sync")},
			doc(cat([]byte{0x45, 0x00, 0x01, 0x5F}, str("a"), []byte{0x01, 0x69}, str("b"), []byte{0x01, 0x00, 0x00, 0x4E}, str("1"), []byte{0x01, 0x01})...)},
		{"xmlns and other attributes dropped",
			[]xml.Token{start("FolderHierarchy:", "FolderSync", xml.Attr{Name: name("", "xmlns"), Value: "FolderHierarchy:"}, xml.Attr{Name: name("", "x"), Value: "y"}),
				start("FolderHierarchy:", "SyncKey"), xml.CharData("0"), end("FolderHierarchy:", "SyncKey"), end("FolderHierarchy:", "FolderSync")},
			doc(cat([]byte{0x00, 0x07, 0x56, 0x52}, str("0"), []byte{0x01, 0x01})...)},
		{"opaque",
			[]xml.Token{start("AirSync:", "Sync"), start("Contacts:", "Picture", xml.Attr{Name: OpaqueAttr, Value: "base64"}), xml.CharData("AP8Q"), end("Contacts:", "Picture"), end("AirSync:", "Sync")},
			doc(0x45, 0x00, 0x01, 0x7C, 0xC3, 0x03, 0x00, 0xFF, 0x10, 0x01, 0x01)},
		{"empty opaque is an empty element",
			[]xml.Token{start("AirSync:", "Sync"), start("Contacts:", "Picture", xml.Attr{Name: OpaqueAttr, Value: "base64"}), end("Contacts:", "Picture"), end("AirSync:", "Sync")},
			doc(0x45, 0x00, 0x01, 0x3C, 0x01)},
		{"bare namespace and libwbxml spelling",
			[]xml.Token{start("AirSync", "Sync"), start("Calendar:", "DTStamp"), xml.CharData("x"), end("Calendar:", "DTStamp"), end("AirSync", "Sync")},
			doc(cat([]byte{0x45, 0x00, 0x04, 0x51}, str("x"), []byte{0x01, 0x01})...)},
		{"no namespace inherits the parent's",
			[]xml.Token{start("Ping:", "Ping"), start("", "HeartbeatInterval"), xml.CharData("60"), end("", "HeartbeatInterval"), end("Ping:", "Ping")},
			doc(cat([]byte{0x00, 0x0D, 0x45, 0x48}, str("60"), []byte{0x01, 0x01})...)},
		{"no namespace takes the first child's when the name is there",
			[]xml.Token{start("AirSync:", "ApplicationData"), start("", "Categories"), start("Contacts:", "Category"), xml.CharData("x"),
				end("Contacts:", "Category"), end("", "Categories"), end("AirSync:", "ApplicationData")},
			doc(cat([]byte{0x5D, 0x00, 0x01, 0x55, 0x56}, str("x"), []byte{0x01, 0x01, 0x01})...)},
		{"comments and processing instructions ignored",
			[]xml.Token{xml.ProcInst{Target: "xml"}, xml.Comment("c"), start("AirSync:", "Sync"), xml.Comment("c"), end("AirSync:", "Sync"), xml.CharData("\n")},
			doc(0x05)},
		{"unassigned token name round-trips",
			[]xml.Token{start("AirSync:", "Sync"), start("AirSync:", "Unknown0x3F"), end("AirSync:", "Unknown0x3F"), end("AirSync:", "Sync")},
			doc(0x45, 0x3F, 0x01)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := encodeTokens(tt.toks...)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got  % X\nwant % X", got, tt.want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		toks []xml.Token
		msg  string
	}{
		{"unknown namespace", []xml.Token{start("DAV:", "prop")}, `unknown namespace "DAV:"`},
		{"unknown tag", []xml.Token{start("AirSync:", "Bogus")}, `no tag "Bogus" in code page AirSync:`},
		{"root without namespace", []xml.Token{start("", "Sync"), end("", "Sync")}, "root element has no namespace"},
		{"mismatched end", []xml.Token{start("AirSync:", "Sync"), end("AirSync:", "Add")}, "</Add> closes <Sync>"},
		{"end without start", []xml.Token{end("AirSync:", "Sync")}, "without an open element"},
		{"NUL in text", []xml.Token{start("AirSync:", "Sync"), xml.CharData("a\x00b")}, "NUL"},
		{"text outside root", []xml.Token{xml.CharData("x")}, "outside the root element"},
		{"second root", []xml.Token{start("AirSync:", "Sync"), end("AirSync:", "Sync"), start("AirSync:", "Sync")}, "second root"},
		{"unclosed", []xml.Token{start("AirSync:", "Sync")}, "<Sync> not closed"},
		{"empty document", nil, "empty document"},
		{"bad base64", []xml.Token{start("AirSync:", "Sync", xml.Attr{Name: OpaqueAttr, Value: "base64"}), xml.CharData("!!"), end("AirSync:", "Sync")}, "opaque data"},
		{"child of opaque", []xml.Token{start("AirSync:", "Sync", xml.Attr{Name: OpaqueAttr, Value: "base64"}), start("AirSync:", "Add")}, "inside an opaque element"},
		{"unsupported token", []xml.Token{"text"}, "unsupported token type string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := encodeTokens(tt.toks...)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

// TestEncodeSpecExample checks FromXML against the byte-by-byte example of
// a Sync response in [MS-ASWBXML] section 3.1 (its first bytes are quoted
// there; the rest follows from the same rules).
func TestEncodeSpecExample(t *testing.T) {
	const in = `<?xml version="1.0" encoding="utf-8"?>
<Sync xmlns="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:contacts="Contacts">
  <Collections><Collection>
    <Class>Contacts</Class><SyncKey>2</SyncKey><CollectionId>2</CollectionId><Status>1</Status>
    <Commands><Add><ServerId>2:1</ServerId><ApplicationData>
      <airsyncbase:Body><airsyncbase:Type>1</airsyncbase:Type>
        <airsyncbase:EstimatedDataSize>0</airsyncbase:EstimatedDataSize>
        <airsyncbase:Truncated>1</airsyncbase:Truncated></airsyncbase:Body>
      <contacts:FileAs>Funk, Don</contacts:FileAs>
      <contacts:FirstName>Don</contacts:FirstName>
      <contacts:LastName>Funk</contacts:LastName>
      <airsyncbase:NativeBodyType>1</airsyncbase:NativeBodyType>
    </ApplicationData></Add></Commands>
  </Collection></Collections>
</Sync>`
	// From the specification's example, as far as it is quoted.
	specPrefix := []byte{0x03, 0x01, 0x6A, 0x00, 0x45, 0x5C, 0x4F, 0x50, 0x03, 0x43, 0x6F, 0x6E, 0x74, 0x61, 0x63, 0x74,
		0x73, 0x00, 0x01, 0x4B, 0x03, 0x32, 0x00, 0x01, 0x52, 0x03, 0x32, 0x00, 0x01, 0x4E, 0x03, 0x31, 0x00, 0x01, 0x56,
		0x47, 0x4D, 0x03, 0x32, 0x3A, 0x31, 0x00, 0x01, 0x5D, 0x00, 0x11, 0x4A, 0x46, 0x03, 0x31, 0x00, 0x01, 0x4C, 0x03,
		0x30, 0x00, 0x01, 0x4D, 0x03, 0x31, 0x00, 0x01, 0x01, 0x00, 0x01, 0x5E, 0x03, 0x46, 0x75, 0x6E, 0x6B}
	rest := cat([]byte(", Don\x00"), []byte{0x01, 0x5F}, str("Don"), []byte{0x01, 0x69}, str("Funk"),
		[]byte{0x01, 0x00, 0x11, 0x56}, str("1"), []byte{0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01})
	got, err := FromXML([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := cat(specPrefix, rest); !bytes.Equal(got, want) {
		t.Errorf("got  % X\nwant % X", got, want)
	}
}

// TestXMLTextRoundTrip: ToXML then FromXML reproduces the WBXML bytes,
// OPAQUE included, for our own encoder's output.
func TestXMLTextRoundTrip(t *testing.T) {
	for _, f := range samples(t) {
		text := readFile(t, f)
		b, err := FromXML(text)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		x, err := ToXML(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		back, err := FromXML(x)
		if err != nil {
			t.Fatalf("%s: FromXML(ToXML): %v\n%s", f, err, x)
		}
		if !bytes.Equal(b, back) {
			t.Errorf("%s: FromXML(ToXML(b)) != b\n%s", f, x)
		}
	}
	withOpaque := doc(0x45, 0x00, 0x01, 0x7C, 0xC3, 0x03, 0x00, 0xFF, 0x10, 0x01, 0x01)
	x, err := ToXML(withOpaque)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(x, []byte(`wbxml:opaque="base64">AP8Q</Picture>`)) {
		t.Errorf("opaque not printed as marked base64:\n%s", x)
	}
	back, err := FromXML(x)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, withOpaque) {
		t.Errorf("opaque round trip: got % X", back)
	}
}

func TestToXMLShape(t *testing.T) {
	b := doc(cat([]byte{0x45, 0x4B}, str("a<&>"), []byte{0x01, 0x00, 0x01, 0x2A, 0x01})...)
	got, err := ToXML(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="utf-8"?>
<Sync xmlns="AirSync:">
  <SyncKey>a&lt;&amp;&gt;</SyncKey>
  <MiddleName xmlns="Contacts:"/>
</Sync>
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := ToXML(doc(0x45)); err == nil {
		t.Error("ToXML accepted a truncated document")
	}
}
