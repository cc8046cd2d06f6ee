package vcard

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

func write(t *testing.T, c *Card, v string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, c, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteFolding(t *testing.T) {
	note := strings.Repeat("Grüße aus Köln, 東京 — ", 20)
	c := &Card{Props: []Property{{Name: "FN", Value: "A"}, {Name: "NOTE", Value: Escape(note)}}}
	out := write(t, c, V40)
	if !strings.HasSuffix(out, "END:VCARD\r\n") {
		t.Errorf("missing CRLF END: %q", out[len(out)-20:])
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("fold split a UTF-8 sequence: %q", line)
		}
	}
	cards, _, err := Read(strings.NewReader(out), "w")
	if err != nil || len(cards) != 1 {
		t.Fatal(err)
	}
	if got := cards[0].Get("NOTE").Text(); got != note {
		t.Errorf("note after fold/unfold = %q", got)
	}
}

func TestWriteEscapingAndQuoting(t *testing.T) {
	c := &Card{Props: []Property{
		{Name: "FN", Value: Escape("Doe, John; Jr.")},
		{Name: "N", Params: []Param{{Name: "SORT-AS", Values: []string{"Doe;John", "x:y"}}}, Value: JoinStructured(5, "Doe", "John")},
		{Group: "item1", Name: "X-ABLABEL", Value: "_$!<Other>!$_"},
		{Group: "item1", Name: "EMAIL", Params: []Param{{Name: "X-UNKNOWN", Values: []string{`say "hi"`, "line\nbreak"}}}, Value: "a@b"},
		{Name: "NOTE", Value: Escape("a\\b\nc")},
	}}
	out := write(t, c, V40)
	for _, want := range []string{
		`FN:Doe\, John\; Jr.`,
		`N;SORT-AS="Doe;John","x:y":Doe;John;;;`,
		`item1.EMAIL;X-UNKNOWN=say ^'hi^',line^nbreak:a@b`,
		`NOTE:a\\b\nc`,
	} {
		if !strings.Contains(out, want+"\r\n") {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	cards, _, err := Read(strings.NewReader(out), "w")
	if err != nil {
		t.Fatal(err)
	}
	e := cards[0].Get("EMAIL")
	if v := e.Param("X-UNKNOWN"); len(v) != 2 || v[0] != `say "hi"` || v[1] != "line\nbreak" {
		t.Errorf("param after round trip = %q", v)
	}
	if s := cards[0].Get("N").Param("SORT-AS"); strings.Join(s, "|") != "Doe;John|x:y" {
		t.Errorf("SORT-AS = %q", s)
	}
}

func TestWriteVersionConversions(t *testing.T) {
	c := &Card{Props: []Property{
		{Name: "FN", Value: "A"},
		{Name: "PHOTO", Params: []Param{{Name: "ENCODING", Values: []string{"b"}}, {Name: "TYPE", Values: []string{"JPEG"}}}, Value: "/9j/AAAA"},
		{Name: "BDAY", Value: "--0229"},
		{Name: "TEL", Params: []Param{{Name: "TYPE", Values: []string{"CELL", "PREF"}}}, Value: "1"},
	}}
	v4 := write(t, c, V40)
	for _, want := range []string{"VERSION:4.0", "PHOTO:data:image/jpeg;base64,/9j/AAAA", "BDAY:--0229", "TEL;TYPE=CELL;PREF=1:1"} {
		if !strings.Contains(v4, want+"\r\n") {
			t.Errorf("4.0 output lacks %q:\n%s", want, v4)
		}
	}
	cards, _, err := Read(strings.NewReader(v4), "v4")
	if err != nil {
		t.Fatal(err)
	}
	v3 := write(t, &cards[0], V30)
	for _, want := range []string{"VERSION:3.0", "N:;;;;", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/AAAA", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29", "TEL;TYPE=CELL,pref:1"} {
		if !strings.Contains(v3, want+"\r\n") {
			t.Errorf("3.0 output lacks %q:\n%s", want, v3)
		}
	}
	if err := Write(&bytes.Buffer{}, c, "2.1"); err == nil {
		t.Error("Write 2.1 succeeded; want an error")
	}
}

func TestWriteDerivesFN(t *testing.T) {
	c := &Card{Props: []Property{{Name: "N", Value: JoinStructured(5, "Lovelace", "Ada", "", "Lady")}}}
	if out := write(t, c, V40); !strings.Contains(out, "\r\nFN:Lady Ada Lovelace\r\n") {
		t.Errorf("no derived FN:\n%s", out)
	}
}

// TestWriteRoundTripCorpus writes every corpus card as 4.0 and 3.0, reads
// it back and compares content property by property.
func TestWriteRoundTripCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.vcf"))
	for _, path := range files {
		name := filepath.Base(path)
		cards, _, err := readFile(t, name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range cards {
			for _, v := range []string{V40, V30} {
				out := write(t, &cards[i], v)
				if again := write(t, &cards[i], v); again != out {
					t.Errorf("%s card %d: output not deterministic", name, i)
				}
				back, warns, err := Read(strings.NewReader(out), "rt")
				for _, w := range warns {
					if !strings.Contains(w.Msg, "invalid base64") { // corrupt corpus photos stay corrupt
						t.Errorf("%s card %d v%s: warning %v", name, i, v, w)
					}
				}
				if err != nil || len(back) != 1 {
					t.Fatalf("%s card %d v%s: re-read: %d cards, %v, %v", name, i, v, len(back), warns, err)
				}
				want, got := contentSet(&cards[i]), contentSet(&back[0])
				for k, n := range want {
					if got[k] < n {
						t.Errorf("%s card %d v%s: lost %q", name, i, v, k)
					}
				}
			}
		}
	}
}

// contentSet is a multiset of property content with representation
// differences between versions normalised away.
func contentSet(c *Card) map[string]int {
	out := map[string]int{}
	for i := range c.Props {
		p := c.Props[i]
		p = convert(p, V40)
		var params []string
		for _, pr := range p.Params {
			if pr.Name == "TYPE" {
				continue
			}
			params = append(params, pr.Name+"="+strings.Join(pr.Values, ","))
		}
		types := p.Types()
		sort.Strings(types)
		sort.Strings(params)
		val := p.Value
		if p.Name == "N" || p.Name == "ADR" || p.Name == "ORG" {
			comps := p.Components()
			for len(comps) > 0 && comps[len(comps)-1] == "" {
				comps = comps[:len(comps)-1]
			}
			val = strings.Join(comps, "\x1f")
		} else {
			val = Unescape(val)
		}
		out[strings.ToUpper(p.Group)+"."+p.Name+";"+strings.Join(params, ";")+";TYPE="+strings.Join(types, ",")+":"+val]++
	}
	return out
}

func TestWriteErrorPropagates(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "ro")
	if err != nil {
		t.Fatal(err)
	}
	f.Close() // writing to a closed file fails
	c := &Card{Props: []Property{{Name: "FN", Value: "A"}}}
	if err := Write(f, c, V40); err == nil {
		t.Error("Write to a closed file succeeded")
	}
}

func TestWriteRejectsInvalidNames(t *testing.T) {
	for _, p := range []Property{{Name: ""}, {Name: "A B"}, {Name: "X:Y"}, {Group: "g.h", Name: "FN"}} {
		c := &Card{Props: []Property{p}}
		if err := Write(&bytes.Buffer{}, c, V40); err == nil {
			t.Errorf("Write accepted property %+v", p)
		}
	}
	c := &Card{Props: []Property{{Name: "VERSION", Value: "2.1"}, {Name: "FN", Value: "A"}, {Name: "END", Value: "VCARD"}}}
	if out := write(t, c, V40); strings.Count(out, "VERSION") != 1 || strings.Count(out, "END:VCARD") != 1 {
		t.Errorf("framing properties written:\n%s", out)
	}
}

func TestWritePadsFixedComponents(t *testing.T) {
	c := &Card{Props: []Property{{Name: "FN", Value: "A"}, {Name: "N", Value: `Doe\`}, {Name: "ADR", Value: ";;Street"}}}
	out := write(t, c, V40)
	if !strings.Contains(out, "\r\nN:Doe\\\\;;;;\r\n") || !strings.Contains(out, "\r\nADR:;;Street;;;;\r\n") {
		t.Errorf("output:\n%s", out)
	}
	cards, _, err := Read(strings.NewReader(out), "pad")
	if err != nil {
		t.Fatal(err)
	}
	if got := cards[0].Get("N").Components(); len(got) != 5 || got[0] != `Doe\` {
		t.Errorf("N components = %q", got)
	}
}
