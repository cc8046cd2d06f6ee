package store

import (
	"os"
	"path/filepath"
	"testing"
)

// seedTestdata adds the test files with the extension as fuzz seeds,
// leaving out big ones, which slow the mutator down more than they teach.
func seedTestdata(f *testing.F, ext string) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 16<<10 {
			f.Add(data)
		}
	}
}

// checkDocument asserts what parseDocument promises for any input it
// accepts: rendering and re-reading gives the same items with the same
// content, and every item renders standalone into something that parses
// back as that one item.
func checkDocument(t *testing.T, data []byte, ical bool) {
	d, err := parseDocument(data, ical)
	if err != nil {
		return
	}
	out := d.bytes()
	d2, err := parseDocument(out, ical)
	if err != nil {
		t.Fatalf("rendered document does not parse: %v\n%q", err, out)
	}
	if len(d2.items) != len(d.items) {
		t.Fatalf("%d items became %d", len(d.items), len(d2.items))
	}
	for href, it := range d.items {
		it2 := d2.items[href]
		if it2 == nil || it2.hash != it.hash {
			t.Fatalf("item %q lost or changed", href)
		}
		if it.uid == "" {
			continue
		}
		comps, _, err := d.itemFrom(d.itemBytes(it), it.uid)
		if err != nil {
			t.Fatalf("standalone item %q does not parse: %v", href, err)
		}
		var joined []byte
		for _, c := range comps {
			joined = append(joined, c.raw...)
		}
		if ContentHash(joined) != it.hash {
			t.Fatalf("standalone item %q changed content", href)
		}
	}
}

func FuzzSplitCalendar(f *testing.F) {
	seedTestdata(f, ".ics")
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nEND:VEVENT\nEND:VCALENDAR"))
	f.Fuzz(func(t *testing.T, data []byte) { checkDocument(t, data, true) })
}

func FuzzSplitVCards(f *testing.F) {
	seedTestdata(f, ".vcf")
	f.Add([]byte("BEGIN:VCARD\nUID:a\nEND:VCARD"))
	f.Fuzz(func(t *testing.T, data []byte) { checkDocument(t, data, false) })
}

func FuzzScanUID(f *testing.F) {
	seedTestdata(f, ".vcf")
	seedTestdata(f, ".ics")
	f.Fuzz(func(t *testing.T, data []byte) { _, _ = ScanUID(data) })
}
