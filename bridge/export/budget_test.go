package export

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/store"
)

// TestBudgetSameOutput checks that re-reading items in the second pass
// (a budget too small to keep anything) writes exactly what keeping them
// does.
func TestBudgetSameOutput(t *testing.T) {
	cards, _ := corpusVdir(t, "vcard", ".vcf")
	events, _ := corpusVdir(t, "ical", ".ics")
	run := map[string]func(Options) ([]byte, Stats, error){
		"contacts": func(o Options) ([]byte, Stats, error) {
			var b bytes.Buffer
			st, err := Contacts(bg, &b, []store.Store{cards}, CSV, o)
			return b.Bytes(), st, err
		},
		"calendar": func(o Options) ([]byte, Stats, error) {
			var b bytes.Buffer
			st, err := Calendar(bg, &b, []store.Store{events}, o)
			return b.Bytes(), st, err
		},
	}
	for name, fn := range run {
		t.Run(name, func(t *testing.T) {
			kept, st1, err := fn(Options{})
			if err != nil {
				t.Fatal(err)
			}
			reread, st2, err := fn(Options{MemoryBudget: 1})
			if err != nil {
				t.Fatal(err)
			}
			// vCalendar 1.0 items converted to 2.0 get the conversion
			// time as DTSTAMP, as RFC 5545 defines it.
			kept, reread = dtstamp.ReplaceAll(kept, nil), dtstamp.ReplaceAll(reread, nil)
			if !bytes.Equal(kept, reread) || st1.Items != st2.Items || len(st1.Skipped) != len(st2.Skipped) {
				t.Errorf("outputs differ: %d vs %d bytes, %d vs %d items", len(kept), len(reread), st1.Items, st2.Items)
			}
		})
	}
}

var dtstamp = regexp.MustCompile(`(?m)^DTSTAMP:.*\r\n`)

// editingStore changes one item after the first time it is read, as a
// user saving a contact in the middle of an export would.
type editingStore struct {
	store.Store
	href  string
	reads int
}

func (s *editingStore) Get(ctx context.Context, href string) ([]byte, store.Entry, error) {
	data, e, err := s.Store.Get(ctx, href)
	if href == s.href {
		if s.reads++; s.reads > 1 {
			data = bytes.Replace(data, []byte("Old Name"), []byte("New Name"), 1)
			e.Etag = "h:edited"
		}
	}
	return data, e, err
}

func TestItemChangedBetweenPasses(t *testing.T) {
	v := vdirOf(t, ".vcf", map[string]string{
		"a.vcf": crlf("BEGIN:VCARD\nVERSION:3.0\nUID:a\nFN:Old Name\nEND:VCARD\n"),
		"b.vcf": crlf("BEGIN:VCARD\nVERSION:3.0\nUID:b\nFN:Other\nEND:VCARD\n"),
	})
	src := &editingStore{Store: v, href: "a.vcf"}
	var out bytes.Buffer
	st, err := Contacts(bg, &out, []store.Store{src}, VCard3, Options{MemoryBudget: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 1 || len(st.Skipped) != 1 || !errors.Is(st.Skipped[0].Reason, errChanged) ||
		!strings.HasSuffix(st.Skipped[0].File, "a.vcf") {
		t.Fatalf("Items %d, Skipped %v; want a.vcf skipped as changed", st.Items, st.Skipped)
	}
	if strings.Contains(out.String(), "Name") {
		t.Errorf("changed card written:\n%s", out.String())
	}
}
