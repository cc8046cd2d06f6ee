package ical

import (
	"bytes"
	"os"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader: it must not panic, must
// respect its limits, and whatever it reads must survive a write and a
// second read with the same structure.
func FuzzRead(f *testing.F) {
	files, _ := corpusGlob()
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte("BEGIN:VEVENT\nORGANIZER;CN=Sixt SE\nEND:VEVENT"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nX;A=\"unterminated:v\r\n"))
	lim := Limits{MaxBytes: 1 << 20, MaxLineBytes: 64 << 10, MaxDepth: 8, MaxComponents: 1000, MaxProps: 10000, MaxIssues: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ReadLimits(bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, doc.Calendars...); err != nil {
			t.Fatalf("encode: %v", err)
		}
		doc2, err := ReadLimits(bytes.NewReader(out.Bytes()), lim)
		if err != nil {
			t.Fatalf("re-read of own output: %v", err)
		}
		if a, b := count(doc.Calendars), count(doc2.Calendars); a != b {
			t.Fatalf("structure changed: %v → %v\n%q", a, b, out.String())
		}
	})
}
