package event

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/formats/ical"
)

const corpusDir = "../testdata/corpus/ical"

func corpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*"))
	if err != nil || len(files) < 70 {
		t.Fatalf("corpus missing in %s (%d files): %v", corpusDir, len(files), err)
	}
	return files
}

// expectedProblems lists the corpus files that must report unusable
// components, and a word the error must contain.
var expectedProblems = map[string]string{
	"apple-ical-1.0-truncated-missing-end.ics": "truncated",
}

// TestCorpusFidelity round-trips every corpus file on both protocol
// versions: nothing may be lost, and the occurrences over two years must be
// identical after the merge.
func TestCorpusFidelity(t *testing.T) {
	for _, v := range []Version{V141, V161} {
		for _, f := range corpus(t) {
			name := filepath.Base(f)
			t.Run(string(v)+"/"+name, func(t *testing.T) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				rep, err := Fidelity(bytes.NewReader(data), name, v)
				if err != nil {
					t.Fatalf("Fidelity: %v", err)
				}
				t.Log(strings.SplitN(rep.String(), "\n", 2)[0])
				if lost := rep.Lost(); len(lost) > 0 {
					t.Errorf("%d properties lost:\n%s", len(lost), rep.String())
				}
				for _, m := range rep.Mismatches {
					t.Errorf("occurrences differ: %s", m)
				}
				want, expectProblem := expectedProblems[name]
				if !expectProblem && len(rep.Problems) > 0 {
					t.Errorf("unexpected problems:\n%s", rep.String())
				}
				if expectProblem {
					if len(rep.Problems) == 0 {
						t.Errorf("no problem reported, want one mentioning %q", want)
					}
					for _, p := range rep.Problems {
						if !strings.Contains(p.Error(), want) || !strings.Contains(p.Error(), name) || p.Line == 0 {
							t.Errorf("problem %q should name the file, a line and %q", p.Error(), want)
						}
					}
				}
				if rep.Summary[Carried] == 0 && len(rep.Items) > 0 {
					t.Errorf("nothing carried: %s", rep.String())
				}
			})
		}
	}
}

// TestCorpusFreshRoundTrip maps every event to ActiveSync and back without
// a base (as for an item first seen on the server). Wherever ToEAS carried
// the whole recurrence, the rebuilt event must have the same occurrences.
func TestCorpusFreshRoundTrip(t *testing.T) {
	compared := 0
	for _, f := range corpus(t) {
		name := filepath.Base(f)
		data, _ := os.ReadFile(f)
		doc, err := ical.Read(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		items, _ := Items(doc, name)
		for _, it := range items {
			if it.Kind != "VEVENT" {
				continue
			}
			for _, v := range []Version{V141, V161} {
				opts := Options{Version: v}
				e, rep, err := ToEAS(it, opts)
				if err != nil {
					t.Errorf("%s %s: ToEAS: %v", name, it.UID, err)
					continue
				}
				back, _, err := FromEAS(e, nil, opts)
				if err != nil {
					t.Errorf("%s %s: FromEAS: %v", name, it.UID, err)
					continue
				}
				if !recurrenceCarried(rep) || it.Master == nil {
					continue
				}
				if msg := compareOccurrences(it, back, opts); msg != "" {
					t.Errorf("%s %s (%s): %s", name, it.UID, v, msg)
				}
				compared++
				// The rebuilt event maps to the same ActiveSync item.
				e2, _, err := ToEAS(back, opts)
				if err != nil {
					t.Errorf("%s %s: ToEAS(back): %v", name, it.UID, err)
					continue
				}
				e.TimeZone, e2.TimeZone = nil, nil
				if e.UID == nil {
					e2.UID = nil // generated on the way back
				}
				if e.DtStamp == nil {
					e2.DtStamp = nil // stamped on the way back
				}
				if a, b := xmlString(e), xmlString(e2); a != b {
					t.Errorf("%s %s (%s): event changed after fresh round trip:\n%s", name, it.UID, v, diffContext(a, b))
				}
			}
		}
	}
	if compared < 500 {
		t.Errorf("only %d events compared", compared)
	}
}

// recurrenceCarried reports whether every instance-defining property
// (RRULE, RDATE, EXDATE, RECURRENCE-ID) was carried.
func recurrenceCarried(r Report) bool {
	for _, p := range r.Props {
		switch p.Prop {
		case "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "DTEND", "DURATION", "DTSTART":
			if p.Status != Carried {
				return false
			}
		}
	}
	return true
}

func TestMalformedFilesGiveClearErrors(t *testing.T) {
	_, err := Fidelity(strings.NewReader("hello world\n"), "junk.ics", V141)
	if !errors.Is(err, ical.ErrNoCalendar) || !strings.Contains(err.Error(), "junk.ics") {
		t.Errorf("junk: err = %v", err)
	}
	rep, err := Fidelity(strings.NewReader("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nSUMMARY:no start\nEND:VEVENT\nEND:VCALENDAR\n"), "nostart.ics", V141)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Error(), "nostart.ics: VEVENT #0 at line 2") ||
		!strings.Contains(rep.Problems[0].Error(), "DTSTART") {
		t.Errorf("problems = %v", rep.Problems)
	}
}

func xmlString(v any) string {
	b, err := xml.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// diffContext shows both strings around their first difference.
func diffContext(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-120)
	return "want …" + a[from:min(len(a), i+200)] + "\n got …" + b[from:min(len(b), i+200)]
}
