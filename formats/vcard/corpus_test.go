package vcard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const corpusDir = "../testdata/corpus/vcard"

func readFile(t testing.TB, name string) ([]Card, []Warning, error) {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(f, name)
}

// TestReadCorpus reads every corpus file; the table pins the card count and
// the warnings each malformed file must produce (file and line included).
func TestReadCorpus(t *testing.T) {
	want := map[string]struct {
		cards    int
		warnings []string // substrings, each must appear in some warning
	}{
		"android-2.1-six-contacts-qp-photo.vcf":    {6, []string{":52: PHOTO: invalid base64", ":82: value declared UTF-8 is not valid UTF-8"}},
		"gmail-export-three-contacts.vcf":          {3, nil},
		"japanese-2.1-multiple-shiftjis.vcf":       {3, nil},
		"mixed-2.1-3.0-4.0-in-one-file.vcf":        {3, nil},
		"sap-3.0-thirty-contacts-latin1.vcf":       {30, []string{":15: undeclared non-UTF-8 text read as Windows-1252"}},
		"malformed-2.1-nested-vcard.vcf":           {3, []string{"malformed-2.1-nested-vcard.vcf:4: BEGIN:VCARD inside an open card (line 1)"}},
		"malformed-2.1-invalid-comment-line.vcf":   {1, []string{":6: not a vCard property", ":9: not a vCard property"}},
		"malformed-2.1-photo-garbage.vcf":          {1, []string{":5: PHOTO: invalid base64"}},
		"outlook-2003-2.1-qp-antoni.vcf":           {1, []string{"Windows-1252"}},
		"outlook-2003-2.1-photo-value-url.vcf":     {1, []string{"Windows-1252"}},
		"malformed-2.1-whitespace-after-begin.vcf": {1, nil},
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.vcf"))
	if err != nil || len(files) < 38 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			cards, warns, err := readFile(t, name)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			w, ok := want[name]
			if !ok {
				w.cards = 1
			}
			if len(cards) != w.cards {
				t.Errorf("cards = %d, want %d", len(cards), w.cards)
			}
			for _, sub := range w.warnings {
				found := false
				for _, wr := range warns {
					if strings.Contains(wr.String(), sub) && strings.HasPrefix(wr.String(), name+":") {
						found = true
					}
				}
				if !found {
					t.Errorf("no warning containing %q; got %v", sub, warns)
				}
			}
			if !ok && len(warns) > 0 {
				t.Errorf("unexpected warnings: %v", warns)
			}
			for _, c := range cards {
				for _, p := range c.Props {
					if p.Line <= 0 || p.Name != strings.ToUpper(p.Name) {
						t.Errorf("property %+v: want upper-case name and a line", p)
					}
					if p.HasParam("CHARSET") || p.Param("ENCODING") != nil && !p.IsBinary() {
						t.Errorf("%s: transport parameter left after decoding: %v", p.Name, p.Params)
					}
				}
			}
		})
	}
}

// TestCorpusValues pins decoded values that the stock go-vcard gets wrong
// (QP, CHARSET, bare parameters, 2.1 continuation lines).
func TestCorpusValues(t *testing.T) {
	tests := []struct {
		file      string
		card      int
		prop      string
		nth       int
		wantText  string // Text() of the value, or
		wantComps []string
		wantTypes []string
	}{
		{file: "docomo-2.1-japanese-shiftjis-qp.vcf", prop: "ADR", wantComps: []string{"", "東京都渋谷区桜丘町26-1セルリアンタワー6階", "", "", "", "150-8512", ""}},
		{file: "docomo-2.1-japanese-shiftjis-qp.vcf", prop: "NOTE", wantText: "メモ"},
		{file: "docomo-2.1-japanese-shiftjis-qp.vcf", prop: "FN", wantText: "安藤 ロイド 1"},
		{file: "japanese-2.1-multiple-shiftjis.vcf", card: 2, prop: "N", wantComps: []string{"安藤ロイド5", "", "", "", ""}},
		{file: "aosp-2.1-adr-multiple-line.vcf", prop: "ADR", nth: 1, wantComps: []string{"", "", "Hermann v. Brevern\n9999999\nPackstation 999", "Hamburg", "", "99999", "Deutschland"}},
		{file: "malformed-2.1-invalid-comment-line.vcf", prop: "NOTE", wantText: "This is an (sharp ->#<- sharp) example. This message must NOT be ignored."},
		{file: "malformed-2.1-lowercase-german-address.vcf", prop: "ADR", wantComps: []string{"", "Medizinstraße 4711", "", "Köln", "Nordrhein-Westfalen", "50441", "Deutschland"}},
		{file: "malformed-2.1-lowercase-german-address.vcf", prop: "TEL", wantText: "0221 12345678", wantTypes: []string{"home"}},
		{file: "outlook-2003-2.1-qp-label.vcf", prop: "NOTE", wantText: "This is the note field!!\nSecond line\n\nThird line is empty\n"},
		{file: "outlook-2003-2.1-qp-label.vcf", prop: "ORG", wantComps: []string{"Company, The", "TheDepartment"}},
		{file: "android-2.1-six-contacts-qp-photo.vcf", card: 2, prop: "TEL", wantText: "123456789", wantTypes: []string{"cell", "pref"}},
		{file: "android-2.1-six-contacts-qp-photo.vcf", card: 2, prop: "FN", wantText: "Ñ Ñ Ñ Ñ Ñ "},
		{file: "aosp-2.1-complicated-qp-photo.vcf", prop: "TEL", wantText: "(111) 555-1212", wantTypes: []string{"work", "voice"}},
		{file: "aosp-3.0-comma-separated-type.vcf", prop: "TEL", wantText: "1", wantTypes: []string{"comma", "separated:inside.dquote", "pref"}},
		{file: "xing-2.1-charset-photo-url.vcf", prop: "PHOTO", wantText: "https://placeholdit.imgix.net/~text?txtsize=33&txt=150%C3%97150&w=150&h=150"},
		{file: "gmail-3.0-custom-labels-related.vcf", prop: "URL", wantText: "http://www.example1.com"},
		{file: "rfc6350-example-4.0-bday-no-year.vcf", prop: "TEL", wantText: "tel:+1-418-656-9254;ext=102", wantTypes: []string{"work", "voice"}},
		{file: "aosp-4.0-sort-as-utf8.vcf", prop: "FN", wantText: "安藤 ロイド"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.prop, func(t *testing.T) {
			cards, _, err := readFile(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			props := cards[tt.card].All(tt.prop)
			if len(props) <= tt.nth {
				t.Fatalf("%d %s properties", len(props), tt.prop)
			}
			p := props[tt.nth]
			if tt.wantComps != nil {
				got := p.Components()
				if strings.Join(got, "|") != strings.Join(tt.wantComps, "|") {
					t.Errorf("components = %q, want %q", got, tt.wantComps)
				}
			} else if got := p.Text(); got != tt.wantText {
				t.Errorf("text = %q, want %q", got, tt.wantText)
			}
			if tt.wantTypes != nil {
				if got := p.Types(); strings.Join(got, ",") != strings.Join(tt.wantTypes, ",") {
					t.Errorf("types = %q, want %q", got, tt.wantTypes)
				}
			}
		})
	}
}

// TestCorpusPhotos checks that base64 photos written without the 2.1 blank
// line, folded, or on unindented lines decode to an image (some corpus
// images are themselves truncated, so the end marker is not checked).
func TestCorpusPhotos(t *testing.T) {
	for _, name := range []string{
		"malformed-2.1-base64-missing-blank-line.vcf", "blackberry-2.1-photo.vcf",
		"blackberry-2.1-photo-no-type.vcf", "ios-6.1.3-3.0-multiline-photo.vcf",
		"iphone-ios5-3.0-photo-itemgroups.vcf", "android-2.1-x-android-custom-after-photo.vcf",
		"kde-kontact-3.0-photo.vcf", "outlook-2.1-qp-photo-x-ms.vcf",
	} {
		t.Run(name, func(t *testing.T) {
			cards, _, err := readFile(t, name)
			if err != nil {
				t.Fatal(err)
			}
			p := cards[0].Get("PHOTO")
			if p == nil || !p.IsBinary() {
				t.Fatalf("no inline PHOTO: %+v", p)
			}
			img, err := decodeBase64(p.Value)
			if err != nil {
				t.Fatalf("photo base64: %v", err)
			}
			jpeg := len(img) > 500 && img[0] == 0xFF && img[1] == 0xD8
			png := len(img) > 500 && string(img[1:4]) == "PNG"
			if !jpeg && !png {
				t.Errorf("photo is not a JPEG/PNG image (%d bytes, head % x)", len(img), img[:4])
			}
		})
	}
}
