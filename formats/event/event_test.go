package event

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/push/schema"
)

func readItems(t *testing.T, src string) []*Item {
	t.Helper()
	doc, err := ical.Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	items, problems := Items(doc, "test.ics")
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	return items
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestWeeklyAcrossDST checks that a weekly meeting keeps its wall-clock
// time on both sides of a DST change, before and after a trip through
// ActiveSync (which carries UTC times plus the zone's rules).
func TestWeeklyAcrossDST(t *testing.T) {
	tests := []struct {
		tzid  string
		start string // a Monday some weeks before the spring change
	}{
		{"Europe/Berlin", "20260302T090000"},
		{"America/New_York", "20260223T090000"},
		{"W. Europe Standard Time", "20261005T090000"}, // autumn change
	}
	for _, tt := range tests {
		for _, v := range []Version{V141, V161} {
			src := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:dst-" + tt.tzid + "\r\nDTSTAMP:20260101T000000Z\r\n" +
				"DTSTART;TZID=" + tt.tzid + ":" + tt.start + "\r\nDTEND;TZID=" + tt.tzid + ":" + tt.start[:9] + "100000\r\n" +
				"RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
			it := readItems(t, src)[0]
			opts := Options{Version: v}
			e, _, err := ToEAS(it, opts)
			if err != nil {
				t.Fatal(err)
			}
			if e.Recurrence == nil || e.Recurrence.Type != schema.RecurWeekly || *e.Recurrence.DayOfWeek != schema.Monday || *e.Recurrence.Occurrences != 8 {
				t.Fatalf("%s: recurrence = %+v", tt.tzid, e.Recurrence)
			}
			if !e.TimeZone.HasDST() {
				t.Errorf("%s: blob without DST: %+v", tt.tzid, e.TimeZone)
			}
			back, _, err := FromEAS(e, nil, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, item := range []*Item{it, back} {
				occ, err := Occurrences(item, opts, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
				if err != nil {
					t.Fatal(err)
				}
				if len(occ) != 8 {
					t.Fatalf("%s: %d occurrences", tt.tzid, len(occ))
				}
				loc := occ[0].Start.Location()
				offsets := map[int]bool{}
				for _, o := range occ {
					l := o.Start.In(loc)
					if l.Hour() != 9 || l.Minute() != 0 || l.Weekday() != time.Monday {
						t.Errorf("%s (%s): occurrence at %v, want Monday 09:00 local", tt.tzid, v, l)
					}
					if o.End.Sub(o.Start) != time.Hour {
						t.Errorf("%s: duration %v", tt.tzid, o.End.Sub(o.Start))
					}
					_, off := l.Zone()
					offsets[off] = true
				}
				if len(offsets) != 2 {
					t.Errorf("%s: series does not cross a DST change (offsets %v)", tt.tzid, offsets)
				}
			}
		}
	}
}

const seriesSrc = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:series-1\r\nDTSTAMP:20260101T000000Z\r\n" +
	"DTSTART;TZID=Europe/Berlin:20260302T090000\r\nDTEND;TZID=Europe/Berlin:20260302T100000\r\n" +
	"RRULE:FREQ=DAILY;COUNT=10\r\nSUMMARY:Daily\r\nX-CUSTOM;X-P=1:keep me\r\nRDATE;TZID=Europe/Berlin:20260320T150000\r\n" +
	"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n" +
	"BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// TestMovedAndDeletedOccurrence changes a series on the server side (one
// occurrence moved, one deleted) and merges it back, on both protocol
// versions: the local file gains one override and one EXDATE, keeps
// everything ActiveSync cannot carry, and has no duplicate instances.
// A second merge of the same server state changes nothing.
func TestMovedAndDeletedOccurrence(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	for _, v := range []Version{V141, V161} {
		base := readItems(t, seriesSrc)[0]
		opts := Options{Version: v}
		e, rep, err := ToEAS(base, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Count(Lost); got != 0 {
			t.Fatalf("ToEAS lost %d", got)
		}
		moved := time.Date(2026, 3, 4, 9, 0, 0, 0, berlin)
		deleted := time.Date(2026, 3, 6, 9, 0, 0, 0, berlin)
		del := schema.Bool(true)
		subj := "Moved"
		xs := []schema.EventException{
			{ExceptionStartTime: schema.NewEventTime(moved), StartTime: schema.NewEventTime(moved.Add(5 * time.Hour)),
				EndTime: schema.NewEventTime(moved.Add(6 * time.Hour)), Subject: &subj},
			{ExceptionStartTime: schema.NewEventTime(deleted), Deleted: &del},
		}
		if v == V161 {
			for i := range xs {
				id := instanceID(xs[i].ExceptionStartTime.Time)
				xs[i].InstanceID, xs[i].ExceptionStartTime = &id, nil
			}
		}
		e.Exceptions = &schema.EventExceptions{Exception: xs}
		merged, _, err := FromEAS(e, base, opts)
		if err != nil {
			t.Fatal(err)
		}
		out := merged.Calendar.String()
		for _, want := range []string{"X-CUSTOM;X-P=1:keep me", "RDATE;TZID=Europe/Berlin:20260320T150000", "ACTION:AUDIO",
			"EXDATE;TZID=Europe/Berlin:20260306T090000", "RECURRENCE-ID;TZID=Europe/Berlin:20260304T090000", "SUMMARY:Moved"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: merged file lacks %q:\n%s", v, want, out)
			}
		}
		if strings.Contains(base.Calendar.String(), "EXDATE") {
			t.Fatal("base modified")
		}
		occ, err := Occurrences(merged, opts, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		// 10 daily + 1 RDATE − 1 deleted; the moved one is still one instance.
		if len(occ) != 10 {
			t.Errorf("%s: %d occurrences, want 10", v, len(occ))
		}
		seen := map[int64]bool{}
		for _, o := range occ {
			if seen[o.Start.Unix()] {
				t.Errorf("%s: duplicate occurrence %v", v, o.Start)
			}
			seen[o.Start.Unix()] = true
			if o.Start.Equal(deleted) || o.Start.Equal(moved) {
				t.Errorf("%s: occurrence %v should be gone", v, o.Start)
			}
		}
		if !seen[moved.Add(5*time.Hour).Unix()] {
			t.Errorf("%s: moved occurrence missing", v)
		}
		// Mapping the merged item again yields the server's state, and a
		// second merge is a no-op.
		e2, _, err := ToEAS(merged, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(e2.Exceptions.Exception) != 2 {
			t.Errorf("%s: %d exceptions after merge", v, len(e2.Exceptions.Exception))
		}
		again, _, err := FromEAS(e2, merged, opts)
		if err != nil {
			t.Fatal(err)
		}
		if again.Calendar.String() != out {
			t.Errorf("%s: second merge changed the file:\n%s", v, diffContext(out, again.Calendar.String()))
		}
		// Undo on the server: exceptions removed → override and EXDATE go.
		e2.Exceptions = nil
		undone, _, err := FromEAS(e2, merged, opts)
		if err != nil {
			t.Fatal(err)
		}
		if s := undone.Calendar.String(); strings.Contains(s, "EXDATE") || strings.Contains(s, "RECURRENCE-ID") || !strings.Contains(s, "X-CUSTOM") {
			t.Errorf("%s: undo left:\n%s", v, s)
		}
	}
}

func TestAllDayMultiDay(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:trip\r\nDTSTART;VALUE=DATE:20260328\r\nDTEND;VALUE=DATE:20260401\r\nSUMMARY:Trip\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	for _, zone := range []string{"Europe/Berlin", "America/New_York", "Pacific/Auckland"} {
		loc := mustLoad(t, zone)
		opts := Options{Version: V141, Zone: loc}
		it := readItems(t, src)[0]
		e, _, err := ToEAS(it, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !bool(*e.AllDayEvent) {
			t.Fatal("not all-day")
		}
		s, en := e.StartTime.In(loc), e.EndTime.In(loc)
		if s.Format("2006-01-02 15:04") != "2026-03-28 00:00" || en.Format("2006-01-02 15:04") != "2026-04-01 00:00" {
			t.Errorf("%s: %v – %v", zone, s, en)
		}
		back, _, err := FromEAS(e, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := back.Master.Prop("DTSTART"); got.Value != "20260328" || got.Param("VALUE") != "DATE" {
			t.Errorf("%s: DTSTART back = %v", zone, got)
		}
		if got := back.Master.Value("DTEND"); got != "20260401" {
			t.Errorf("%s: DTEND back = %s", zone, got)
		}
	}
}

func TestRecurrenceMapping(t *testing.T) {
	start := when{T: time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC), Zone: Options{}.zone()}
	noUntil := func(string) (time.Time, error) { return time.Time{}, nil }
	dow := func(d schema.DayOfWeek) *schema.DayOfWeek { return &d }
	tests := []struct {
		rule string
		want schema.Recurrence
		back string
	}{
		{"FREQ=DAILY;INTERVAL=2", schema.Recurrence{Type: schema.RecurDaily, Interval: intp(2)}, "FREQ=DAILY;INTERVAL=2"},
		{"FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=MO", schema.Recurrence{Type: schema.RecurWeekly, Interval: intp(1), DayOfWeek: dow(42), FirstDayOfWeek: intp(1)}, "FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=MO"},
		{"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", schema.Recurrence{Type: schema.RecurWeekly, Interval: intp(1), DayOfWeek: dow(schema.Weekdays)}, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},
		{"FREQ=MONTHLY;BYMONTHDAY=15;COUNT=5", schema.Recurrence{Type: schema.RecurMonthly, Interval: intp(1), DayOfMonth: intp(15), Occurrences: intp(5)}, "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=5"},
		{"FREQ=MONTHLY;BYDAY=-1FR", schema.Recurrence{Type: schema.RecurMonthlyNth, Interval: intp(1), WeekOfMonth: intp(5), DayOfWeek: dow(schema.Friday)}, "FREQ=MONTHLY;BYDAY=-1FR"},
		{"FREQ=MONTHLY;BYDAY=2TU", schema.Recurrence{Type: schema.RecurMonthlyNth, Interval: intp(1), WeekOfMonth: intp(2), DayOfWeek: dow(schema.Tuesday)}, "FREQ=MONTHLY;BYDAY=2TU"},
		{"FREQ=MONTHLY;BYMONTHDAY=-1", schema.Recurrence{Type: schema.RecurMonthlyNth, Interval: intp(1), WeekOfMonth: intp(5), DayOfWeek: dow(schema.LastDayOfMonth)}, "FREQ=MONTHLY;BYMONTHDAY=-1"},
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", schema.Recurrence{Type: schema.RecurMonthlyNth, Interval: intp(1), WeekOfMonth: intp(5), DayOfWeek: dow(schema.Weekdays)}, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"},
		{"FREQ=YEARLY", schema.Recurrence{Type: schema.RecurYearly, Interval: intp(1), MonthOfYear: intp(1), DayOfMonth: intp(15)}, "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15"},
		{"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", schema.Recurrence{Type: schema.RecurYearlyNth, Interval: intp(1), MonthOfYear: intp(11), WeekOfMonth: intp(4), DayOfWeek: dow(schema.Thursday)}, "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"},
	}
	for _, tt := range tests {
		r, err := toRecurrence(tt.rule, start, noUntil)
		if err != nil {
			t.Errorf("%s: %v", tt.rule, err)
			continue
		}
		if !sameXML(r, &tt.want) {
			t.Errorf("%s:\n got %s\nwant %s", tt.rule, xmlString(r), xmlString(&tt.want))
		}
		back, err := fromRecurrence(r, func(time.Time) string { return "" })
		if err != nil || back != tt.back {
			t.Errorf("%s: back = %q, %v; want %q", tt.rule, back, err, tt.back)
		}
	}
	for _, bad := range []string{
		"FREQ=HOURLY", "FREQ=WEEKLY;BYHOUR=9", "FREQ=MONTHLY;BYDAY=5MO", "FREQ=MONTHLY;BYMONTHDAY=31",
		"FREQ=MONTHLY;BYMONTHDAY=1,15", "FREQ=YEARLY;BYMONTH=1,7", "FREQ=DAILY;BYDAY=MO;INTERVAL=2", "FREQ=MONTHLY;BYDAY=1MO,2TU",
	} {
		if r, err := toRecurrence(bad, start, noUntil); err == nil {
			t.Errorf("%s: accepted as %s, want kept locally", bad, xmlString(r))
		}
	}
}

func TestVCalRule(t *testing.T) {
	tests := map[string]string{
		"W1 MO #10":                    "FREQ=WEEKLY;BYDAY=MO;COUNT=10",
		"D2 #0":                        "FREQ=DAILY;INTERVAL=2",
		"W2 MO WE FR 19970101T000000Z": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;UNTIL=19970101T000000Z",
		"MP1 1+ MO #3":                 "FREQ=MONTHLY;BYDAY=1MO;COUNT=3",
		"MP1 1- FR #0":                 "FREQ=MONTHLY;BYDAY=-1FR",
		"MD1 15 #0":                    "FREQ=MONTHLY;BYMONTHDAY=15",
		"YM1 6 #5":                     "FREQ=YEARLY;BYMONTH=6;COUNT=5",
	}
	for in, want := range tests {
		got, err := vcalRule(in)
		if err != nil || got != want {
			t.Errorf("vcalRule(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "X1", "W0 MO", "W1 MO $ D1"} {
		if got, err := vcalRule(bad); err == nil {
			t.Errorf("vcalRule(%q) = %q, want error", bad, got)
		}
	}
}

func TestAttendeesAndReminder(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:m\r\nDTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\n" +
		"ORGANIZER;CN=Boss:mailto:boss@example.com\r\n" +
		"ATTENDEE;CN=Me;PARTSTAT=TENTATIVE;RSVP=TRUE:mailto:me@example.com\r\n" +
		"ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=DECLINED;X-NUM-GUESTS=0:mailto:opt@example.com\r\n" +
		"ATTENDEE;CUTYPE=ROOM:mailto:room@example.com\r\nCLASS:CONFIDENTIAL\r\nTRANSP:TRANSPARENT\r\n" +
		"X-MICROSOFT-CDO-BUSYSTATUS:OOF\r\nSTATUS:CANCELLED\r\nCATEGORIES:A,B\\,C\r\nCATEGORIES:D\r\n" +
		"BEGIN:VALARM\r\nTRIGGER;RELATED=END:-PT5M\r\nEND:VALARM\r\nBEGIN:VALARM\r\nTRIGGER:-P1D\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	it := readItems(t, src)[0]
	opts := Options{Version: V141, UserEmail: "ME@example.com"}
	e, _, err := ToEAS(it, opts)
	if err != nil {
		t.Fatal(err)
	}
	if *e.OrganizerEmail != "boss@example.com" || *e.OrganizerName != "Boss" {
		t.Errorf("organizer %v %v", *e.OrganizerEmail, *e.OrganizerName)
	}
	at := e.Attendees.Attendee
	if len(at) != 3 || *at[0].AttendeeStatus != schema.AttendeeTentative || *at[1].AttendeeType != schema.AttendeeOptional ||
		*at[1].AttendeeStatus != schema.AttendeeDeclined || *at[2].AttendeeType != schema.AttendeeResource || at[2].Name != "room@example.com" {
		t.Errorf("attendees %s", xmlString(e.Attendees))
	}
	if *e.ResponseType != schema.ResponseTentative || *e.MeetingStatus != schema.MeetingCancelledReceived {
		t.Errorf("response %v meeting %v", *e.ResponseType, *e.MeetingStatus)
	}
	if *e.Sensitivity != schema.SensitivityConfidential || *e.BusyStatus != schema.BusyOutOfOffice {
		t.Errorf("sensitivity %v busy %v", *e.Sensitivity, *e.BusyStatus)
	}
	if got := strings.Join(e.Categories.Category, "|"); got != "A|B,C|D" {
		t.Errorf("categories %q", got)
	}
	// The RELATED=END alarm is not a reminder; the 1-day one is.
	if e.Reminder == nil || *e.Reminder != 24*60 {
		t.Errorf("reminder %v", e.Reminder)
	}
	// Server: I accept, reminder 15 min. Merge keeps RSVP and X-NUM-GUESTS.
	acc := schema.AttendeeAccepted
	e.Attendees.Attendee[0].AttendeeStatus = &acc
	m := 15
	e.Reminder = &m
	merged, _, err := FromEAS(e, it, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := merged.Calendar.String()
	for _, want := range []string{"ATTENDEE;CN=Me;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:me@example.com", "X-NUM-GUESTS=0",
		"TRIGGER;RELATED=END:-PT5M", "TRIGGER:-PT15M", "CATEGORIES:A,B\\,C"} {
		if !strings.Contains(out, want) {
			t.Errorf("merged lacks %q:\n%s", want, out)
		}
	}
}

func TestVersionDifferences(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:v\r\nDTSTART:20260302T090000Z\r\nSUMMARY:\r\nLOCATION:Hauptplatz 1\r\n" +
		"X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-TITLE=Hauptplatz:geo:48.3,14.28\r\nATTENDEE;RSVP=TRUE:mailto:me@example.com\r\n" +
		"RRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:20260303T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	it := readItems(t, src)[0]
	e14, _, err := ToEAS(it, Options{Version: V141, UserEmail: "me@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	e16, _, err := ToEAS(it, Options{Version: V161, UserEmail: "me@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if e14.Subject != nil || e16.Subject != nil {
		t.Errorf("empty SUMMARY: 14.1 %v, 16.1 %v (no empty elements)", e14.Subject, e16.Subject)
	}
	if e14.Location == nil || e14.Place != nil || e16.Location != nil || *e16.Place.DisplayName != "Hauptplatz 1" || *e16.Place.Latitude != 48.3 {
		t.Errorf("location: 14.1 %s / 16.1 %s", xmlString(e14), xmlString(e16))
	}
	x14, x16 := e14.Exceptions.Exception[0], e16.Exceptions.Exception[0]
	if x14.ExceptionStartTime == nil || x14.InstanceID != nil || x16.ExceptionStartTime != nil || *x16.InstanceID != "2026-03-03T09:00:00.000Z" {
		t.Errorf("exception ids: 14.1 %s / 16.1 %s", xmlString(x14), xmlString(x16))
	}
	if e14.ResponseRequested == nil || !bool(*e14.ResponseRequested) {
		t.Errorf("ResponseRequested = %v", e14.ResponseRequested)
	}
}

func TestMergeClearsAndGuards(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:g\r\nDTSTART:20260302T090000Z\r\nSUMMARY:Plan\r\nLOCATION:Room 1\r\n" +
		"DESCRIPTION:Local notes\r\nX-ALT-DESC;FMTTYPE=text/html:<p>Local notes</p>\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	it := readItems(t, src)[0]
	opts := Options{Version: V141}
	e, _, err := ToEAS(it, opts)
	if err != nil {
		t.Fatal(err)
	}
	// 14.1 empty Location clears it; an HTML body must not wipe the text;
	// a truncated plain body must not either.
	empty := ""
	e.Location = &empty
	html := "<b>server</b>"
	e.Body = &schema.Body{Type: schema.BodyHTML, Data: &html}
	merged, rep, err := FromEAS(e, it, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := merged.Calendar.String()
	if strings.Contains(out, "LOCATION") || !strings.Contains(out, "DESCRIPTION:Local notes") || !strings.Contains(out, "X-ALT-DESC") {
		t.Errorf("merged:\n%s\nnotes %v", out, rep.Notes)
	}
	trunc := schema.Bool(true)
	part := "Loc"
	e.Body = &schema.Body{Type: schema.BodyPlain, Data: &part, Truncated: &trunc}
	merged, _, _ = FromEAS(e, it, opts)
	if !strings.Contains(merged.Calendar.String(), "DESCRIPTION:Local notes") {
		t.Errorf("truncated body overwrote DESCRIPTION")
	}
	full := "New notes"
	e.Body = &schema.Body{Type: schema.BodyPlain, Data: &full}
	merged, _, _ = FromEAS(e, it, opts)
	if !strings.Contains(merged.Calendar.String(), "DESCRIPTION:New notes") {
		t.Errorf("plain body not applied:\n%s", merged.Calendar.String())
	}
}
