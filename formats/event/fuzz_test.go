package event

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
)

// FuzzMap runs arbitrary calendars through the whole mapping: read, group,
// ToEAS, merge back, expand. Nothing may panic, and an unchanged merge
// must not lose a property.
func FuzzMap(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && len(data) < 16<<10 {
			f.Add(data)
		}
	}
	lim := ical.Limits{MaxBytes: 256 << 10, MaxLineBytes: 16 << 10, MaxDepth: 8, MaxComponents: 200, MaxProps: 2000, MaxIssues: 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ical.ReadLimits(bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		items, _ := Items(doc, "fuzz.ics")
		for _, it := range items {
			opts := Options{Version: V161}
			if it.Kind != "VEVENT" {
				continue
			}
			e, rep, err := ToEAS(it, opts)
			if err != nil {
				continue
			}
			merged, _, err := FromEAS(e, it, opts)
			if err != nil {
				t.Fatalf("merge of an unchanged event failed: %v", err)
			}
			markLost(&rep, it, merged)
			if lost := rep.Lost(); len(lost) > 0 {
				t.Fatalf("unchanged merge lost %v", lost)
			}
			if _, _, err := FromEAS(e, nil, opts); err != nil && e.StartTime != nil {
				t.Fatalf("fresh: %v", err)
			}
			start := e.StartTime.Time
			_, _ = Occurrences(it, opts, start, start.Add(90*24*time.Hour))
		}
	})
}
