package merge

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/vcard"
)

func card(t *testing.T, lines ...string) *vcard.Card {
	t.Helper()
	src := "BEGIN:VCARD\r\nVERSION:3.0\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCARD\r\n"
	cs, _, err := vcard.Read(strings.NewReader(src), "test.vcf")
	if err != nil || len(cs) != 1 {
		t.Fatalf("read: %v (%d cards)", err, len(cs))
	}
	return &cs[0]
}

func text(t *testing.T, c *vcard.Card) string {
	t.Helper()
	var b bytes.Buffer
	if err := vcard.Write(&b, c, "3.0"); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDifferentPropertiesMergeWithoutConflict(t *testing.T) {
	base := card(t, "UID:1", "FN:Ada Lovelace", "N:Lovelace;Ada;;;", "TEL;TYPE=CELL:+44 1", "NOTE:old")
	local := card(t, "UID:1", "FN:Ada Lovelace", "N:Lovelace;Ada;;;", "TEL;TYPE=CELL:+44 1", "NOTE:new local note")
	remote := card(t, "UID:1", "FN:Ada Lovelace", "N:Lovelace;Ada;;;", "TEL;TYPE=CELL:+44 1", "TEL;TYPE=WORK:+44 2", "NOTE:old", "TITLE:Countess")
	m, conflicts := Cards(base, local, remote)
	if len(conflicts) != 0 {
		t.Fatalf("conflicts %v", conflicts)
	}
	out := text(t, m)
	for _, want := range []string{"NOTE:new local note", "TITLE:Countess", "+44 2", "+44 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("merged card lacks %q:\n%s", want, out)
		}
	}
}

func TestSamePropertyChangedBothSidesIsConflictRemoteWins(t *testing.T) {
	base := card(t, "UID:1", "FN:A", "TITLE:Engineer")
	local := card(t, "UID:1", "FN:A", "TITLE:Lead engineer")
	remote := card(t, "UID:1", "FN:A", "TITLE:Manager")
	m, conflicts := Cards(base, local, remote)
	if !slices.Equal(conflicts, []string{"TITLE"}) {
		t.Fatalf("conflicts %v, want [TITLE]", conflicts)
	}
	if out := text(t, m); !strings.Contains(out, "TITLE:Manager") || strings.Contains(out, "Lead") {
		t.Fatalf("remote must win in place:\n%s", out)
	}
}

func TestPhonesMergeAsSets(t *testing.T) {
	base := card(t, "UID:1", "FN:A", "TEL;TYPE=HOME:1", "TEL;TYPE=WORK:2")
	local := card(t, "UID:1", "FN:A", "TEL;TYPE=HOME:1", "TEL;TYPE=WORK:2", "TEL;TYPE=CELL:3") // added 3
	remote := card(t, "UID:1", "FN:A", "TEL;TYPE=HOME:1")                                      // removed 2
	m, conflicts := Cards(base, local, remote)
	if len(conflicts) != 0 {
		t.Fatalf("conflicts %v", conflicts)
	}
	out := text(t, m)
	if !strings.Contains(out, ":3") || strings.Contains(out, "WORK:2") || !strings.Contains(out, "HOME:1") {
		t.Fatalf("want home 1 and cell 3, not work 2:\n%s", out)
	}
}

func TestBothSidesSameEditIsNotConflict(t *testing.T) {
	base := card(t, "UID:1", "FN:A", "NOTE:x")
	both := card(t, "UID:1", "FN:A", "NOTE:y")
	_, conflicts := Cards(base, both, both)
	if len(conflicts) != 0 {
		t.Fatalf("identical edits reported as conflict: %v", conflicts)
	}
}

func TestSamePhoneReplacedDifferentlyIsConflict(t *testing.T) {
	base := card(t, "UID:1", "FN:A", "TEL;TYPE=CELL:1")
	local := card(t, "UID:1", "FN:A", "TEL;TYPE=CELL:2")
	remote := card(t, "UID:1", "FN:A", "TEL;TYPE=CELL:3")
	m, conflicts := Cards(base, local, remote)
	if !slices.Equal(conflicts, []string{"TEL"}) {
		t.Fatalf("conflicts %v", conflicts)
	}
	out := text(t, m)
	if !strings.Contains(out, "CELL:3") || strings.Contains(out, "CELL:2") || strings.Contains(out, "CELL:1") {
		t.Fatalf("want only the remote number in place:\n%s", out)
	}
}

func comp(t *testing.T, lines ...string) *ical.Component {
	t.Helper()
	src := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	doc, err := ical.Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Calendars[0].Children[0]
}

func TestEventDifferentPropertiesMerge(t *testing.T) {
	base := comp(t, "UID:e", "SUMMARY:Standup", "LOCATION:Room 1", "DTSTART:20261201T090000Z")
	local := comp(t, "UID:e", "SUMMARY:Standup", "LOCATION:Room 2", "DTSTART:20261201T090000Z")
	remote := comp(t, "UID:e", "SUMMARY:Daily standup", "LOCATION:Room 1", "DTSTART:20261201T093000Z")
	m, conflicts := Components(base, local, remote)
	if len(conflicts) != 0 {
		t.Fatalf("conflicts %v", conflicts)
	}
	if m.Value("LOCATION") != "Room 2" || m.Value("SUMMARY") != "Daily standup" || m.Value("DTSTART") != "20261201T093000Z" {
		t.Fatalf("merged %+v", m.Props)
	}
	_, conflicts = Components(base, comp(t, "UID:e", "SUMMARY:A", "LOCATION:Room 1", "DTSTART:20261201T090000Z"),
		comp(t, "UID:e", "SUMMARY:B", "LOCATION:Room 1", "DTSTART:20261201T090000Z"))
	if !slices.Equal(conflicts, []string{"SUMMARY"}) {
		t.Fatalf("conflicts %v", conflicts)
	}
}
