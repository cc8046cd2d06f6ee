package vcard

import (
	"errors"
	"strings"
	"testing"
)

func readString(t *testing.T, s string) ([]Card, []Warning, error) {
	t.Helper()
	return Read(strings.NewReader(s), "test.vcf")
}

// TestReadQuirks covers the damage real exporters produce, one case each.
func TestReadQuirks(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		prop  string // property to check in the first card
		text  string // its expected Text()
		types string // expected Types() joined by ","; "-" skips the check
		warn  string // expected warning substring, "" for none
		cards int    // expected number of cards (0 means 1)
	}{
		{name: "BOM", in: "\uFEFFBEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n", prop: "FN", text: "A", types: "-"},
		{name: "bare LF", in: "BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n", prop: "FN", text: "A", types: "-"},
		{name: "bare CR", in: "BEGIN:VCARD\rVERSION:3.0\rFN:A\rEND:VCARD\r", prop: "FN", text: "A", types: "-"},
		{name: "mixed endings and iOS CR CR LF", in: "BEGIN:VCARD\r\nVERSION:3.0\nNOTE:a\r\r\n b\r\nEND:VCARD", prop: "NOTE", text: "ab", types: "-"},
		{name: "TAB fold", in: "BEGIN:VCARD\nVERSION:3.0\nNOTE:long\n\tline\nEND:VCARD\n", prop: "NOTE", text: "longline", types: "-"},
		{name: "space fold mid UTF-8", in: "BEGIN:VCARD\nVERSION:3.0\nFN:K\xc3\n \xb6ln\nEND:VCARD\n", prop: "FN", text: "Köln", types: "-"},
		{name: "blank lines", in: "\n\nBEGIN:VCARD\n\nVERSION:3.0\n\nFN:A\n\nEND:VCARD\n\n", prop: "FN", text: "A", types: "-"},
		{name: "lower-case names", in: "begin:vcard\nversion:2.1\ntel;cell;voice:123\nend:vcard\n", prop: "TEL", text: "123", types: "cell,voice"},
		{name: "whitespace after BEGIN", in: "BEGIN:VCARD \nVERSION:2.1\nFN:A\nEND:VCARD \n", prop: "FN", text: "A", types: "-"},
		{name: "2.1 bare params", in: "BEGIN:VCARD\nVERSION:2.1\nTEL;WORK;FAX:+49 30 1\nEND:VCARD\n", prop: "TEL", text: "+49 30 1", types: "work,fax"},
		{name: "2.1 URL not cut at colon", in: "BEGIN:VCARD\nVERSION:2.1\nURL;WORK:http://example.com/a:b\nEND:VCARD\n", prop: "URL", text: "http://example.com/a:b", types: "work"},
		{name: "QP soft break inside UTF-8", in: "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=\r\n=BCller;J=C3=B6rg\r\nEND:VCARD\r\n", prop: "N", text: "Müller;Jörg", types: "-"},
		{name: "QP bare param and CRLF", in: "BEGIN:VCARD\nVERSION:2.1\nNOTE;QUOTED-PRINTABLE:a=0D=0Ab=\n=3Dc\nEND:VCARD\n", prop: "NOTE", text: "a\nb=c", types: "-"},
		{name: "QP Shift_JIS", in: "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=93=8C=8B=9E\r\nEND:VCARD\r\n", prop: "NOTE", text: "東京", types: "-"},
		{name: "raw Shift_JIS with CHARSET", in: "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=SHIFT_JIS:\x93\x8c\x8b\x9e\r\nEND:VCARD\r\n", prop: "FN", text: "東京", types: "-"},
		{name: "ISO-8859-1", in: "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=ISO-8859-1:Jos\xe9\nEND:VCARD\n", prop: "FN", text: "José", types: "-"},
		{name: "Windows-1252 euro", in: "BEGIN:VCARD\nVERSION:2.1\nNOTE;CHARSET=windows-1252:5 \x80\nEND:VCARD\n", prop: "NOTE", text: "5 €", types: "-"},
		{name: "undeclared Latin-1", in: "BEGIN:VCARD\nVERSION:3.0\nFN:Gr\xfc\xdfe\nEND:VCARD\n", prop: "FN", text: "Grüße", types: "-", warn: "test.vcf:3: undeclared non-UTF-8 text read as Windows-1252"},
		{name: "UTF-8 mislabelled Latin-1", in: "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=ISO-8859-1:K\xc3\xb6ln\nEND:VCARD\n", prop: "FN", text: "Köln", types: "-", warn: "is valid UTF-8"},
		{name: "PHOTO;BASE64 without blank line", in: "BEGIN:VCARD\r\nVERSION:2.1\r\nPHOTO;BASE64;JPEG:/9j/\r\nAAAA\r\nBBBB\r\nNOTE:after\r\nEND:VCARD\r\n", prop: "PHOTO", text: "/9j/AAAABBBB", types: "jpeg"},
		{name: "ENCODING=b", in: "BEGIN:VCARD\nVERSION:3.0\nPHOTO;ENCODING=b;TYPE=PNG:iVBO\n RwAA\nEND:VCARD\n", prop: "PHOTO", text: "iVBORwAA", types: "png"},
		{name: "escapes", in: "BEGIN:VCARD\nVERSION:3.0\nNOTE:a\\;b\\,c\\nd\\Ne\\\\f\\:g\nEND:VCARD\n", prop: "NOTE", text: "a;b,c\nd\ne\\f:g", types: "-"},
		{name: "2.1 literal comma and backslash", in: "BEGIN:VCARD\nVERSION:2.1\nNOTE:C:\\dir, a\nEND:VCARD\n", prop: "NOTE", text: "C:\\dir, a", types: "-"},
		{name: "quoted param with colon and semicolon", in: "BEGIN:VCARD\nVERSION:4.0\nN;SORT-AS=\"a;b:c\":X;Y;;;\nEND:VCARD\n", prop: "N", text: "X;Y;;;", types: "-"},
		{name: "non-property line", in: "BEGIN:VCARD\nVERSION:2.1\nFN:A\n# comment\nEND:VCARD\n", prop: "FN", text: "A", types: "-", warn: "test.vcf:4: not a vCard property"},
		{name: "missing END", in: "BEGIN:VCARD\nVERSION:3.0\nFN:A\nTEL:1\n", prop: "TEL", text: "1", types: "", warn: "test.vcf:1: missing END:VCARD"},
		{name: "END without BEGIN", in: "BEGIN:VCARD\nFN:A\nEND:VCARD\nEND:VCARD\n", prop: "FN", text: "A", types: "-", warn: "test.vcf:4: END:VCARD without BEGIN"},
		{name: "nested card", in: "BEGIN:VCARD\nVERSION:2.1\nN:p\nBEGIN:VCARD\nN:c\nEND:VCARD\nTEL:1\nEND:VCARD\n", prop: "TEL", text: "1", types: "", warn: "test.vcf:4: BEGIN:VCARD inside an open card", cards: 2},
		{name: "several cards", in: "BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\nEND:VCARD\nBEGIN:VCARD\nFN:C\nEND:VCARD\n", prop: "FN", text: "A", types: "-", cards: 3},
		{name: "property outside card", in: "FN:X\nBEGIN:VCARD\nFN:A\nEND:VCARD\n", prop: "FN", text: "A", types: "-", warn: "test.vcf:1: FN property outside"},
		{name: "group kept", in: "BEGIN:VCARD\nVERSION:3.0\nitem1.EMAIL;type=INTERNET:a@b\nitem1.X-ABLabel:_$!<Other>!$_\nEND:VCARD\n", prop: "EMAIL", text: "a@b", types: "internet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, warns, err := readString(t, tt.in)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			want := tt.cards
			if want == 0 {
				want = 1
			}
			if len(cards) != want {
				t.Fatalf("cards = %d, want %d", len(cards), want)
			}
			p := cards[0].Get(tt.prop)
			if p == nil {
				t.Fatalf("no %s in %+v", tt.prop, cards[0].Props)
			}
			got := p.Text()
			if p.Name == "N" {
				got = strings.Join(p.Components(), ";")
			}
			if got != tt.text {
				t.Errorf("%s = %q, want %q", tt.prop, got, tt.text)
			}
			if tt.types != "-" && strings.Join(p.Types(), ",") != tt.types {
				t.Errorf("types = %q, want %q", p.Types(), tt.types)
			}
			if tt.warn == "" && len(warns) > 0 {
				t.Errorf("unexpected warnings %v", warns)
			}
			if tt.warn != "" {
				found := false
				for _, w := range warns {
					found = found || strings.Contains(w.String(), tt.warn)
				}
				if !found {
					t.Errorf("no warning %q in %v", tt.warn, warns)
				}
			}
		})
	}
}

func TestReadGroupLabel(t *testing.T) {
	cards, _, err := readString(t, "BEGIN:VCARD\nVERSION:3.0\nitem1.EMAIL:a@b\nitem1.X-ABLabel:Work\nEND:VCARD\n")
	if err != nil {
		t.Fatal(err)
	}
	if g := cards[0].Props[0].Group; g != "item1" {
		t.Errorf("group = %q", g)
	}
	if l := cards[0].Get("X-ABLABEL"); l == nil || l.Group != "item1" || l.Text() != "Work" {
		t.Errorf("label = %+v", l)
	}
}

// TestReadErrors checks that unreadable input yields a *ReadError naming
// the file, item and line, while readable cards are still returned.
func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in string
		cards    int
		wantErr  string
		item     int
	}{
		{"empty", "", 0, "read vcard test.vcf (line 1): no BEGIN:VCARD found", 0},
		{"not a vcard", "hello\nworld\n", 0, "no BEGIN:VCARD found", 0},
		{"garbage card among good ones", "BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\n???\nEND:VCARD\n", 1, "read vcard test.vcf: item 2 (line 4): card has no readable properties", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, _, err := readString(t, tt.in)
			if len(cards) != tt.cards {
				t.Errorf("cards = %d, want %d", len(cards), tt.cards)
			}
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *ReadError", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || re.File != "test.vcf" || re.Item != tt.item {
				t.Errorf("err = %q (item %d), want %q (item %d)", err, re.Item, tt.wantErr, tt.item)
			}
		})
	}
}

func TestReadTooLarge(t *testing.T) {
	old := maxFileSize
	maxFileSize = 64
	defer func() { maxFileSize = old }()
	_, _, err := readString(t, "BEGIN:VCARD\nNOTE:"+strings.Repeat("x", 100)+"\nEND:VCARD\n")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		omit []string
		want Date
		ok   bool
	}{
		{"19800321", nil, Date{1980, 3, 21}, true},
		{"1980-03-21", nil, Date{1980, 3, 21}, true},
		{"1985-01-28T00:00:00Z", nil, Date{1985, 1, 28}, true},
		{"--0203", nil, Date{0, 2, 3}, true},
		{"--02-29", nil, Date{0, 2, 29}, true},
		{"1604-02-29", []string{"1604"}, Date{0, 2, 29}, true},
		{"2000-02-29", nil, Date{2000, 2, 29}, true},
		{"1900-02-29", nil, Date{}, false},
		{"2023-13-01", nil, Date{}, false},
		{"soon", nil, Date{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in, tt.omit)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseDate(%q, %q) = %v, %v; want %v, %v", tt.in, tt.omit, got, ok, tt.want, tt.ok)
		}
	}
}

func TestReadWarningsBounded(t *testing.T) {
	in := "BEGIN:VCARD\nFN:A\n" + strings.Repeat("garbage\n", 5000) + "END:VCARD\n"
	cards, warns, err := readString(t, in)
	if err != nil || len(cards) != 1 {
		t.Fatal(err)
	}
	if len(warns) != maxWarnings+1 || !strings.Contains(warns[maxWarnings].Msg, "suppressed") {
		t.Errorf("%d warnings, last %v", len(warns), warns[len(warns)-1])
	}
}
