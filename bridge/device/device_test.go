package device

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseBlocks(t *testing.T) {
	in := "\xef\xbb\xbfBEGIN:VCARD\r\nVERSION:2.1\r\n" +
		"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9 =\r\nau lait\r\n" +
		"TEL;CELL;PREF:+1 555\r\n" +
		"FN:Long name that is\r\n  folded\r\n" +
		"item1.EMAIL;TYPE=\"home,work\":a@b.c\r\n" +
		"X-LATIN:Gr\xfc\xdfe\r\n" +
		"no colon here\r\n" +
		"END:VCARD\r\n" +
		"BEGIN:VCARD\r\nFN:truncated\r\n"
	blocks, err := ParseBlocks([]byte(in), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 1 {
		t.Fatalf("%d blocks, want 1 (truncated one dropped)", len(blocks))
	}
	b := blocks[0]
	note, _ := b.First("NOTE")
	tel, _ := b.First("TEL")
	fn, _ := b.First("FN")
	email, _ := b.First("EMAIL")
	latin, _ := b.First("X-LATIN")
	checks := []struct{ name, got, want string }{
		{"qp", note.Value, "café au lait"},
		{"bare types", strings.Join(tel.Params["TYPE"], ","), "CELL,PREF"},
		{"fold", fn.Value, "Long name that is folded"},
		{"group + quoted list", strings.Join(email.Params["TYPE"], ","), "HOME,WORK"},
		{"latin1", latin.Value, "Grüße"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if _, err := ParseBlocks([]byte(in), 10); err == nil {
		t.Error("limit not enforced")
	}
}

func TestContactRoundTrip(t *testing.T) {
	tests := []string{
		"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John;;Mr.;\r\nFN:John Doe\r\nTEL;WORK;FAX:+1 2\r\nADR;HOME:;;Main St 1;Town;;12345;DE\r\nBDAY:1970-01-02\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:A\\, B\r\nN:B;A;;;\r\nEMAIL;TYPE=INTERNET,PREF:a@b.c\r\nNOTE:x\\ny\\;z\r\nANNIVERSARY:--0615\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nFN:Ünïcödé " + strings.Repeat("long ", 30) + "\r\nTEL;VALUE=uri;TYPE=cell;PREF=1:tel:+1-555\r\nORG:Acme;Sales\r\nEND:VCARD\r\n",
	}
	for _, in := range tests {
		c, err := ParseContact([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		out := c.VCard()
		c2, err := ParseContact(out)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Errorf("round trip changed\n%+v\n%+v\n%s", c, c2, out)
		}
		for _, line := range strings.Split(string(out), "\r\n") {
			if len(line) > 75 {
				t.Errorf("line longer than 75 octets: %q", line)
			}
		}
	}
	c, _ := ParseContact([]byte(tests[2]))
	if c.Phones[0].Value != "+1-555" || !c.Phones[0].HasType("PREF") || c.Org != "Acme;Sales" {
		t.Errorf("4.0 contact %+v", c)
	}
	c, _ = ParseContact([]byte(tests[1]))
	if c.Anniversary != "--06-15" || c.Note != "x\ny;z" || c.FormattedName != "A, B" {
		t.Errorf("3.0 contact %+v", c)
	}
	if _, err := ParseContact([]byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")); err == nil {
		t.Error("no vcard accepted")
	}
}

func TestCalendarParse(t *testing.T) {
	in := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=America/New_York:20260310T090000\r\n" +
		"DURATION:PT1H30M\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE;TZID=America/New_York:20260311T090000\r\n" +
		"ATTENDEE;CN=\"Doe, J\";PARTSTAT=ACCEPTED:MAILTO:j@x.org\r\n" +
		"BEGIN:VALARM\r\nTRIGGER:-P1D\r\nEND:VALARM\r\nEND:VEVENT\r\n" +
		"BEGIN:VTODO\r\nSUMMARY:t\r\nDUE;VALUE=DATE:20260401\r\nSTATUS:COMPLETED\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
	items, err := ParseCalendar([]byte(in))
	if err != nil || len(items) != 2 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	ev := items[0]
	ny, _ := time.LoadLocation("America/New_York")
	if !ev.Start.Equal(time.Date(2026, 3, 10, 9, 0, 0, 0, ny)) || ev.TZID != "America/New_York" || ev.Duration != 90*time.Minute ||
		len(ev.ExDates) != 1 || ev.Alarms[0] != 24*time.Hour || ev.Attendees[0].Name != "Doe, J" || ev.Attendees[0].Email != "j@x.org" {
		t.Errorf("event %+v", ev)
	}
	again, _ := ParseCalendarItem(ev.ICalendar())
	if !reflect.DeepEqual(normalise(ev), normalise(again)) {
		t.Errorf("round trip\n%+v\n%+v", ev, again)
	}
	if td := items[1]; td.Component != "VTODO" || !td.Completed || td.Due.Format("20060102") != "20260401" {
		t.Errorf("todo %+v", td)
	}
	vcal := "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nDTSTART:20260410T090000Z\r\nAALARM:20260410T084500Z\r\nRRULE:W1 FR #0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	v, _ := ParseCalendarItem([]byte(vcal))
	if len(v.Alarms) != 1 || v.Alarms[0] != 15*time.Minute || v.RRule != "" {
		t.Errorf("vCalendar 1.0 %+v", v)
	}
}

// normalise drops the zone pointers so DeepEqual compares instants.
func normalise(it CalendarItem) CalendarItem {
	it.Start, it.End = it.Start.UTC(), it.End.UTC()
	for i := range it.ExDates {
		it.ExDates[i] = it.ExDates[i].UTC()
	}
	return it
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT15M", 15 * time.Minute, true},
		{"-PT15M", -15 * time.Minute, true},
		{"P1D", 24 * time.Hour, true},
		{"P1W", 7 * 24 * time.Hour, true},
		{"P3600S", time.Hour, true},
		{"P1DT2H", 26 * time.Hour, true},
		{"PT", 0, false},
		{"P1M", 0, false},
		{"15M", 0, false},
		{"PT1", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseDuration(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseDuration(%q) = %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok {
			if back, _ := ParseDuration(FormatDuration(got)); back != got {
				t.Errorf("FormatDuration(%v) = %q does not parse back", got, FormatDuration(got))
			}
		}
	}
}

func TestMatchKey(t *testing.T) {
	key := func(k Kind, s string) string {
		t.Helper()
		m, err := MatchKey(k, []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := key(Contacts, "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:x\r\nFN:Jürgen  Müller\r\nTEL:+49 30 1234567\r\nEMAIL:J@X.DE\r\nNOTE:n\r\nEND:VCARD\r\n")
	b := key(Contacts, "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:j=C3=BCrgen M=C3=BCller\r\nTEL;CELL:030-1234567\r\nEMAIL:j@x.de\r\nEND:VCARD\r\n")
	c := key(Contacts, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jürgen Müller\r\nTEL:+49 30 7654321\r\nEMAIL:j@x.de\r\nEND:VCARD\r\n")
	if a != b {
		t.Errorf("same contact, different keys: %q %q", a, b)
	}
	if a == c {
		t.Errorf("different phone, same key %q", a)
	}
	allDay := key(Calendar, "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260501\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\n")
	gammu := key(Calendar, "BEGIN:VEVENT\r\nDTSTART:20260501T000000Z\r\nDTEND:20260502T000000Z\r\nSUMMARY:holiday\r\nEND:VEVENT\r\n")
	timed := key(Calendar, "BEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20260501T110000\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\n")
	utc := key(Calendar, "BEGIN:VEVENT\r\nDTSTART:20260501T090000Z\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\n")
	if allDay != gammu || timed != utc || allDay == timed {
		t.Errorf("event keys: %q %q %q %q", allDay, gammu, timed, utc)
	}
	// Zones named as SOGo and Exchange name them are the same instant.
	for _, tzid := range []string{"/inverse.ca/20091015_1/Europe/Berlin", "W. Europe Standard Time"} {
		if k := key(Calendar, "BEGIN:VEVENT\r\nDTSTART;TZID=\""+tzid+"\":20260501T110000\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\n"); k != utc {
			t.Errorf("TZID %q: key %q, want %q", tzid, k, utc)
		}
	}
	// A to-do is keyed by its summary: phones drop DUE or DTSTART.
	todo := key(Tasks, "BEGIN:VTODO\r\nDTSTART:20260401T080000Z\r\nDUE:20260402T170000Z\r\nSUMMARY:File taxes\r\nEND:VTODO\r\n")
	gammuTodo := key(Tasks, "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VTODO\r\nDTSTART:20260401T080000Z\r\nSUMMARY:file  taxes\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
	if todo != gammuTodo {
		t.Errorf("to-do keys: %q %q", todo, gammuTodo)
	}
	// A recurring event's exception does not stand for the event.
	master := key(Calendar, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:r\r\nRECURRENCE-ID:20260508T090000Z\r\nDTSTART:20260508T100000Z\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n"+
		"BEGIN:VEVENT\r\nUID:r\r\nDTSTART:20260501T090000Z\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	if master != utc {
		t.Errorf("recurring event keyed by its exception: %q, want %q", master, utc)
	}
	if _, err := MatchKey(Contacts, []byte("junk")); err == nil {
		t.Error("junk accepted")
	}
}

func FuzzParseBlocks(f *testing.F) {
	f.Add([]byte("BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:a=\r\nb\r\nTEL;CELL:1\r\nEND:VCARD\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=\"a:b\":20260101T000000\r\nBEGIN:VALARM\r\nTRIGGER:-PT1M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseContacts(data)
		if err != nil {
			return
		}
		// Writing is a fixed point after one round.
		for _, c := range cs {
			once := c.VCard()
			c2, err := ParseContact(once)
			if err != nil {
				t.Fatalf("own output unreadable: %v\n%s", err, once)
			}
			if twice := c2.VCard(); string(twice) != string(once) {
				t.Fatalf("not stable:\n%s\n%s", once, twice)
			}
		}
		items, _ := ParseCalendar(data)
		for _, it := range items {
			once := it.ICalendar()
			it2, err := ParseCalendarItem(once)
			if err != nil {
				t.Fatalf("own output unreadable: %v\n%s", err, once)
			}
			if twice := it2.ICalendar(); string(twice) != string(once) {
				t.Fatalf("not stable:\n%s\n%s", once, twice)
			}
		}
	})
}
