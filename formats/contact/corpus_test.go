package contact

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cradle-sync/cradle/formats/vcard"
)

const corpusDir = "../testdata/corpus/vcard"

func corpusFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.vcf"))
	if err != nil || len(files) < 38 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	return files
}

// TestCorpusRoundTrip takes every card of every corpus file through EAS
// and back, for both write rule sets:
//   - onto the original card, with the server echoing what was sent, the
//     merge must leave the card byte-for-byte identical;
//   - onto an empty card, mapping the result to EAS again must give the
//     same EAS contact (nothing EAS carried is lost);
//   - the Fidelity report must count 0 lost properties.
func TestCorpusRoundTrip(t *testing.T) {
	for _, path := range corpusFiles(t) {
		name := filepath.Base(path)
		for _, v := range []Version{V141, V161} {
			t.Run(name+"/"+string(v), func(t *testing.T) {
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				cards, _, err := vcard.Read(f, name)
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				opts := Options{Version: v}
				for i := range cards {
					card := &cards[i]
					c, rep := ToEAS(card, opts)
					if len(rep.Entries) != len(card.Props) || rep.Count(Lost) != 0 {
						t.Fatalf("card %d: %d entries for %d properties, %d lost", i, len(rep.Entries), len(card.Props), rep.Count(Lost))
					}
					merged, mrep := opts.FromEAS(c, card)
					if !reflect.DeepEqual(merged.Props, card.Props) {
						for j := range card.Props {
							if j >= len(merged.Props) || !reflect.DeepEqual(merged.Props[j], card.Props[j]) {
								t.Fatalf("card %d: merge of an unchanged contact changed property %d %+v", i, j, card.Props[j])
							}
						}
						t.Fatalf("card %d: merge added properties: %+v", i, merged.Props[len(card.Props):])
					}
					for _, e := range mrep.Entries {
						if e.Status == Carried && e.Note != noteSame {
							t.Errorf("card %d: %v, want unchanged", i, e)
						}
					}
					fresh, _ := opts.FromEAS(c, nil)
					c2, _ := ToEAS(fresh, opts)
					if d := diffContacts(c, c2); len(d) > 0 {
						t.Errorf("card %d: EAS → new card → EAS changed %v", i, d)
					}
				}
				f, _ = os.Open(path)
				defer f.Close()
				frep, err := Fidelity(f, name, v)
				if err != nil {
					t.Fatalf("Fidelity: %v", err)
				}
				if frep.Lost != 0 || len(frep.Cards) != len(cards) {
					t.Errorf("%s", frep.Summary())
					for _, cf := range frep.Cards {
						for _, e := range cf.Entries {
							if e.Status == Lost {
								t.Errorf("  card %d: %v", cf.Item, e)
							}
						}
					}
				}
			})
		}
	}
}

// TestFidelityDetectsLoss makes sure the fidelity check can fail: a card
// whose merge drops a property must be reported as lost.
func TestFidelityDetectsLoss(t *testing.T) {
	card := &vcard.Card{Props: []vcard.Property{{Name: "FN", Value: "A"}, {Name: "X-KEEP", Value: "me"}}}
	other := &vcard.Card{Props: []vcard.Property{{Name: "FN", Value: "A"}}}
	if got := missing(card, other); len(got) != 1 || got[0] != 1 {
		t.Errorf("missing = %v, want [1]", got)
	}
	changed := &vcard.Card{Props: []vcard.Property{{Name: "FN", Value: "A"}, {Name: "X-KEEP", Value: "you"}}}
	if got := missing(card, changed); len(got) != 1 {
		t.Errorf("missing after value change = %v, want one", got)
	}
}
