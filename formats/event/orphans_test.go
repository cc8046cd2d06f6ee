package event

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push/schema"
)

func sameOccurrences(t *testing.T, what string, a, b *Item, opts Options) {
	t.Helper()
	from, to := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	oa, err := Occurrences(a, opts, from, to)
	if err != nil {
		t.Fatal(err)
	}
	ob, err := Occurrences(b, opts, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(oa) != len(ob) {
		t.Fatalf("%s: %d occurrences became %d", what, len(oa), len(ob))
	}
	for i := range oa {
		if !oa[i].Start.Equal(ob[i].Start) || !oa[i].End.Equal(ob[i].End) {
			t.Errorf("%s: occurrence %d %v–%v became %v–%v", what, i, oa[i].Start, oa[i].End, ob[i].Start, ob[i].End)
		}
	}
}

// Several overrides without their master all reach the server, as a
// series whose every instance is one of them or deleted, on 14.1 and 16.1;
// the other device gets the same occurrences, and the server's copy merged
// onto the file changes nothing.
func TestOrphanOverridesAllSynced(t *testing.T) {
	b, err := os.ReadFile("../testdata/corpus/ical/orphan-overrides-no-master.ics")
	if err != nil {
		t.Fatal(err)
	}
	three := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
		"BEGIN:VEVENT\r\nUID:inv\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260311T100000\r\nDTSTART;TZID=Europe/Berlin:20260311T140000\r\n" +
		"DTEND;TZID=Europe/Berlin:20260311T150000\r\nSUMMARY:Review (moved)\r\nX-CUSTOM:wed\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:inv\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260309T100000\r\nDTSTART;TZID=Europe/Berlin:20260309T100000\r\n" +
		"DTEND;TZID=Europe/Berlin:20260309T110000\r\nSUMMARY:Review\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:inv\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260331T100000\r\nDTSTART;TZID=Europe/Berlin:20260331T100000\r\n" +
		"DTEND;TZID=Europe/Berlin:20260331T110000\r\nSUMMARY:Review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	cases := []struct {
		name, src    string
		every, count int
	}{
		{"corpus weekly floating", string(b), 7, 2},
		{"three across DST", three, 2, 12}, // days 0, 2 and 22 after Mar 9
	}
	for _, tc := range cases {
		for _, v := range []Version{V141, V161} {
			t.Run(tc.name+" "+string(v), func(t *testing.T) {
				opts := Options{Version: v}
				it := readItems(t, tc.src)[0]
				if it.Master != nil || len(it.Overrides) < 2 {
					t.Fatalf("want an orphan item, got master %v and %d overrides", it.Master != nil, len(it.Overrides))
				}
				e, rep, err := ToEAS(it, opts)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range rep.Props {
					if p.Prop == "RECURRENCE-ID" && p.Status != Carried || p.Status == Lost {
						t.Errorf("%v", p)
					}
				}
				if w := rep.Warnings(); len(w) > 0 {
					t.Errorf("warnings: %q", w)
				}
				r := e.Recurrence
				if r == nil || r.Type != schema.RecurDaily || *r.Interval != tc.every || *r.Occurrences != tc.count {
					t.Fatalf("recurrence %+v, want every %d days × %d", r, tc.every, tc.count)
				}
				modified := 0
				for _, x := range e.Exceptions.Exception {
					if x.Deleted == nil || !bool(*x.Deleted) {
						modified++
					}
					if v == V161 && (x.InstanceID == nil || x.ExceptionStartTime != nil) {
						t.Errorf("16.1 exception without InstanceId: %+v", x)
					}
				}
				if modified != len(it.Overrides) || len(e.Exceptions.Exception) != tc.count {
					t.Errorf("%d modified of %d exceptions, want %d of %d", modified, len(e.Exceptions.Exception), len(it.Overrides), tc.count)
				}
				other, _, err := FromEAS(e, nil, opts)
				if err != nil {
					t.Fatal(err)
				}
				sameOccurrences(t, "other device", it, other, opts)
				back, _, err := FromEAS(e, it, opts)
				if err != nil {
					t.Fatal(err)
				}
				if a, b := it.Calendar.String(), back.Calendar.String(); a != b {
					t.Errorf("merging the server's own copy changed the file:\n%s", diffContext(a, b))
				}
			})
		}
	}
}

// Changes made on the server to one occurrence of such a series reach
// just that override; a deleted occurrence removes its override; a change
// to the series itself is adopted with a master.
func TestOrphanOverridesMerge(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
		"BEGIN:VEVENT\r\nUID:inv\r\nRECURRENCE-ID:20260309T090000Z\r\nDTSTART:20260309T090000Z\r\nDTEND:20260309T100000Z\r\n" +
		"SUMMARY:Review\r\nX-CUSTOM:mon\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:inv\r\nRECURRENCE-ID:20260311T090000Z\r\nDTSTART:20260311T130000Z\r\nDTEND:20260311T140000Z\r\n" +
		"SUMMARY:Review\r\nX-CUSTOM:wed\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:inv\r\nRECURRENCE-ID:20260313T090000Z\r\nDTSTART:20260313T090000Z\r\nDTEND:20260313T100000Z\r\n" +
		"SUMMARY:Review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	opts := Options{Version: V141}
	base := readItems(t, src)[0]
	e, _, err := ToEAS(base, opts)
	if err != nil {
		t.Fatal(err)
	}
	wed := time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)
	fri := time.Date(2026, 3, 13, 9, 0, 0, 0, time.UTC)
	subj := "Review with Ana"
	for i, x := range e.Exceptions.Exception {
		switch {
		case x.ExceptionStartTime.Equal(wed):
			e.Exceptions.Exception[i].Subject = &subj
		case x.ExceptionStartTime.Equal(fri):
			del := schema.Bool(true)
			e.Exceptions.Exception[i] = schema.EventException{ExceptionStartTime: x.ExceptionStartTime, Deleted: &del}
		}
	}
	merged, _, err := FromEAS(e, base, opts)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Master != nil || len(merged.Overrides) != 2 {
		t.Fatalf("merged: master %v, %d overrides:\n%s", merged.Master != nil, len(merged.Overrides), merged.Calendar)
	}
	if got := merged.Overrides[0].String(); got != base.Overrides[0].String() {
		t.Errorf("untouched Monday rewritten:\n%s", got)
	}
	w := merged.Overrides[1].String()
	if !strings.Contains(w, "SUMMARY:Review with Ana") || !strings.Contains(w, "X-CUSTOM:wed") || !strings.Contains(w, "DTSTART:20260311T130000Z") {
		t.Errorf("Wednesday override:\n%s", w)
	}
	if strings.Contains(merged.Calendar.String(), "20260313") {
		t.Errorf("Friday deleted on the server but kept:\n%s", merged.Calendar)
	}

	// The series moved to 10:00 on the server: adopted whole.
	e2, _, err := ToEAS(base, opts)
	if err != nil {
		t.Fatal(err)
	}
	e2.StartTime = schema.NewEventTime(e2.StartTime.Add(time.Hour))
	e2.EndTime = schema.NewEventTime(e2.EndTime.Add(time.Hour))
	e2.Exceptions = nil
	adopted, rep, err := FromEAS(e2, base, opts)
	if err != nil {
		t.Fatal(err)
	}
	if adopted.Master == nil || adopted.Master.Value("RRULE") == "" {
		t.Fatalf("series change not adopted (notes %v):\n%s", rep.Notes, adopted.Calendar)
	}
	fresh, _, err := FromEAS(e2, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	sameOccurrences(t, "adopted", fresh, adopted, opts)
}

// Overrides that cannot line up on one series (different times of day)
// still leave nothing silent: the first is sent, the others stay in the
// file and the report warns about each, by item and line.
func TestOrphanOverridesFallbackWarns(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
		"BEGIN:VEVENT\r\nUID:odd\r\nRECURRENCE-ID:20260309T090000Z\r\nDTSTART:20260309T090000Z\r\nSUMMARY:a\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:odd\r\nRECURRENCE-ID:20260310T093000Z\r\nDTSTART:20260310T093000Z\r\nSUMMARY:b\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	e, rep, err := ToEAS(readItems(t, src)[0], Options{Version: V161})
	if err != nil {
		t.Fatal(err)
	}
	if e.Recurrence != nil {
		t.Errorf("made a series of overrides at different times: %+v", e.Recurrence)
	}
	w := rep.Warnings()
	if len(w) == 0 || !strings.Contains(strings.Join(w, "\n"), `event "odd": VEVENT[RECURRENCE-ID=20260310T093000Z] RECURRENCE-ID (line 11)`) {
		t.Errorf("warnings %q", w)
	}
}
