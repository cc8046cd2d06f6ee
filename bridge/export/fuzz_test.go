package export

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
	"github.com/cradle-sync/cradle/formats/vcard"
)

func addCorpus(f *testing.F, sub string) {
	paths, err := filepath.Glob(filepath.Join(corpus, sub, "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzCSVRow maps whatever cards the reader makes of arbitrary input to
// CSV rows: no panic, and every row as wide as the header.
func FuzzCSVRow(f *testing.F) {
	addCorpus(f, "vcard")
	f.Fuzz(func(t *testing.T, data []byte) {
		cards, _, _ := vcard.Read(bytes.NewReader(data), "fuzz")
		shape := minShape
		for i := range cards {
			shape.fit(&cards[i])
		}
		n := len(shape.header())
		for i := range cards {
			if row := csvRow(&cards[i], shape, nil); len(row) != n {
				t.Fatalf("row of %d cells, header %d", len(row), n)
			}
			_ = vcard.Write(io.Discard, &cards[i], vcard.V30)
		}
	})
}

// FuzzCalendarItem runs one item's bytes through everything the calendar
// export does with it: no panic, and the written zones cover the TZIDs
// that something defines.
func FuzzCalendarItem(f *testing.F) {
	addCorpus(f, "ical")
	from := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		items, _, err := parseItems(data, "fuzz", Options{})
		if err != nil {
			return
		}
		zones := newZoneSet()
		var out bytes.Buffer
		for _, it := range items {
			if it == nil {
				continue
			}
			res := tz.NewResolver(it.Calendar)
			inRange(it, res, Options{From: from, To: to})
			sortTime(it, res, nil)
			rename := zones.need(it, res)
			for _, c := range it.Components() {
				renameTZIDs(c, rename)
			}
			if err := ical.Encode(&out, it.Components()...); err != nil {
				t.Fatal(err)
			}
		}
		_ = ical.Encode(&out, zones.components()...)
	})
}
