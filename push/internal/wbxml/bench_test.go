package wbxml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

type benchBody struct {
	Type              int    `xml:"AirSyncBase: Type"`
	EstimatedDataSize int    `xml:"AirSyncBase: EstimatedDataSize"`
	Data              string `xml:"AirSyncBase: Data"`
}

type benchContact struct {
	FileAs               string    `xml:"Contacts: FileAs,omitempty"`
	FirstName            string    `xml:"Contacts: FirstName,omitempty"`
	MiddleName           *string   `xml:"Contacts: MiddleName"`
	LastName             string    `xml:"Contacts: LastName,omitempty"`
	Title                string    `xml:"Contacts: Title,omitempty"`
	Suffix               *string   `xml:"Contacts: Suffix"`
	CompanyName          string    `xml:"Contacts: CompanyName,omitempty"`
	Department           string    `xml:"Contacts: Department,omitempty"`
	JobTitle             string    `xml:"Contacts: JobTitle,omitempty"`
	Email1Address        string    `xml:"Contacts: Email1Address,omitempty"`
	Email2Address        string    `xml:"Contacts: Email2Address,omitempty"`
	MobilePhoneNumber    string    `xml:"Contacts: MobilePhoneNumber,omitempty"`
	BusinessPhoneNumber  string    `xml:"Contacts: BusinessPhoneNumber,omitempty"`
	HomePhoneNumber      string    `xml:"Contacts: HomePhoneNumber,omitempty"`
	BusinessAddressCity  string    `xml:"Contacts: BusinessAddressCity,omitempty"`
	BusinessAddressStrt  string    `xml:"Contacts: BusinessAddressStreet,omitempty"`
	BusinessAddressPCode string    `xml:"Contacts: BusinessAddressPostalCode,omitempty"`
	HomeAddressCity      string    `xml:"Contacts: HomeAddressCity,omitempty"`
	Birthday             string    `xml:"Contacts: Birthday,omitempty"`
	WebPage              string    `xml:"Contacts: WebPage,omitempty"`
	Categories           []string  `xml:"Contacts: Categories>Category"`
	NickName             string    `xml:"Contacts2: NickName,omitempty"`
	IMAddress            string    `xml:"Contacts2: IMAddress,omitempty"`
	Body                 benchBody `xml:"AirSyncBase: Body"`
}

type benchAdd struct {
	ServerID        string       `xml:"AirSync: ServerId"`
	ApplicationData benchContact `xml:"AirSync: ApplicationData"`
}

type benchCollection struct {
	Class         string     `xml:"AirSync: Class"`
	SyncKey       string     `xml:"AirSync: SyncKey"`
	CollectionID  string     `xml:"AirSync: CollectionId"`
	Status        int        `xml:"AirSync: Status"`
	MoreAvailable *string    `xml:"AirSync: MoreAvailable"`
	Adds          []benchAdd `xml:"AirSync: Commands>Add"`
}

type benchSync struct {
	XMLName     xml.Name          `xml:"AirSync: Sync"`
	Collections []benchCollection `xml:"AirSync: Collections>Collection"`
}

// sync500Contacts builds a realistic Sync response: one contacts
// collection adding 500 contacts of ~20 fields and a plain-text body.
func sync500Contacts() *benchSync {
	empty := ""
	col := benchCollection{Class: "Contacts", SyncKey: "1795633097", CollectionID: "vcard%2Fpersonal", Status: 1, MoreAvailable: &empty}
	for i := range 500 {
		first, last := fmt.Sprintf("Given%03d", i), fmt.Sprintf("Family-Ñame%03d", i)
		note := strings.Repeat(fmt.Sprintf("Met %s at the conference; follow up about the Q%d order. ", first, i%4+1), 3)
		col.Adds = append(col.Adds, benchAdd{
			ServerID: fmt.Sprintf("%08x-1c2d-4e5f-8a9b-%012x.vcf", i, i*7919),
			ApplicationData: benchContact{
				FileAs: last + ", " + first, FirstName: first, MiddleName: &empty, LastName: last, Title: "Dr.", Suffix: &empty,
				CompanyName: "Example Trading GmbH", Department: "Procurement", JobTitle: "Buyer",
				Email1Address: strings.ToLower(first) + "@example.test", Email2Address: strings.ToLower(last) + "@home.example",
				MobilePhoneNumber: fmt.Sprintf("+41 79 %03d %02d %02d", i, i%100, i%89), BusinessPhoneNumber: "+41 44 000 00 00",
				HomePhoneNumber: fmt.Sprintf("+41 44 %03d 11 22", i), BusinessAddressCity: "Zürich", BusinessAddressStrt: "Bahnhofstrasse 1",
				BusinessAddressPCode: "8001", HomeAddressCity: "Winterthur", Birthday: "1980-04-01T00:00:00.000Z",
				WebPage: "https://example.test/~" + strings.ToLower(first), Categories: []string{"Business", "Suppliers"},
				NickName: fmt.Sprintf("g%d", i), IMAddress: "xmpp:" + strings.ToLower(first) + "@chat.example",
				Body: benchBody{Type: 1, EstimatedDataSize: len(note), Data: note},
			},
		})
	}
	return &benchSync{Collections: []benchCollection{col}}
}

func benchDoc(b *testing.B) ([]byte, *benchSync) {
	b.Helper()
	v := sync500Contacts()
	data, err := Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return data, v
}

func BenchmarkDecodeSync500Contacts(b *testing.B) {
	data, _ := benchDoc(b)
	b.Run("tokens", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		r := bytes.NewReader(data)
		for b.Loop() {
			r.Reset(data)
			d := NewDecoder(r, DefaultLimits)
			for {
				_, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v benchSync
			if err := Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
			if len(v.Collections[0].Adds) != 500 {
				b.Fatalf("decoded %d adds", len(v.Collections[0].Adds))
			}
		}
	})
}

func BenchmarkEncodeSync500Contacts(b *testing.B) {
	data, v := benchDoc(b)
	toks, err := readTokens(data)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("tokens", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var out bytes.Buffer
		for b.Loop() {
			out.Reset()
			e := NewEncoder(&out)
			for _, t := range toks {
				if err := e.EncodeToken(t); err != nil {
					b.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				b.Fatal(err)
			}
		}
		if !bytes.Equal(out.Bytes(), data) {
			b.Fatal("token re-encoding differs from Marshal output")
		}
	})
	b.Run("marshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// readTokens decodes a document into copied tokens.
func readTokens(data []byte) ([]xml.Token, error) {
	d := NewDecoder(bytes.NewReader(data), DefaultLimits)
	var toks []xml.Token
	for {
		t, err := d.Token()
		if err == io.EOF {
			return toks, nil
		}
		if err != nil {
			return nil, err
		}
		toks = append(toks, xml.CopyToken(t))
	}
}

// TestBenchDocumentRoundTrips keeps the benchmark document honest: it is
// decoded back into the same structs.
func TestBenchDocumentRoundTrips(t *testing.T) {
	v := sync500Contacts()
	data, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out benchSync
	if err := Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	a, _ := Marshal(&out)
	if !bytes.Equal(a, data) {
		t.Error("benchmark document does not round-trip")
	}
}
