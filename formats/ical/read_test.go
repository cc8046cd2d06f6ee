package ical

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func mustRead(t *testing.T, src string) *Document {
	t.Helper()
	doc, err := Read(strings.NewReader(src))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return doc
}

func hasIssue(doc *Document, sev Severity, sub string) bool {
	for _, i := range doc.Issues {
		if i.Severity == sev && strings.Contains(i.Msg, sub) {
			return true
		}
	}
	return false
}

func TestReadLenient(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		summary string // SUMMARY of the first VEVENT
		issue   string // a repair/warning that must be reported
		sev     Severity
	}{
		{"BOM", "\xEF\xBB\xBFBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "x", "BOM", Repair},
		{"bare LF", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n", "x", "bare LF", Repair},
		{"mixed EOL", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\nSUMMARY:x\r\nEND:VEVENT\nEND:VCALENDAR\r\n", "x", "mixed", Repair},
		{"TAB fold", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Long\r\n\t title\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "Long title", "TAB", Repair},
		{"space fold", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Lo\r\n ng\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "Long", "", Repair},
		{"blank line in fold", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Lo\r\n\r\n ng\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "Long", "blank line", Repair},
		{"lower case", "begin:vcalendar\r\nbegin:vevent\r\nsummary:x\r\nend:vevent\r\nend:vcalendar\r\n", "x", "lower-case", Repair},
		{"bare VEVENT", "BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n", "x", "without VCALENDAR", Repair},
		{"no colon", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nX\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "x", "no colon", Warning},
		{"param without colon", "BEGIN:VEVENT\nORGANIZER;CN=Sixt SE\nSUMMARY:x\nEND:VEVENT\n", "x", "no colon", Warning},
		{"empty param", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY;;LANGUAGE=de:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "x", "empty parameter", Repair},
		{"Latin-1", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:M\xfcnchen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "München", "Windows-1252", Repair},
		{"Shift_JIS declared", "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nSUMMARY;CHARSET=SHIFT_JIS:\x93\xfa\x96\x7b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "日本", "declared charset", Repair},
		{"Shift_JIS guessed", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:\x93\xfa\x96\x7b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "日本", "Shift_JIS", Repair},
		{"damaged UTF-8", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:\xe6\x97\xa5\xe6?\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "日\uFFFD?", "damaged UTF-8", Repair},
		{"vCal QP", "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nSUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:K=C3=B6ln =\r\nTreffen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "Köln Treffen", "", Repair},
		{"vCal bare QP", "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nSUMMARY;QUOTED-PRINTABLE:a=0D=0Ab\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "a\nb", "bare parameter", Repair},
		{"quoted param", "BEGIN:VEVENT\r\nSUMMARY;X-A=\"a;b:c\";X-B=d,e:x\r\nEND:VEVENT\r\n", "x", "", Repair},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustRead(t, tt.src)
			var ev *Component
			for _, c := range doc.Calendars {
				if evs := c.ChildrenNamed("VEVENT"); len(evs) > 0 {
					ev = evs[0]
					break
				}
			}
			if ev == nil {
				t.Fatalf("no VEVENT; issues %v", doc.Issues)
			}
			if got := ev.Prop("SUMMARY").Text(); got != tt.summary {
				t.Errorf("SUMMARY = %q, want %q", got, tt.summary)
			}
			if tt.issue != "" && !hasIssue(doc, tt.sev, tt.issue) {
				t.Errorf("no %v issue %q in %v", tt.sev, tt.issue, doc.Issues)
			}
		})
	}
}

func TestReadStructure(t *testing.T) {
	// Several VCALENDAR blocks, each kept.
	doc := mustRead(t, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nEND:VCALENDAR\n\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:2\nEND:VEVENT\nEND:VCALENDAR\n")
	if len(doc.Calendars) != 2 || doc.Calendars[1].Children[0].Value("UID") != "2" {
		t.Errorf("calendars = %d", len(doc.Calendars))
	}
	// Truncation: the open components are flagged, the complete ones kept.
	doc = mustRead(t, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nBEGIN:VEVENT\nUID:2\n")
	evs := doc.Calendars[0].ChildrenNamed("VEVENT")
	if !doc.Truncated || len(evs) != 2 || evs[0].Incomplete || !evs[1].Incomplete || !doc.Calendars[0].Incomplete {
		t.Errorf("truncated=%v events=%d", doc.Truncated, len(evs))
	}
	if errs := doc.Errors(); len(errs) != 2 || errs[0].Line != 1 || !strings.Contains(errs[1].Msg, "VEVENT begun at line 5") {
		t.Errorf("errors = %v", errs)
	}
	// A mismatched END closes the inner component and says so.
	doc = mustRead(t, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nBEGIN:VALARM\nEND:VEVENT\nEND:VCALENDAR\n")
	if !hasIssue(doc, Error, "VALARM begun at line 3 has no END") {
		t.Errorf("issues = %v", doc.Issues)
	}
	if _, err := Read(strings.NewReader("just text\n")); !errors.Is(err, ErrNoCalendar) {
		t.Errorf("err = %v", err)
	}
}

func TestReadLimits(t *testing.T) {
	lim := DefaultLimits
	lim.MaxBytes = 100
	if _, err := ReadLimits(strings.NewReader(strings.Repeat("X", 200)), lim); !errors.Is(err, ErrTooLarge) {
		t.Errorf("size: %v", err)
	}
	lim = DefaultLimits
	lim.MaxDepth = 3
	deep := strings.Repeat("BEGIN:A\n", 10)
	if _, err := ReadLimits(strings.NewReader(deep), lim); !errors.Is(err, ErrTooLarge) {
		t.Errorf("depth: %v", err)
	}
}

func TestWriteFolding(t *testing.T) {
	c := &Component{Name: "VEVENT"}
	long := strings.Repeat("ä", 100) // 200 octets
	c.Add(&Prop{Name: "SUMMARY", Value: long})
	c.Add(&Prop{Name: "X-P", Params: []Param{{Name: "X-Q", Values: []string{"a:b", `say "hi"`}}, {Name: "BARE"}}, Value: "v"})
	var b bytes.Buffer
	if err := Encode(&b, c); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets", len(line))
		}
		if !strings.HasPrefix(line, " ") && strings.ContainsRune(line, '\uFFFD') {
			t.Errorf("split rune in %q", line)
		}
	}
	if !strings.Contains(b.String(), "X-P;X-Q=\"a:b\",say 'hi';BARE:v") {
		t.Errorf("params: %s", b.String())
	}
	doc := mustRead(t, b.String())
	if got := doc.Calendars[0].Children[0].Prop("SUMMARY").Value; got != long {
		t.Errorf("unfolded = %q", got)
	}
}

func TestEscape(t *testing.T) {
	for _, s := range []string{"a,b;c\\d\ne", "plain", "", "\r\n"} {
		if got := Unescape(Escape(s)); got != strings.ReplaceAll(s, "\r\n", "\n") {
			t.Errorf("round trip %q → %q", s, got)
		}
	}
	if got := SplitList(`a\,b,c`); len(got) != 2 || got[0] != `a\,b` {
		t.Errorf("SplitList = %q", got)
	}
}
