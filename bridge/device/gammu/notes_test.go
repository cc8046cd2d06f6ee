package gammu

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseNotes(t *testing.T) {
	out, err := os.ReadFile("testdata/getallcalendar.txt")
	if err != nil {
		t.Fatal(err)
	}
	notes, other, err := ParseNotes(string(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(other) != 0 || len(notes) != 2 {
		t.Fatalf("notes %d other %q", len(notes), other)
	}
	it := itemFromNote(&notes[0], "VEVENT")
	if notes[0].Location != 1 || it.Summary != "Stand-up" || it.Location != `Room "7", 2nd` ||
		it.Alarms[0] != 15*time.Minute || !it.Start.Equal(time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("first note %+v → %+v", notes[0], it)
	}
	if it2 := itemFromNote(&notes[1], "VEVENT"); !it2.AllDay || notes[1].Location != 2 {
		t.Errorf("second note %+v → %+v", notes[1], it2)
	}
}

func TestParseNotesQuotes(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // Text values
		other    int
	}{
		{"multi-line", "Location : 3\nText                 : \"line one\nline \"two\"\"\nDescription          : \"d\"\n", []string{"line one\nline \"two\""}, 0},
		{"quote line inside", "Location : 1\nText : \"a\n\"quoted\"\nmore\"\n\n", []string{"a\n\"quoted\"\nmore"}, 0},
		{"error with rc 0", "Function not supported by phone.\n", nil, 1},
		{"empty", "", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notes, other, err := ParseNotes(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := range notes {
				v, _ := notes[i].Get("Text", true)
				got = append(got, v)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(other) != tt.other {
				t.Fatalf("texts %q other %q", got, other)
			}
			if tt.other > 0 && findError(other) == "" {
				t.Fatalf("error line not recognised: %q", other)
			}
		})
	}
}

func FuzzParseNotes(f *testing.F) {
	for _, name := range []string{"testdata/getallcalendar.txt", "testdata/getalltodo.txt"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("Location : 1\nText : \"\n")
	f.Add("Location : x\n")
	f.Fuzz(func(t *testing.T, in string) {
		notes, _, err := ParseNotes(in)
		if err != nil {
			return
		}
		for i := range notes {
			it := itemFromNote(&notes[i], "VEVENT")
			_ = it.ICalendar()
		}
	})
}

func FuzzParseBackup(f *testing.F) {
	f.Add([]byte("BEGIN:VCARD\r\nVERSION:2.1\r\nX-GAMMU-LOCATION:1\r\nX-GAMMU-MEMORY:ME\r\n" +
		"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Zo=C3=AB O'Brien\r\nTEL;CELL:+353 1 234\r\n" +
		"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:semi; colon=0A=\r\nline two\r\nEND:VCARD\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := parseBackup(data, "ME")
		if err != nil {
			return
		}
		for _, r := range recs {
			if !strings.HasPrefix(r.Key, "ME:") {
				t.Fatalf("key %q", r.Key)
			}
		}
	})
}
