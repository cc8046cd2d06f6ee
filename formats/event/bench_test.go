package event

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/cradle-sync/cradle/formats/ical"
)

// calendar5000 builds a calendar of 5000 events in the shapes real exports
// have: Windows-named zone with its VTIMEZONE, weekly series with EXDATE
// and an override, all-day events, attendees and alarms.
func calendar5000() []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:bench\r\nBEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\n" +
		"BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n" +
		"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
	for i := range 5000 {
		day := 1 + i%28
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:ev-%d\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=W. Europe Standard Time:202603%02dT090000\r\n"+
				"DTEND;TZID=W. Europe Standard Time:202603%02dT100000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=20\r\n"+
				"EXDATE;TZID=W. Europe Standard Time:202603%02dT090000\r\nSUMMARY:Series %d\r\nEND:VEVENT\r\n", i, day, day, day, i)
		case 1:
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:ev-%d\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:202604%02d\r\nDTEND;VALUE=DATE:202604%02d\r\n"+
				"SUMMARY:Holiday %d\r\nCATEGORIES:Holiday,Family\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n", i, day, day+1, i)
		case 2:
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:ev-%d\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:202605%02dT120000Z\r\nDURATION:PT45M\r\n"+
				"SUMMARY:Lunch %d\r\nDESCRIPTION:A fairly long description\\, with escapes\\nand a second line.\r\n"+
				"ORGANIZER;CN=Boss:mailto:boss@example.com\r\nATTENDEE;CN=A;PARTSTAT=ACCEPTED:mailto:a@example.com\r\n"+
				"ATTENDEE;CN=B;ROLE=OPT-PARTICIPANT:mailto:b@example.com\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\n", i, day, i)
		default:
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:ev-%d\r\nRECURRENCE-ID;TZID=W. Europe Standard Time:202603%02dT090000\r\nDTSTAMP:20260101T000000Z\r\n"+
				"DTSTART;TZID=W. Europe Standard Time:202603%02dT140000\r\nDTEND;TZID=W. Europe Standard Time:202603%02dT150000\r\n"+
				"SUMMARY:Moved\r\nX-MOZ-GENERATION:3\r\nEND:VEVENT\r\n", i-3, day, day, day)
		}
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

func BenchmarkParseAndMap5000Events(b *testing.B) {
	data := calendar5000()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	events := 0
	for b.Loop() {
		doc, err := ical.Read(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		items, problems := Items(doc, "bench.ics")
		if len(problems) > 0 {
			b.Fatal(problems[0])
		}
		opts := Options{Version: V161}
		for _, it := range items {
			if _, _, err := ToEAS(it, opts); err != nil {
				b.Fatal(err)
			}
		}
		events += 5000
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
