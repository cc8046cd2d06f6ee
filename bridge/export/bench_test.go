package export

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/store"
)

// benchVdir writes n items made by item into a fresh vdir.
func benchVdir(b *testing.B, ext string, n int, item func(i int) string) store.Store {
	b.Helper()
	dir := b.TempDir()
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("item-%05d%s", i, ext)), []byte(item(i)), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return openVdir(b, dir, ext)
}

func benchCard(i int) string {
	return crlf(fmt.Sprintf(`BEGIN:VCARD
VERSION:3.0
UID:bench-%[1]d
N:Family%[1]d;Given%[1]d;;;
FN:Given%[1]d Family%[1]d
ORG:Company %[2]d;Sales
TITLE:Manager
EMAIL;TYPE=INTERNET,WORK:given%[1]d@example.com
EMAIL;TYPE=INTERNET,HOME:g%[1]d@example.org
TEL;TYPE=CELL:+49 170 %07[1]d
TEL;TYPE=WORK,VOICE:+49 30 %07[1]d
ADR;TYPE=WORK:;;Street %[1]d;Berlin;;10115;Germany
BDAY:1980-%02[3]d-%02[4]d
NOTE:Met at the fair\, booth %[1]d.\nCall back in spring.
CATEGORIES:Customers,Berlin
END:VCARD
`, i, i%97, i%12+1, i%28+1))
}

func benchEvent(i int) string {
	rrule := ""
	if i%10 == 0 {
		rrule = "RRULE:FREQ=WEEKLY;COUNT=20\n"
	}
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i*7919%(365*24)) * time.Hour)
	return calendar(berlin, fmt.Sprintf(`BEGIN:VEVENT
UID:bench-%d
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:%s
DTEND;TZID=Europe/Berlin:%s
%sSUMMARY:Meeting %d
LOCATION:Room %d
DESCRIPTION:Agenda: item one\, item two
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT15M
END:VALARM
END:VEVENT
`, i, start.Format("20060102T150405"), start.Add(time.Hour).Format("20060102T150405"), rrule, i, i%40))
}

func BenchmarkExport10000Contacts(b *testing.B) {
	src := []store.Store{benchVdir(b, ".vcf", 10000, benchCard)}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		st, err := Contacts(bg, io.Discard, src, VCard3, Options{})
		if err != nil || st.Items != 10000 {
			b.Fatalf("%d items, %v", st.Items, err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/export")
}

func BenchmarkExport5000Events(b *testing.B) {
	src := []store.Store{benchVdir(b, ".ics", 5000, benchEvent)}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		st, err := Calendar(bg, io.Discard, src, Options{})
		if err != nil || st.Items != 5000 {
			b.Fatalf("%d items, %v", st.Items, err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/export")
}
