package wbxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

type testBody struct {
	Type              int     `xml:"AirSyncBase: Type"`
	EstimatedDataSize *int64  `xml:"AirSyncBase: EstimatedDataSize"`
	Data              *string `xml:"AirSyncBase: Data"`
}

type testContact struct {
	FirstName  *string   `xml:"Contacts: FirstName"`
	MiddleName *string   `xml:"Contacts: MiddleName"`
	LastName   *string   `xml:"Contacts: LastName"`
	Categories []string  `xml:"Contacts: Categories>Category"`
	NickName   string    `xml:"Contacts2: NickName,omitempty"`
	Picture    Opaque    `xml:"Contacts: Picture,omitempty"`
	Body       *testBody `xml:"AirSyncBase: Body"`
}

type testAdd struct {
	ClientID        string      `xml:"AirSync: ClientId,omitempty"`
	ServerID        string      `xml:"AirSync: ServerId,omitempty"`
	ApplicationData testContact `xml:"AirSync: ApplicationData"`
}

type testCollection struct {
	Class        string    `xml:"AirSync: Class,omitempty"`
	SyncKey      string    `xml:"AirSync: SyncKey"`
	CollectionID string    `xml:"AirSync: CollectionId"`
	Status       int       `xml:"AirSync: Status,omitempty"`
	Adds         []testAdd `xml:"AirSync: Commands>Add"`
}

type testSync struct {
	XMLName     xml.Name         `xml:"AirSync: Sync"`
	Collections []testCollection `xml:"AirSync: Collections>Collection"`
}

func ptr[T any](v T) *T { return &v }

func TestMarshalRoundTrip(t *testing.T) {
	in := testSync{Collections: []testCollection{{
		Class: "Contacts", SyncKey: "42", CollectionID: "vcard/personal", Status: 1,
		Adds: []testAdd{{
			ServerID: "a.vcf",
			ApplicationData: testContact{
				FirstName:  ptr("Zoë"),
				MiddleName: ptr(""),
				Categories: []string{"Friends", "Work & Play <3>"},
				NickName:   "zo",
				Picture:    Opaque{0x00, 0xFF, 0x10, 0x03, 0x01},
				Body:       &testBody{Type: 1, EstimatedDataSize: ptr[int64](5), Data: ptr("line1\r\nline2")},
			},
		}},
	}}}
	b, err := Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0x03, 0x01, 0x6A, 0x00}) {
		t.Fatalf("header = % X", b[:4])
	}
	var out testSync
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	out.XMLName = xml.Name{}
	if !reflect.DeepEqual(in, out) {
		x, _ := ToXML(b)
		t.Fatalf("round trip mismatch\n in: %+v\nout: %+v\n%s", in, out, x)
	}
	if out.Collections[0].Adds[0].ApplicationData.LastName != nil {
		t.Error("absent LastName decoded as present")
	}
	if m := out.Collections[0].Adds[0].ApplicationData.MiddleName; m == nil || *m != "" {
		t.Errorf("empty MiddleName decoded as %v", m)
	}
}

type folderSyncRequest struct {
	XMLName xml.Name `xml:"FolderHierarchy: FolderSync"`
	SyncKey string   `xml:"FolderHierarchy: SyncKey"`
}

// TestMarshalExactBytes pins the bytes of the simplest EAS request; it also
// proves that no xmlns attribute (attribute bit 0x80) leaks into WBXML.
func TestMarshalExactBytes(t *testing.T) {
	b, err := Marshal(&folderSyncRequest{SyncKey: "0"})
	if err != nil {
		t.Fatal(err)
	}
	want := doc(0x00, 0x07, 0x56, 0x52, 0x03, '0', 0x00, 0x01, 0x01)
	if !bytes.Equal(b, want) {
		t.Errorf("got  % X\nwant % X", b, want)
	}
}

// yesNo is a TextMarshaler like schema.Bool.
type yesNo bool

func (b yesNo) MarshalText() ([]byte, error) {
	if b {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}

func (b *yesNo) UnmarshalText(p []byte) error {
	*b = len(p) == 0 || string(p) == "1"
	return nil
}

// upper is an xml.Marshaler/Unmarshaler that changes the text on the way.
type upper string

func (u upper) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(strings.ToUpper(string(u)), start)
}

func (u *upper) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var s string
	if err := d.DecodeElement(&s, &start); err != nil {
		return err
	}
	*u = upper(strings.ToLower(s))
	return nil
}

type anyElem struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
}

type kitchenSink struct {
	XMLName   xml.Name  `xml:"Settings: Settings"`
	Status    *int      `xml:"Settings: Status"`
	Enabled   yesNo     `xml:"Settings: Enabled"`
	Model     upper     `xml:"Settings: DeviceInformation>Set>Model"`
	Addresses []string  `xml:"Settings: UserInformation>Get>EmailAddresses>SMTPAddress"`
	Password  *string   `xml:"Settings: DevicePassword>Password,omitempty"`
	Blob      Opaque    `xml:"AirSyncBase: Data,omitempty"`
	Rest      []anyElem `xml:",any"`
}

func TestMarshalKitchenSink(t *testing.T) {
	in := kitchenSink{
		Status:    ptr(1),
		Enabled:   true,
		Model:     "cradle",
		Addresses: []string{"a@example.test", "b@example.test"},
		Blob:      Opaque("\x00\x01binary\xff"),
		Rest:      []anyElem{{XMLName: xml.Name{Space: "Settings:", Local: "OS"}, Text: "linux"}},
	}
	b, err := Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	x, err := ToXML(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<Model>CRADLE</Model>", "<Enabled>1</Enabled>", "<OS>linux</OS>", `wbxml:opaque="base64"`} {
		if !bytes.Contains(x, []byte(want)) {
			t.Errorf("ToXML lacks %s:\n%s", want, x)
		}
	}
	if bytes.Contains(x, []byte("Password")) {
		t.Errorf("nil omitempty pointer written:\n%s", x)
	}
	var out kitchenSink
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	out.XMLName, in.XMLName = xml.Name{}, xml.Name{}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip\n in: %+v\nout: %+v", in, out)
	}
}

// TestUnmarshalSkipsUnknown: elements without a field, from any page or an
// unassigned token, are skipped as encoding/xml does.
func TestUnmarshalSkipsUnknown(t *testing.T) {
	b := doc(cat(
		[]byte{0x00, 0x07, 0x56},             // FolderSync, content
		[]byte{0x4C}, str("1"), []byte{0x01}, // Status (no field)
		[]byte{0x7F, 0x45}, str("x"), []byte{0x01, 0x01}, // unassigned 0x3F with a child
		[]byte{0x00, 0x11, 0x4A, 0x46}, str("1"), []byte{0x01, 0x01}, // AirSyncBase Body>Type
		[]byte{0x00, 0x07, 0x52}, str("9"), []byte{0x01}, // SyncKey
		[]byte{0x01})...)
	var out folderSyncRequest
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.SyncKey != "9" {
		t.Errorf("SyncKey = %q", out.SyncKey)
	}
}

func TestOpaqueFromInlineString(t *testing.T) {
	var v struct {
		XMLName xml.Name `xml:"AirSync: ApplicationData"`
		Picture Opaque   `xml:"Contacts: Picture"`
	}
	b := doc(cat([]byte{0x5D, 0x00, 0x01, 0x7C}, str("abc"), []byte{0x01, 0x01})...)
	if err := Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if string(v.Picture) != "abc" {
		t.Errorf("Picture = %q", v.Picture)
	}
	b = doc(0x5D, 0x00, 0x01, 0x3C, 0x01)
	v.Picture = nil
	if err := Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Picture == nil || len(v.Picture) != 0 {
		t.Errorf("empty Picture = %#v, want empty non-nil", v.Picture)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	var v folderSyncRequest
	err := Unmarshal(doc(0x00, 0x07, 0x56, 0x52, 0x03, 'x'), &v)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("truncated input: got %T %v, want *SyntaxError", err, err)
	}
	err = UnmarshalLimits(doc(0x00, 0x07, 0x56, 0x52, 0x03, 'x', 'y', 0x00, 0x01, 0x01), &v, Limits{MaxStringLen: 1})
	if !errors.Is(err, ErrLimit) {
		t.Errorf("limit: got %v", err)
	}
	var n struct {
		XMLName xml.Name `xml:"FolderHierarchy: FolderSync"`
		Count   int      `xml:"FolderHierarchy: SyncKey"`
	}
	err = Unmarshal(doc(0x00, 0x07, 0x56, 0x52, 0x03, 'x', 0x00, 0x01, 0x01), &n)
	if err == nil || !strings.HasPrefix(err.Error(), "wbxml: unmarshal:") {
		t.Errorf("type error: got %v", err)
	}
	if _, err := Marshal(struct {
		XMLName xml.Name `xml:"DAV: prop"`
	}{}); err == nil {
		t.Error("Marshal accepted a non-ActiveSync namespace")
	}
}

// TestNewXMLDecoderStream decodes element by element from a stream, the
// way a caller can walk a large Sync response without one big struct.
func TestNewXMLDecoderStream(t *testing.T) {
	data, err := Marshal(&testSync{Collections: []testCollection{{SyncKey: "1", CollectionID: "a"}, {SyncKey: "2", CollectionID: "b"}}})
	if err != nil {
		t.Fatal(err)
	}
	d := NewXMLDecoder(io.MultiReader(bytes.NewReader(data)), DefaultLimits)
	var ids []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Collection" {
			var c testCollection
			if err := d.DecodeElement(&c, &se); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.SyncKey+c.CollectionID)
		}
	}
	if strings.Join(ids, ",") != "1a,2b" {
		t.Errorf("collections %v", ids)
	}
}
