package event

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push/schema"
)

// An Apple iCal 1.x file lists its two modified instances in EXDATE too.
// Occurrences keeps the overrides, so ToEAS must send them as modified
// exceptions, not as deleted ones (which would drop both instances and
// their alarms on every other device).
func TestOverrideThatIsAlsoExdateGoesAsModified(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
		"BEGIN:VEVENT\r\nUID:amex\r\nDTSTART;VALUE=DATE:20040224\r\nDTEND;VALUE=DATE:20040225\r\nSUMMARY:Pay bill\r\n" +
		"RECURRENCE-ID;VALUE=DATE:20040224\r\nBEGIN:VALARM\r\nTRIGGER:-PT16H\r\nACTION:AUDIO\r\nEND:VALARM\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:amex\r\nDTSTART;VALUE=DATE:20040324\r\nDTEND;VALUE=DATE:20040325\r\nSUMMARY:Pay bill\r\n" +
		"RECURRENCE-ID;VALUE=DATE:20040324\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:amex\r\nEXDATE;VALUE=DATE:20040324\r\nEXDATE;VALUE=DATE:20040224\r\nDTSTART;VALUE=DATE:20040224\r\n" +
		"DTEND;VALUE=DATE:20040225\r\nSUMMARY:Pay bill\r\nRRULE:FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=24\r\n" +
		"BEGIN:VALARM\r\nTRIGGER:-P1D\r\nACTION:AUDIO\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	from, to := time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, v := range []Version{V141, V161} {
		it := readItems(t, src)[0]
		opts := Options{Version: v}
		e, rep, err := ToEAS(it, opts)
		if err != nil {
			t.Fatal(err)
		}
		if n := rep.Count(Lost); n != 0 {
			t.Errorf("%s: %d properties lost: %v", v, n, rep.Lost())
		}
		for _, p := range rep.Props {
			if p.Prop == "RECURRENCE-ID" && p.Status != Carried {
				t.Errorf("%s: %v", v, p)
			}
		}
		if e.Exceptions == nil || len(e.Exceptions.Exception) != 2 {
			t.Fatalf("%s: exceptions %+v, want 2", v, e.Exceptions)
		}
		for _, x := range e.Exceptions.Exception {
			if x.Deleted != nil && bool(*x.Deleted) {
				t.Errorf("%s: exception %+v sent as deleted", v, x)
			}
			if x.StartTime == nil {
				t.Errorf("%s: modified exception without StartTime", v)
			}
		}
		if r := e.Exceptions.Exception[0].Reminder; r == nil || *r != 16*60 {
			t.Errorf("%s: first override's reminder %v, want 960", v, r)
		}
		want, err := Occurrences(it, opts, from, to)
		if err != nil {
			t.Fatal(err)
		}
		back, _, err := FromEAS(e, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Occurrences(back, opts, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(want) != 11 {
			t.Fatalf("%s: %d occurrences after the trip, %d before (want 11)", v, len(got), len(want))
		}
		for i := range want {
			if !got[i].Start.Equal(want[i].Start) {
				t.Errorf("%s: occurrence %d at %v, want %v", v, i, got[i].Start, want[i].Start)
			}
		}
	}
}

// SOGo 5.8 answers a monthly-by-day rule as <Recurrence><Type>2</Type>
// </Recurrence>: no DayOfMonth, no Interval. The rule must survive, on the
// day of the first instance, fresh and when merged onto the file it came
// from (where it must not even count as a change).
func TestRecurrenceWithoutPatternFieldsTakesStart(t *testing.T) {
	utc := func(s string) *schema.EventTime {
		tm, err := time.Parse("20060102T150405Z", s)
		if err != nil {
			t.Fatal(err)
		}
		return schema.NewEventTime(tm)
	}
	cases := []struct {
		name, rrule, start string
		allDay             bool
		got                schema.Recurrence
		wantRule           string
	}{
		{"monthly all-day", "FREQ=MONTHLY;BYMONTHDAY=24", "20040224T000000Z", true,
			schema.Recurrence{Type: schema.RecurMonthly}, "FREQ=MONTHLY;BYMONTHDAY=24"},
		{"yearly", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4", "20260704T090000Z", false,
			schema.Recurrence{Type: schema.RecurYearly}, "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4"},
		{"weekly", "FREQ=WEEKLY;BYDAY=WE", "20260701T090000Z", false,
			schema.Recurrence{Type: schema.RecurWeekly}, "FREQ=WEEKLY;BYDAY=WE"},
		{"monthly nth", "FREQ=MONTHLY;BYDAY=3TH", "20260716T090000Z", false,
			schema.Recurrence{Type: schema.RecurMonthlyNth}, "FREQ=MONTHLY;BYDAY=3TH"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := &schema.Event{StartTime: utc(tc.start), EndTime: utc(tc.start), Recurrence: &tc.got}
			if tc.allDay {
				ad := schema.Bool(true)
				e.AllDayEvent = &ad
				e.EndTime = schema.NewEventTime(e.StartTime.Time.AddDate(0, 0, 1))
			}
			uid := "u-" + strings.ReplaceAll(tc.name, " ", "-")
			e.UID = &uid
			it, rep, err := FromEAS(e, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := it.Master.Value("RRULE"); got != tc.wantRule {
				t.Errorf("RRULE %q, want %q (notes %v)", got, tc.wantRule, rep.Notes)
			}
			if tc.got.DayOfMonth != nil || tc.got.Interval != nil {
				t.Error("FromEAS modified its input")
			}
			// Merged onto the file the rule came from, nothing changes.
			base := it.Calendar.String()
			again, _, err := FromEAS(e, it, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if s := again.Calendar.String(); s != base {
				t.Errorf("merge rewrote the file:\n%s", diffContext(base, s))
			}
		})
	}
}

// RDATE has no ActiveSync form: it stays in the file and the report warns,
// naming the item, that other devices will lack those occurrences. An
// alarm's ACTION, also kept locally, warrants no warning.
func TestScheduleWarnings(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // substrings, one warning each
	}{
		{"rdate", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d_rdate\r\nDTSTART;VALUE=DATE:20150812\r\nDTEND;VALUE=DATE:20150813\r\n" +
			"RDATE;VALUE=DATE:20150812,20150813\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			[]string{`event "d_rdate": VEVENT RDATE (line 6) is kept-locally`}},
		{"thisandfuture", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTART:20260105T090000Z\r\nRRULE:FREQ=DAILY;COUNT=5\r\nEND:VEVENT\r\n" +
			"BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20260107T090000Z\r\nDTSTART:20260107T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			[]string{`event "s": VEVENT[RECURRENCE-ID=20260107T090000Z] RECURRENCE-ID (line 9)`, `VEVENT[RECURRENCE-ID=20260107T090000Z] DTSTART (line 10)`}},
		{"alarm action only", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260105T090000Z\r\nSUMMARY:x\r\n" +
			"BEGIN:VALARM\r\nTRIGGER:-PT5M\r\nACTION:AUDIO\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, rep, err := ToEAS(readItems(t, tc.src)[0], Options{Version: V161})
			if err != nil {
				t.Fatal(err)
			}
			got := rep.Warnings()
			if len(got) != len(tc.want) {
				t.Fatalf("warnings %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %q lacks %q", got[i], w)
				}
			}
		})
	}
}
