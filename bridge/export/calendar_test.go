package export

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/formats/event"
	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
)

// starts maps each calendar object of kind in data to the instants of its
// first start, as a reader of that file resolves them, keyed by UID (or,
// for objects without one, by their DTSTART and SUMMARY text). Objects
// met again under a UID already seen are left out, as the export does.
func starts(t *testing.T, data []byte, kind string) (map[string][]time.Time, []*event.Item) {
	t.Helper()
	items, _, err := parseItems(data, "f", Options{})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	out := map[string][]time.Time{}
	seen := map[string]bool{}
	var kept []*event.Item
	for _, it := range items {
		if it == nil || it.Kind != kind || seen[it.UID] {
			continue
		}
		seen[it.UID] = true
		p := primary(it)
		key := p.Value("UID")
		if strings.HasSuffix(key, "@cradle-export") {
			key = "no UID: " + p.Value("DTSTART") + " " + p.Value("SUMMARY")
		}
		when, _ := sortTime(it, tz.NewResolver(it.Calendar), nil)
		out[key] = append(out[key], when)
		kept = append(kept, it)
	}
	return out, kept
}

func TestCalendarCorpusRoundTrip(t *testing.T) {
	v, names := corpusVdir(t, "ical", ".ics")
	want := map[string][]time.Time{}
	total := 0
	for _, name := range names { // corpusVdir's names are sorted, as the export reads them
		data, _, err := v.Get(bg, name)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := starts(t, data, "VEVENT")
		for key, when := range got {
			if _, dup := want[key]; !dup || strings.HasPrefix(key, "no UID") {
				want[key] = append(want[key], when...)
				total += len(when)
			}
		}
	}
	if len(want) < 100 {
		t.Fatalf("corpus has only %d events; fixture missing?", len(want))
	}
	var out bytes.Buffer
	st, err := Calendar(bg, &out, []store.Store{v}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != total {
		t.Errorf("Items = %d, want %d", st.Items, total)
	}
	doc, err := ical.Read(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Calendars) != 1 || len(doc.Errors()) != 0 {
		t.Fatalf("%d calendars, errors %v", len(doc.Calendars), doc.Errors())
	}
	got, items := starts(t, out.Bytes(), "VEVENT")
	if len(got) != len(want) {
		t.Errorf("re-imported %d events, want %d", len(got), len(want))
	}
	for key, w := range want {
		g := got[key]
		slices.SortFunc(g, time.Time.Compare)
		slices.SortFunc(w, time.Time.Compare)
		if !slices.EqualFunc(g, w, time.Time.Equal) {
			t.Errorf("event %q starts %v, want %v", key, g, w)
		}
	}
	for i := 1; i < len(items); i++ {
		a, aok := sortTime(items[i-1], tz.NewResolver(items[i-1].Calendar), nil)
		b, bok := sortTime(items[i], tz.NewResolver(items[i].Calendar), nil)
		if bok && (!aok || b.Before(a)) {
			t.Errorf("event %q (%v) after %q (%v)", items[i].UID, b, items[i-1].UID, a)
		}
		if !strings.HasSuffix(items[i].UID, "@cradle-export") && primary(items[i]).Prop("UID") == nil {
			t.Errorf("event %q written without UID", items[i].UID)
		}
	}
	checkZones(t, doc.Calendars[0])
	for _, s := range st.Skipped {
		if !strings.Contains(s.Reason.Error(), "UID already exported") && !strings.Contains(s.Reason.Error(), "no END") {
			t.Errorf("unexpected skip %v", s)
		}
	}
}

// checkZones verifies that each TZID is defined once and that every TZID
// used has a definition unless nothing could have supplied one.
func checkZones(t *testing.T, cal *ical.Component) {
	t.Helper()
	defined := map[string]bool{}
	for _, c := range cal.ChildrenNamed("VTIMEZONE") {
		id := c.Prop("TZID").Text()
		if defined[id] {
			t.Errorf("VTIMEZONE %q defined twice", id)
		}
		defined[id] = true
	}
	res := tz.NewResolver()
	for _, c := range cal.Children {
		if c.Name == "VTIMEZONE" {
			continue
		}
		for _, p := range c.Props {
			id := p.Param("TZID")
			if id == "" || defined[normTZID(id)] {
				continue
			}
			if _, err := res.Resolve(id); err == nil {
				t.Errorf("%s uses TZID %q, known but not defined", c.Value("UID"), id)
			}
		}
	}
}

// event builds a VCALENDAR holding the given components' lines.
func calendar(comps ...string) string {
	return crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:test\n" + strings.Join(comps, "") + "END:VCALENDAR\n")
}

const berlin = `BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
`

func vevent(uid string, lines ...string) string {
	return "BEGIN:VEVENT\nUID:" + uid + "\nDTSTAMP:20260101T000000Z\n" + strings.Join(lines, "\n") + "\nEND:VEVENT\n"
}

func rangeFixture(t *testing.T) *store.Vdir {
	return vdirOf(t, ".ics", map[string]string{
		// Weekly, Mondays 5 Jan – 9 Mar 2026, 09:00–10:00 Berlin; the
		// 19 Jan occurrence moved to Tuesday 20 Jan.
		"weekly.ics": calendar(berlin,
			vevent("weekly", "DTSTART;TZID=Europe/Berlin:20260105T090000", "DTEND;TZID=Europe/Berlin:20260105T100000",
				"RRULE:FREQ=WEEKLY;COUNT=10", "SUMMARY:Weekly"),
			vevent("weekly", "RECURRENCE-ID;TZID=Europe/Berlin:20260119T090000",
				"DTSTART;TZID=Europe/Berlin:20260120T090000", "DTEND;TZID=Europe/Berlin:20260120T100000", "SUMMARY:Moved")),
		// Four Mondays in January 2026; the 26 Jan one moved to 15 Mar.
		"moved-out.ics": calendar(
			vevent("moved-out", "DTSTART:20260105T120000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=4"),
			vevent("moved-out", "RECURRENCE-ID:20260126T120000Z", "DTSTART:20260315T120000Z", "DURATION:PT1H")),
		// Daily 1–3 Feb with 2 Feb deleted.
		"exdate.ics": calendar(vevent("exdate", "DTSTART:20260201T080000Z", "DTEND:20260201T090000Z",
			"RRULE:FREQ=DAILY;UNTIL=20260203T080000Z", "EXDATE:20260202T080000Z")),
		"single.ics": calendar(vevent("single", "DTSTART:20260601T100000Z", "DTEND:20260601T110000Z")),
		// Ends exactly at 1 Mar 00:00 UTC.
		"ends-at.ics": calendar(vevent("ends-at", "DTSTART:20260228T230000Z", "DTEND:20260301T000000Z")),
		// All-day, 27 Feb – 2 Mar.
		"allday.ics": calendar(vevent("allday", "DTSTART;VALUE=DATE:20260227", "DTEND;VALUE=DATE:20260303")),
		// Daily since 2020, no end.
		"forever.ics": calendar(vevent("forever", "DTSTART:20200101T070000Z", "DTEND:20200101T071500Z", "RRULE:FREQ=DAILY")),
	})
}

func TestCalendarDateRange(t *testing.T) {
	v := rangeFixture(t)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		from, to time.Time
		want     []string // UIDs in output order
	}{
		{"no range", time.Time{}, time.Time{}, []string{"forever", "weekly", "moved-out", "exdate", "allday", "ends-at", "single"}},
		{"February", day(2, 1), day(3, 1), []string{"forever", "weekly", "exdate", "allday", "ends-at"}},
		{"only the deleted day", day(2, 2), day(2, 3), []string{"forever", "weekly"}},
		{"override moved into range", day(3, 10), day(4, 1), []string{"forever", "moved-out"}},
		// ends-at ends as the range begins; weekly's 2 Mar 09:00 Berlin
		// is 08:00 UTC, after the range.
		{"touching bounds", day(3, 1), day(3, 2), []string{"forever", "allday"}},
		{"open end", day(5, 1), time.Time{}, []string{"forever", "single"}},
		{"open start", time.Time{}, day(1, 6), []string{"forever", "weekly", "moved-out"}},
		{"before everything", time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			st, err := Calendar(bg, &out, []store.Store{v}, Options{From: tc.from, To: tc.to})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := ical.Read(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			items, _ := event.Items(doc, "out")
			var uids []string
			for _, it := range items {
				uids = append(uids, it.UID)
				if it.UID == "weekly" && len(it.Overrides) != 1 {
					t.Errorf("weekly written with %d overrides, want its series whole", len(it.Overrides))
				}
			}
			if !slices.Equal(uids, tc.want) {
				t.Errorf("got %v, want %v", uids, tc.want)
			}
			if st.Items != len(tc.want) || st.OutOfRange != 7-len(tc.want) {
				t.Errorf("Items %d, OutOfRange %d", st.Items, st.OutOfRange)
			}
			wantZone := slices.Contains(tc.want, "weekly")
			if got := strings.Contains(out.String(), "TZID:Europe/Berlin\r\n"); got != wantZone {
				t.Errorf("Berlin VTIMEZONE written: %v, want %v", got, wantZone)
			}
		})
	}
}

func TestCalendarZoneConflict(t *testing.T) {
	zone := func(off string) string {
		return fmt.Sprintf("BEGIN:VTIMEZONE\nTZID:Office\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:%s\nTZOFFSETTO:%s\nEND:STANDARD\nEND:VTIMEZONE\n", off, off)
	}
	a := vdirOf(t, ".ics", map[string]string{"a.ics": calendar(zone("+0100"), vevent("a", "DTSTART;TZID=Office:20260301T090000"))})
	b := vdirOf(t, ".ics", map[string]string{
		"b.ics": calendar(zone("+0500"), vevent("b", "DTSTART;TZID=Office:20260301T090000")),
		"c.ics": calendar(zone("+0100"), vevent("c", "DTSTART;TZID=Office:20260302T090000")),
	})
	var out bytes.Buffer
	if _, err := Calendar(bg, &out, []store.Store{a, b}, Options{}); err != nil {
		t.Fatal(err)
	}
	got, _ := starts(t, out.Bytes(), "VEVENT")
	want := map[string]time.Time{
		"a": time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
		"b": time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC),
		"c": time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC),
	}
	for uid, w := range want {
		if len(got[uid]) != 1 || !got[uid][0].Equal(w) {
			t.Errorf("%s starts %v, want %v", uid, got[uid], w)
		}
	}
	s := out.String()
	if strings.Count(s, "BEGIN:VTIMEZONE") != 2 || !strings.Contains(s, "TZID:Office (2)\r\n") ||
		!strings.Contains(s, "DTSTART;TZID=Office (2):20260301T090000") {
		t.Errorf("want zones Office and Office (2), b renamed:\n%s", s)
	}
	doc, _ := ical.Read(strings.NewReader(s))
	checkZones(t, doc.Calendars[0])
}

func TestCalendarGeneratesMissingZone(t *testing.T) {
	v := vdirOf(t, ".ics", map[string]string{
		"a.ics": calendar(vevent("a", "DTSTART;TZID=America/New_York:20260701T090000")),
		"b.ics": calendar(vevent("b", "DTSTART;TZID=Nowhere/Special:20260701T090000")),
	})
	var out bytes.Buffer
	if _, err := Calendar(bg, &out, []store.Store{v}, Options{}); err != nil {
		t.Fatal(err)
	}
	doc, err := ical.Read(&out)
	if err != nil {
		t.Fatal(err)
	}
	zones := doc.Calendars[0].ChildrenNamed("VTIMEZONE")
	if len(zones) != 1 || zones[0].Value("TZID") != "America/New_York" {
		t.Fatalf("zones %v, want a generated America/New_York only", zones)
	}
	loc, err := tz.FromVTimezone(zones[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, off := time.Date(2026, 7, 1, 9, 0, 0, 0, loc).Zone(); off != -4*3600 {
		t.Errorf("generated zone offset in July = %d, want -4h", off)
	}
}

func TestTasks(t *testing.T) {
	todo := func(uid string, lines ...string) string {
		return "BEGIN:VTODO\nUID:" + uid + "\nDTSTAMP:20260101T000000Z\n" + strings.Join(lines, "\n") + "\nEND:VTODO\n"
	}
	v := vdirOf(t, ".ics", map[string]string{
		"due-may.ics":  calendar(todo("due-may", "DUE:20260501T170000Z", "SUMMARY:May")),
		"due-mar.ics":  calendar(todo("due-mar", "DTSTART:20260101T090000Z", "DUE;VALUE=DATE:20260310")),
		"undated.ics":  calendar(todo("undated", "SUMMARY:Someday")),
		"spanning.ics": calendar(todo("spanning", "DTSTART:20260101T000000Z", "DUE:20261231T000000Z")),
		"mixed.ics":    calendar(vevent("ev", "DTSTART:20260301T090000Z"), todo("start-only", "DTSTART:20260401T090000Z")),
		"broken.ics":   "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:cut\r\nDUE:20260401T090000Z\r\n",
		"not-ical.ics": "hello\r\n",
	})
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"all", time.Time{}, time.Time{}, []string{"due-mar", "start-only", "due-may", "spanning", "undated"}},
		{"April", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), []string{"start-only", "spanning"}},
		{"May on", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.Time{}, []string{"due-may", "spanning"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			st, err := Tasks(bg, &out, []store.Store{v}, Options{From: tc.from, To: tc.to})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := ical.Read(&out)
			if err != nil {
				t.Fatal(err)
			}
			var uids []string
			for _, c := range doc.Calendars[0].Children {
				if c.Name == "VEVENT" {
					t.Error("task export wrote a VEVENT")
				}
				if c.Name == "VTODO" {
					uids = append(uids, c.Value("UID"))
				}
			}
			if !slices.Equal(uids, tc.want) {
				t.Errorf("got %v, want %v", uids, tc.want)
			}
			var skipped []string
			for _, s := range st.Skipped {
				skipped = append(skipped, s.File[strings.LastIndexByte(s.File, '/')+1:])
			}
			slices.Sort(skipped)
			if !slices.Equal(skipped, []string{"broken.ics", "not-ical.ics"}) {
				t.Errorf("skipped %v, want broken.ics and not-ical.ics", st.Skipped)
			}
		})
	}
}

func TestCalendarProgress(t *testing.T) {
	v := rangeFixture(t)
	var calls [][2]int
	st, err := Calendar(bg, &bytes.Buffer{}, []store.Store{v}, Options{Progress: func(d, n int) { calls = append(calls, [2]int{d, n}) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != st.Items || st.Items != 7 {
		t.Fatalf("%d progress calls for %d items", len(calls), st.Items)
	}
	for i, c := range calls {
		if c != [2]int{i + 1, 7} {
			t.Errorf("call %d = %v", i, c)
		}
	}
}
