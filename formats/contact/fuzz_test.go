package contact

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cradle-sync/cradle/formats/vcard"
)

// FuzzMapping runs arbitrary cards through ToEAS and FromEAS (onto the
// card and onto nothing): no panic, a report entry per property, an
// unchanged contact merged onto its card leaves the card as it was, and a
// new card built from the contact maps back to the same contact.
func FuzzMapping(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.vcf"))
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 8<<10 {
			b = b[:8<<10]
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cards, _, _ := vcard.Read(bytes.NewReader(data), "fuzz.vcf")
		for i := range cards {
			card := &cards[i]
			for _, v := range []Version{V141, V161} {
				c, rep := ToEAS(card, Options{Version: v, Previous: card})
				if len(rep.Entries) != len(card.Props) {
					t.Fatalf("%d entries for %d properties", len(rep.Entries), len(card.Props))
				}
				merged, _ := FromEAS(c, card)
				if len(missing(card, merged)) != 0 {
					t.Fatalf("echo merge lost %v", missing(card, merged))
				}
				fresh, _ := Options{Version: v}.FromEAS(c, nil)
				if c2, _ := ToEAS(fresh, Options{Version: v}); len(diffContacts(c, c2)) > 0 {
					t.Fatalf("EAS → new card → EAS changed %v", diffContacts(c, c2))
				}
				var buf bytes.Buffer
				if err := vcard.Write(&buf, fresh, vcard.V40); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
