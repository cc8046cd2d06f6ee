package contact

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/push/schema"
)

func card(t *testing.T, src string) *vcard.Card {
	t.Helper()
	cards, warns, err := vcard.Read(strings.NewReader(src), "test.vcf")
	if err != nil || len(cards) != 1 {
		t.Fatalf("read: %d cards, %v", len(cards), err)
	}
	if len(warns) > 0 {
		t.Fatalf("warnings: %v", warns)
	}
	return &cards[0]
}

func vc(version string, lines ...string) string {
	return "BEGIN:VCARD\r\nVERSION:" + version + "\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCARD\r\n"
}

func TestBirthdays(t *testing.T) {
	tests := []struct {
		name, version, line string
		wantEAS             string
		wantBack            string // BDAY value after FromEAS onto an empty card
	}{
		{"4.0 without year", "4.0", "BDAY:--0203", "1604-02-03T11:59:00.000Z", "--0203"},
		{"Apple omit-year", "3.0", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-03", "1604-02-03T11:59:00.000Z", "--0203"},
		{"iOS 1604 without parameter", "3.0", "BDAY:1604-02-03", "1604-02-03T11:59:00.000Z", "--0203"},
		{"29 February without year", "4.0", "BDAY:--0229", "1604-02-29T11:59:00.000Z", "--0229"},
		{"29 February 2000", "4.0", "BDAY:20000229", "2000-02-29T11:59:00.000Z", "2000-02-29"},
		{"with time", "3.0", "BDAY:1985-01-28T00:00:00Z", "1985-01-28T11:59:00.000Z", "1985-01-28"},
		{"2.1 basic", "2.1", "BDAY:19800321", "1980-03-21T11:59:00.000Z", "1980-03-21"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := ToEAS(card(t, vc(tt.version, "FN:A", tt.line)), Options{})
			if got := deref(c.Birthday); got != tt.wantEAS {
				t.Fatalf("Birthday = %q, want %q", got, tt.wantEAS)
			}
			back, _ := FromEAS(c, nil)
			if b := back.Get("BDAY"); b == nil || b.Value != tt.wantBack {
				t.Fatalf("BDAY after FromEAS = %+v, want %q", b, tt.wantBack)
			}
		})
	}
}

func TestBirthdayYearlessKeepsLocalForm(t *testing.T) {
	base := card(t, vc("3.0", "FN:A", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-03"))
	c, _ := ToEAS(base, Options{})
	c.Birthday = strp("1604-02-29T11:59:00.000Z") // the phone moved it to 29 Feb
	out, _ := FromEAS(c, base)
	b := out.Get("BDAY")
	if b.Value != "1604-02-29" || strings.Join(b.Param("X-APPLE-OMIT-YEAR"), "") != "1604" {
		t.Errorf("BDAY = %+v, want Apple form 1604-02-29", b)
	}
	var buf bytes.Buffer
	fresh, _ := FromEAS(c, nil)
	if err := vcard.Write(&buf, fresh, vcard.V30); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29\r\n") {
		t.Errorf("3.0 output:\n%s", buf.String())
	}
}

// TestEASDateNoDayShift reads the encodings servers use for one calendar
// day; all must give 14 May 1980.
func TestEASDateNoDayShift(t *testing.T) {
	for _, s := range []string{
		"1980-05-14T11:59:00.000Z", // Exchange / Cradle
		"1980-05-14T12:00:00.000Z", // noon convention
		"1980-05-13T22:00:00.000Z", // local midnight, UTC+2
		"1980-05-13T15:00:00Z",     // local midnight, UTC+9
		"1980-05-14T04:00:00Z",     // local midnight, UTC-4
		"1980-05-14T00:00:00Z",     // UTC midnight
		"1980-05-14",
	} {
		d, ok := parseEASDate(s)
		if !ok || d != (vcard.Date{Year: 1980, Month: 5, Day: 14}) {
			t.Errorf("parseEASDate(%q) = %v, %v", s, d, ok)
		}
	}
	for _, s := range []string{"yesterday", "4501-01-01T00:00:00.000Z"} {
		if d, ok := parseEASDate(s); ok {
			t.Errorf("parseEASDate(%q) = %v, want no date", s, d)
		}
	}
	// Outlook's "None" date removes the local birthday instead of setting
	// it to the year 4501.
	base := card(t, vc("3.0", "FN:A", "BDAY:1980-05-14"))
	c, _ := ToEAS(base, Options{})
	c.Birthday = strp("4501-01-01T00:00:00.000Z")
	if out, _ := FromEAS(c, base); out.Get("BDAY") != nil {
		t.Errorf("BDAY = %+v after Outlook's None date", out.Get("BDAY"))
	}
}

func TestAddressWithoutCountry(t *testing.T) {
	tests := []struct {
		name, src                            string
		street, city, state, postal, country string
		prefix                               string
	}{
		{"German 2.1", vc("2.1", "N:Branntwein;Franz", "ADR;HOME;CHARSET=UTF-8:;;Medizinstraße 4711;Köln;;50441;"), "Medizinstraße 4711", "Köln", "", "50441", "", "Home"},
		{"Japanese 4.0", vc("4.0", "FN:安藤", "ADR;TYPE=work:;;桜丘町26-1;渋谷区;東京都;150-8512;"), "桜丘町26-1", "渋谷区", "東京都", "150-8512", "", "Business"},
		{"country kept as written", vc("3.0", "FN:X", "ADR:;Suite 5;1 Rue;Paris;;75001;France"), "1 Rue\nSuite 5", "Paris", "", "75001", "France", "Other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := card(t, tt.src)
			c, _ := ToEAS(base, Options{})
			got := []*string{*field(c, tt.prefix+"AddressStreet"), *field(c, tt.prefix+"AddressCity"), *field(c, tt.prefix+"AddressState"), *field(c, tt.prefix+"AddressPostalCode"), *field(c, tt.prefix+"AddressCountry")}
			want := []string{tt.street, tt.city, tt.state, tt.postal, tt.country}
			for i := range want {
				if want[i] == "" && got[i] != nil {
					t.Errorf("field %d = %q, want absent (never invent a value)", i, *got[i])
				}
				if want[i] != "" && deref(got[i]) != want[i] {
					t.Errorf("field %d = %q, want %q", i, deref(got[i]), want[i])
				}
			}
			fresh, _ := FromEAS(c, nil)
			adr := fresh.Get("ADR")
			if comps := adr.Components(); len(comps) != 7 || comps[6] != tt.country || comps[3] != tt.city {
				t.Errorf("ADR on a new card = %q", comps)
			}
			// The server echoing an empty country must not add one either.
			*field(c, tt.prefix+"AddressCountry") = strp("")
			merged, _ := FromEAS(c, base)
			if tt.country == "" && !reflect.DeepEqual(merged.Props, base.Props) {
				t.Errorf("merge changed the card: %+v", merged.Props)
			}
		})
	}
}

func TestLongNoteIntact(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 20<<10; i++ {
		b.WriteString("Zeile ")
		b.WriteString(strings.Repeat("äöü東京; x, y\\z ", 3))
		b.WriteString("\n")
	}
	note := b.String()
	base := &vcard.Card{Props: []vcard.Property{{Name: "FN", Value: "A"}, {Name: "NOTE", Value: vcard.Escape(note)}}}
	c, _ := ToEAS(base, Options{})
	if c.Body == nil || deref(c.Body.Data) != note || c.Body.Type != schema.BodyPlain {
		t.Fatalf("Body carries %d of %d bytes", len(deref(c.Body.Data)), len(note))
	}
	// Servers return CRLF; the note is unchanged for the merge.
	c.Body.Data = strp(strings.ReplaceAll(note, "\n", "\r\n"))
	merged, rep := FromEAS(c, base)
	if !reflect.DeepEqual(merged.Props, base.Props) {
		t.Errorf("merge rewrote the note: %v", rep.Entries)
	}
	var buf bytes.Buffer
	fresh, _ := FromEAS(c, nil)
	if err := vcard.Write(&buf, fresh, vcard.V40); err != nil {
		t.Fatal(err)
	}
	cards, _, err := vcard.Read(&buf, "note.vcf")
	if err != nil || cards[0].Get("NOTE").Text() != note {
		t.Errorf("note after EAS → file → read differs (%v)", err)
	}
}

func TestSixPhonesExtraKeptLocally(t *testing.T) {
	base := card(t, vc("3.0", "FN:A",
		"TEL;TYPE=CELL:+1 1", "TEL;TYPE=CELL:+1 2", "TEL;TYPE=HOME:+1 3",
		"TEL;TYPE=HOME:+1 4", "TEL;TYPE=HOME:+1 5", "item1.TEL;TYPE=CELL:+1 6", "item1.X-ABLabel:Boat"))
	c, rep := ToEAS(base, Options{})
	if deref(c.MobilePhoneNumber) != "+1 1" || deref(c.HomePhoneNumber) != "+1 3" || deref(c.Home2PhoneNumber) != "+1 4" {
		t.Errorf("slots: mobile %q home %q home2 %q", deref(c.MobilePhoneNumber), deref(c.HomePhoneNumber), deref(c.Home2PhoneNumber))
	}
	var kept []string
	for _, e := range rep.Entries {
		if e.Name == "TEL" && e.Status == KeptLocally {
			kept = append(kept, base.Props[indexOfLine(base, e.Line)].Value)
		}
	}
	if strings.Join(kept, ",") != "+1 2,+1 5,+1 6" {
		t.Errorf("kept locally: %v", kept)
	}
	// The phone changes the mobile number; the extra numbers stay.
	c.MobilePhoneNumber = strp("+1 9")
	out, _ := FromEAS(c, base)
	var tels []string
	for _, p := range out.All("TEL") {
		tels = append(tels, p.Group+p.Value)
	}
	if strings.Join(tels, ",") != "+1 9,+1 2,+1 3,+1 4,+1 5,item1+1 6" {
		t.Errorf("TELs after merge: %v", tels)
	}
	if out.Get("X-ABLABEL") == nil {
		t.Error("group label lost")
	}
}

func indexOfLine(c *vcard.Card, line int) int {
	for i, p := range c.Props {
		if p.Line == line {
			return i
		}
	}
	return -1
}

func TestPhoneKinds(t *testing.T) {
	tests := []struct{ line, field string }{
		{"TEL;TYPE=HOME,VOICE:1", "HomePhoneNumber"},
		{"TEL;TYPE=WORK:1", "BusinessPhoneNumber"},
		{"TEL;CELL;VOICE:1", "MobilePhoneNumber"},
		{"TEL;TYPE=iPhone:1", "MobilePhoneNumber"},
		{"TEL;TYPE=CAR:1", "CarPhoneNumber"},
		{"TEL;TYPE=PAGER:1", "PagerNumber"},
		{"TEL;TYPE=X-RADIO:1", "RadioPhoneNumber"},
		{"TEL;TYPE=HOME,FAX:1", "HomeFaxNumber"},
		{"TEL;TYPE=WORK,FAX:1", "BusinessFaxNumber"},
		{"TEL;TYPE=FAX:1", "BusinessFaxNumber"},
		{"TEL;TYPE=X-ASSISTANT:1", "AssistantPhoneNumber"},
		{"TEL;TYPE=X-EVOLUTION-ASSISTANT:1", "AssistantPhoneNumber"},
		{"TEL;TYPE=X-COMPANY-MAIN:1", "CompanyMainPhone"},
		{"TEL;TYPE=MAIN:1", "CompanyMainPhone"},
		{"TEL;TYPE=X-MMS:1", "MMS"},
		{"TEL:1", "HomePhoneNumber"},
		{"TEL;VALUE=uri;TYPE=work:tel:+1-555", "BusinessPhoneNumber"},
		{"item1.TEL:1\r\nitem1.X-ABLabel:_$!<Mobile>!$_", "MobilePhoneNumber"},
		{"item2.TEL:1\r\nitem2.X-ABLabel:_$!<WorkFAX>!$_", "BusinessFaxNumber"},
	}
	for _, tt := range tests {
		c, _ := ToEAS(card(t, vc("3.0", "FN:A", tt.line)), Options{})
		want := "1"
		if strings.Contains(tt.line, "tel:") {
			want = "+1-555"
		}
		if got := deref(*field(c, tt.field)); got != want {
			t.Errorf("%s → %s = %q", tt.line, tt.field, got)
		}
		// And back onto an empty card it lands in the same slot.
		fresh, _ := FromEAS(c, nil)
		c2, _ := ToEAS(fresh, Options{})
		if d := diffContacts(c, c2); len(d) > 0 {
			t.Errorf("%s: slot changed on the way back: %v", tt.line, d)
		}
	}
	_, rep := ToEAS(card(t, vc("2.1", "FN:A", "TEL;MODEM:1")), Options{})
	if e := rep.Entries[1]; e.Status != KeptLocally || !strings.Contains(e.Note, "modem") {
		t.Errorf("modem: %v", e)
	}
}

func TestClearingByVersion(t *testing.T) {
	prev := card(t, vc("3.0", "FN:A", "TITLE:Boss", "NOTE:hi", "CATEGORIES:x", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/AAAA"))
	cur := card(t, vc("3.0", "FN:A"))

	c14, _ := ToEAS(cur, Options{Version: V141, Previous: prev})
	if c14.JobTitle == nil || *c14.JobTitle != "" {
		t.Errorf("14.1 JobTitle = %v, want empty element", c14.JobTitle)
	}
	if c14.Body == nil || deref(c14.Body.Data) != "" || c14.Categories == nil || len(c14.Categories.Category) != 0 {
		t.Errorf("14.1 Body %+v Categories %+v, want empty elements", c14.Body, c14.Categories)
	}
	if c14.Picture == nil || *c14.Picture != "" {
		t.Errorf("14.1 Picture = %v, want empty element", c14.Picture)
	}
	if c14.FileAs == nil || *c14.FileAs != "A" {
		t.Errorf("14.1 FileAs = %v", c14.FileAs)
	}

	c16, _ := ToEAS(cur, Options{Version: V161, Previous: prev})
	if c16.JobTitle != nil || c16.Body != nil || c16.Categories != nil {
		t.Errorf("16.1 sent %v %v %v, want omitted", c16.JobTitle, c16.Body, c16.Categories)
	}
	if c16.Picture == nil || *c16.Picture != "" {
		t.Errorf("16.1 Picture = %v, want empty element (16.x keeps an omitted photo)", c16.Picture)
	}
	// No other empty element anywhere on 16.x.
	v := reflect.ValueOf(c16).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f, ok := v.Field(i).Interface().(*string); ok && f != nil && *f == "" && v.Type().Field(i).Name != "Picture" {
			t.Errorf("16.1 empty element %s", v.Type().Field(i).Name)
		}
	}
	// Without a previous card nothing is cleared on either version.
	c, _ := ToEAS(cur, Options{Version: V141})
	if c.JobTitle != nil || c.Picture != nil {
		t.Error("14.1 cleared fields without a previous card")
	}
}

func TestMergeKeepsLocalOnlyData(t *testing.T) {
	base := card(t, vc("3.0",
		"FN:Ada Lovelace", "N:Lovelace;Ada;;;", "X-CUSTOM;X-P=q:keep me",
		"EMAIL;TYPE=work:a@x", "EMAIL:b@x", "EMAIL:c@x", "EMAIL:d@x",
		"item1.URL:http://ada.example", "item1.X-ABLabel:blog",
		"TITLE:Countess", "TEL;TYPE=CELL;X-SRC=sim:+44 1",
		"PHOTO;VALUE=uri:http://example.com/ada.jpg"))
	c, _ := ToEAS(base, Options{})
	c.FirstName = strp("Augusta Ada")
	c.MobilePhoneNumber = strp("+44 2")
	c.JobTitle = nil
	c.Email1Address = strp(`"Ada" <a@x>`) // display-name form of the same address
	c.Spouse = strp("William")
	prev, _ := ToEAS(base, Options{})
	out, rep := Options{PreviousEAS: prev}.FromEAS(c, base)

	if n := out.Get("N"); n.Value != "Lovelace;Augusta Ada;;;" {
		t.Errorf("N = %q", n.Value)
	}
	if tel := out.Get("TEL"); tel.Value != "+44 2" || strings.Join(tel.Param("X-SRC"), "") != "sim" {
		t.Errorf("TEL = %+v (parameters must survive)", tel)
	}
	if out.Get("TITLE") != nil {
		t.Error("TITLE survived though the server has none")
	}
	if e := out.Get("EMAIL"); e.Value != "a@x" {
		t.Errorf("EMAIL rewritten to %q for a display-name echo", e.Value)
	}
	for _, want := range []string{"X-CUSTOM", "X-ABLABEL", "PHOTO"} {
		if out.Get(want) == nil {
			t.Errorf("%s lost", want)
		}
	}
	if len(out.All("EMAIL")) != 4 {
		t.Errorf("emails = %d, want 4 (the fourth is kept locally)", len(out.All("EMAIL")))
	}
	if r := out.Get("RELATED"); r == nil || r.Text() != "William" || !r.HasType("spouse") {
		t.Errorf("spouse not added: %+v", r)
	}
	if base.Get("TITLE") == nil {
		t.Error("FromEAS modified its base")
	}
	var updated, removed, added int
	for _, e := range rep.Entries {
		switch e.Note {
		case noteUpdated:
			updated++
		case noteRemoved:
			removed++
		case "added from EAS":
			added++
		}
	}
	if updated != 2 || removed != 1 || added != 1 {
		t.Errorf("report: %d updated, %d removed, %d added; want 2, 1, 1\n%v", updated, removed, added, rep.Entries)
	}
}

func TestPhotoCap(t *testing.T) {
	small := "/9j/" + strings.Repeat("A", 96)
	big := "/9j/" + strings.Repeat("B", 200)
	base := card(t, vc("3.0", "FN:A", "PHOTO;ENCODING=b;TYPE=JPEG:"+big))
	opts := Options{MaxPicture: 150}
	c, rep := ToEAS(base, opts)
	if c.Picture != nil {
		t.Error("photo over the cap was sent")
	}
	if e := rep.Entries[1]; e.Status != KeptLocally || !strings.Contains(e.Note, "limit") {
		t.Errorf("report for big photo: %v", e)
	}
	// A server without a photo (empty element) must not delete it.
	c.Picture = strp("")
	out, _ := opts.FromEAS(c, base)
	if p := out.Get("PHOTO"); p == nil || p.Value != big {
		t.Error("photo kept locally was deleted")
	}
	// A photo within the cap travels and a changed one replaces it.
	base = card(t, vc("4.0", "FN:A", "PHOTO:data:image/jpeg;base64,"+small))
	c, _ = ToEAS(base, opts)
	if deref(c.Picture) != small {
		t.Fatalf("Picture = %q", deref(c.Picture))
	}
	png := "iVBORw0KGgo" + strings.Repeat("C", 41)
	c.Picture = strp(png)
	out, _ = opts.FromEAS(c, base)
	if p := out.Get("PHOTO"); p.Value != "data:image/png;base64,"+png {
		t.Errorf("PHOTO = %q", p.Value)
	}
	c.Picture = nil // 16.x: omitted keeps the photo
	out, _ = opts.FromEAS(c, base)
	if out.Get("PHOTO") == nil {
		t.Error("omitted Picture deleted the photo")
	}
}

func TestBodyNotAppliedWhenIncomplete(t *testing.T) {
	base := card(t, vc("3.0", "FN:A", "NOTE:full local note"))
	truncated := schema.Bool(true)
	for name, body := range map[string]*schema.Body{
		"truncated": {Type: schema.BodyPlain, Data: strp("full"), Truncated: &truncated},
		"html":      {Type: schema.BodyHTML, Data: strp("<p>full local note</p>")},
	} {
		c, _ := ToEAS(base, Options{})
		c.Body = body
		out, rep := FromEAS(c, base)
		if out.Get("NOTE").Text() != "full local note" {
			t.Errorf("%s body overwrote the note", name)
		}
		if !strings.HasPrefix(rep.Entries[1].Note, "kept:") {
			t.Errorf("%s: report %v", name, rep.Entries[1])
		}
	}
}

func TestCategoriesAndChildren(t *testing.T) {
	base := card(t, vc("3.0", "FN:A", "CATEGORIES:a,b", "X-MS-CHILD:Kim", "CATEGORIES:c"))
	c, _ := ToEAS(base, Options{})
	if got := c.Categories.Category; strings.Join(got, "|") != "a|b|c" {
		t.Errorf("categories = %q", got)
	}
	if got := c.Children.Child; strings.Join(got, "|") != "Kim" {
		t.Errorf("children = %q", got)
	}
	c.Categories.Category = []string{"a", "d, e"}
	c.Children.Child = []string{"Kim", "Lee"}
	out, _ := FromEAS(c, base)
	cats := out.All("CATEGORIES")
	if len(cats) != 1 || strings.Join(cats[0].List(), "|") != "a|d, e" {
		t.Errorf("CATEGORIES after merge = %+v", cats)
	}
	c2, _ := ToEAS(out, Options{})
	if strings.Join(c2.Children.Child, "|") != "Kim|Lee" {
		t.Errorf("children after merge = %q", c2.Children.Child)
	}
}

func TestNilInputs(t *testing.T) {
	c, rep := ToEAS(nil, Options{})
	if c == nil || len(rep.Entries) != 0 {
		t.Error("ToEAS(nil)")
	}
	out, _ := FromEAS(nil, nil)
	if out == nil || out.Version != vcard.V40 || len(out.Props) != 0 {
		t.Errorf("FromEAS(nil, nil) = %+v", out)
	}
}

// TestEmptyFieldDeletesOnlyWhatTheServerHeld distinguishes a deletion from
// a field the server never stored.
func TestEmptyFieldDeletesOnlyWhatTheServerHeld(t *testing.T) {
	base := card(t, vc("3.0", "FN:A", "X-PHONETIC-FIRST-NAME:Ei", "TITLE:Boss", "CATEGORIES:x"))
	sent, _ := ToEAS(base, Options{})
	omit := func(c *schema.Contact) { c.YomiFirstName, c.JobTitle, c.Categories = nil, nil, nil }
	tests := []struct {
		name      string
		server    func(*schema.Contact)
		prev      *schema.Contact
		keepPhon  bool
		keepTitle bool
		keepCats  bool
		version   Version
	}{
		{"omitted, no history: keep", omit, nil, true, true, true, ""},
		{"omitted on 14.1, no history: keep", omit, nil, true, true, true, V141},
		{"empty elements, no history: delete", func(c *schema.Contact) {
			c.YomiFirstName, c.JobTitle, c.Categories = strp(""), strp(""), &schema.ContactCategories{}
		}, nil, false, false, false, V141},
		{"omitted on 16.1, no history: delete", omit, nil, false, false, false, V161},
		{"server never held Yomi: keep it, delete the rest", omit,
			&schema.Contact{FileAs: strp("A"), JobTitle: strp("Boss"), Categories: &schema.ContactCategories{Category: []string{"x"}}},
			true, false, false, V161},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := *sent
			tt.server(&c)
			out, _ := Options{PreviousEAS: tt.prev, Version: tt.version}.FromEAS(&c, base)
			if got := out.Get("X-PHONETIC-FIRST-NAME") != nil; got != tt.keepPhon {
				t.Errorf("phonetic kept = %v", got)
			}
			if got := out.Get("TITLE") != nil; got != tt.keepTitle {
				t.Errorf("title kept = %v", got)
			}
			if got := out.Get("CATEGORIES") != nil; got != tt.keepCats {
				t.Errorf("categories kept = %v", got)
			}
		})
	}
}

// TestSOGoCard maps the card SOGo 5.8 stored for a client Add (from the
// project's recorded session) and expects the fields that Add carried.
func TestSOGoCard(t *testing.T) {
	src := "BEGIN:VCARD\nUID:2736-6B073000-13-31981AC0.vcf\nVERSION:3.0\nCLASS:PUBLIC\nPROFILE:VCARD\n" +
		"ORG:Analytical Engines\nEMAIL;TYPE=work:ada@example.test\nFN:Lovelace\\, Ada\nN:Lovelace;Ada\n" +
		"TEL;TYPE=cell:+1 555 0100\nEND:VCARD"
	c, rep := ToEAS(card(t, src), Options{Version: V141})
	want := schema.Contact{
		FileAs: strp("Lovelace, Ada"), FirstName: strp("Ada"), LastName: strp("Lovelace"),
		Email1Address: strp("ada@example.test"), MobilePhoneNumber: strp("+1 555 0100"),
		CompanyName: strp("Analytical Engines"),
	}
	if d := diffContacts(&want, c); len(d) > 0 {
		t.Errorf("fields differ: %v", d)
	}
	if rep.Count(KeptLocally) != 3 || rep.Count(Carried) != 5 {
		t.Errorf("report: %v", rep.Entries)
	}
}
