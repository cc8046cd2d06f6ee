package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/formats/vcard"
)

func TestCSVCorpus(t *testing.T) {
	v, _ := corpusVdir(t, "vcard", ".vcf")
	var vcf, out bytes.Buffer
	if _, err := Contacts(bg, &vcf, []store.Store{v}, VCard4, Options{}); err != nil {
		t.Fatal(err)
	}
	cards, _, err := vcard.Read(&vcf, "vcf")
	if err != nil {
		t.Fatal(err)
	}
	st, err := Contacts(bg, &out, []store.Store{v}, CSV, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(out.Bytes(), []byte("\uFEFF")) {
		t.Error("BOM written without Options.BOM")
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	if len(rows)-1 != len(cards) || st.Items != len(cards) {
		t.Fatalf("%d rows and Items %d for %d contacts", len(rows)-1, st.Items, len(cards))
	}
	header := rows[0]
	maxEmail, maxTel := 0, 0
	for i := range cards {
		maxEmail = max(maxEmail, len(cards[i].All("EMAIL")))
		maxTel = max(maxTel, len(cards[i].All("TEL")))
	}
	if maxEmail < 2 || maxTel < 2 {
		t.Fatalf("corpus lost its multi-email/phone cards (%d, %d)", maxEmail, maxTel)
	}
	for _, h := range []string{"Name", "Given Name", "Family Name", "Birthday", "Notes", "Group Membership",
		fmt.Sprintf("E-mail %d - Value", maxEmail), fmt.Sprintf("Phone %d - Type", maxTel),
		"Address 1 - Street", "Organization 1 - Name", "Website 1 - Value"} {
		if !slices.Contains(header, h) {
			t.Errorf("header lacks %q", h)
		}
	}
	for _, h := range []string{fmt.Sprintf("E-mail %d - Value", maxEmail+1), fmt.Sprintf("Phone %d - Value", maxTel+1)} {
		if slices.Contains(header, h) {
			t.Errorf("header has %q beyond what any card needs", h)
		}
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	// Rows are in the same order as the vCard export: compare cell by
	// cell with the card each row stands for.
	for i, r := range rows[1:] {
		c := &cards[i]
		if len(r) != len(header) {
			t.Fatalf("row %d has %d cells, header %d", i, len(r), len(header))
		}
		if r[col["Name"]] != displayName(c) {
			t.Errorf("row %d Name %q, want %q", i, r[col["Name"]], displayName(c))
		}
		for k, e := range c.All("EMAIL") {
			if got := r[col[fmt.Sprintf("E-mail %d - Value", k+1)]]; got != strings.TrimSpace(e.Text()) {
				t.Errorf("row %d e-mail %d = %q, want %q", i, k+1, got, e.Text())
			}
		}
		for k, p := range c.All("TEL") {
			if got := r[col[fmt.Sprintf("Phone %d - Value", k+1)]]; got != strings.TrimSpace(strings.TrimPrefix(p.Text(), "tel:")) {
				t.Errorf("row %d phone %d = %q, want %q", i, k+1, got, p.Text())
			}
		}
		if !strings.HasPrefix(r[col["Group Membership"]], csvMyContacts) {
			t.Errorf("row %d Group Membership %q", i, r[col["Group Membership"]])
		}
	}
}

func TestCSVBOM(t *testing.T) {
	v := vdirOf(t, ".vcf", map[string]string{"a.vcf": crlf("BEGIN:VCARD\nVERSION:3.0\nFN:Zoë\nEND:VCARD\n")})
	var out bytes.Buffer
	if _, err := Contacts(bg, &out, []store.Store{v}, CSV, Options{BOM: true}); err != nil {
		t.Fatal(err)
	}
	rest, ok := bytes.CutPrefix(out.Bytes(), []byte{0xEF, 0xBB, 0xBF})
	if !ok {
		t.Fatalf("no BOM: % x", out.Bytes()[:8])
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "Zoë" {
		t.Fatalf("rows %q, err %v", rows, err)
	}
	if !bytes.HasSuffix(out.Bytes(), []byte("\r\n")) {
		t.Error("rows not CRLF-terminated")
	}
}

func TestCSVRow(t *testing.T) {
	tests := []struct {
		name string
		card string
		want map[string]string // column → cell; unlisted columns are not checked
	}{{
		name: "names and quoting",
		card: "N:Müller;Anna;Maria;Dr.;PhD\nFN:Dr. Anna Maria Müller\\, PhD\nNOTE:line one\\nline \"two\"\\, with comma\nNICKNAME:Annie,AM\nCATEGORIES:Friends,Work",
		want: map[string]string{
			"Name": "Dr. Anna Maria Müller, PhD", "Given Name": "Anna", "Additional Name": "Maria",
			"Family Name": "Müller", "Name Prefix": "Dr.", "Name Suffix": "PhD",
			"Notes": "line one\nline \"two\", with comma", "Nickname": "Annie ::: AM",
			"Group Membership": "* myContacts ::: Friends ::: Work",
		},
	}, {
		name: "typed and preferred values",
		card: "FN:T\nEMAIL;TYPE=INTERNET,WORK:w@example.com\nEMAIL;TYPE=HOME,PREF:h@example.com\nTEL;TYPE=CELL:+1 555 0100\nTEL;TYPE=WORK,FAX:+1 555 0101\nTEL;VALUE=uri;PREF=1;TYPE=home:tel:+1-555-0102",
		want: map[string]string{
			"E-mail 1 - Type": "Work", "E-mail 1 - Value": "w@example.com",
			"E-mail 2 - Type": "* Home", "E-mail 2 - Value": "h@example.com",
			"Phone 1 - Type": "Mobile", "Phone 2 - Type": "Work Fax",
			"Phone 3 - Type": "* Home", "Phone 3 - Value": "+1-555-0102",
		},
	}, {
		name: "dates, address, organisation",
		card: "FN:D\nBDAY:--0415\nANNIVERSARY:20010203\nADR;TYPE=WORK:PO 7;Suite 2;1 Main St;Springfield;IL;62701;USA\nORG:Acme;R&D;Lab\nTITLE:Engineer\nROLE:Builds things\nURL;TYPE=blog:https://blog.example.com\nGENDER:F\nRELATED;TYPE=spouse:Sam",
		want: map[string]string{
			"Birthday": "--04-15", "Event 1 - Type": "Anniversary", "Event 1 - Value": "2001-02-03",
			"Address 1 - Type": "Work", "Address 1 - PO Box": "PO 7", "Address 1 - Extended Address": "Suite 2",
			"Address 1 - Street": "1 Main St", "Address 1 - City": "Springfield", "Address 1 - Region": "IL",
			"Address 1 - Postal Code": "62701", "Address 1 - Country": "USA",
			"Address 1 - Formatted": "PO 7\nSuite 2\n1 Main St\nSpringfield IL 62701\nUSA",
			"Organization 1 - Name": "Acme", "Organization 1 - Department": "R&D, Lab",
			"Organization 1 - Title": "Engineer", "Organization 1 - Job Description": "Builds things",
			"Website 1 - Type": "Blog", "Website 1 - Value": "https://blog.example.com",
			"Gender": "female", "Relation 1 - Type": "Spouse", "Relation 1 - Value": "Sam",
		},
	}, {
		name: "no FN: name derived, empty groups",
		card: "N:Doe;John;;;\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA",
		want: map[string]string{"Name": "John Doe", "Photo": "", "E-mail 1 - Value": "", "Phone 1 - Type": ""},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := crlf("BEGIN:VCARD\nVERSION:4.0\n" + tc.card + "\nEND:VCARD\n")
			cards, _, err := vcard.Read(strings.NewReader(src), "t")
			if err != nil || len(cards) != 1 {
				t.Fatalf("read: %d cards, %v", len(cards), err)
			}
			shape := minShape
			shape.fit(&cards[0])
			header := shape.header()
			row := csvRow(&cards[0], shape, nil)
			if len(row) != len(header) {
				t.Fatalf("row has %d cells, header %d", len(row), len(header))
			}
			// Through encoding/csv and back, as an importer would read it.
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			_ = w.Write(header)
			_ = w.Write(row)
			w.Flush()
			rows, err := csv.NewReader(&b).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for colName, want := range tc.want {
				i := slices.Index(rows[0], colName)
				if i < 0 {
					t.Errorf("no column %q", colName)
					continue
				}
				if got := rows[1][i]; got != want {
					t.Errorf("%s = %q, want %q", colName, got, want)
				}
			}
		})
	}
}

func TestCSVHeader(t *testing.T) {
	h := CSVHeader(2, 3)
	if h[0] != "Name" || !slices.Contains(h, "E-mail 2 - Value") || slices.Contains(h, "E-mail 3 - Value") ||
		!slices.Contains(h, "Phone 3 - Value") || slices.Contains(h, "Phone 4 - Type") {
		t.Errorf("CSVHeader(2, 3) = %q", h)
	}
}
