package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/formats/vcard"
)

// readCorpusCards returns every card the vcard reader finds in the corpus.
func readCorpusCards(t *testing.T, v *store.Vdir) []vcard.Card {
	t.Helper()
	es, err := v.List(bg)
	if err != nil {
		t.Fatal(err)
	}
	var all []vcard.Card
	for _, e := range es {
		data, _, err := v.Get(bg, e.Href)
		if err != nil {
			t.Fatal(err)
		}
		cards, _, _ := vcard.Read(bytes.NewReader(data), e.Href)
		all = append(all, cards...)
	}
	return all
}

// norm renders a card's properties in a canonical order, without source
// line numbers, so two cards compare equal when they say the same thing.
func norm(c *vcard.Card) string {
	var lines []string
	for _, p := range c.Props {
		var ps []string
		for _, pa := range p.Params {
			vs := slices.Clone(pa.Values)
			slices.Sort(vs)
			ps = append(ps, strings.ToUpper(pa.Name)+"="+strings.Join(vs, ","))
		}
		slices.Sort(ps)
		lines = append(lines, strings.ToUpper(p.Group+"."+p.Name)+";"+strings.Join(ps, ";")+":"+p.Value)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func TestContactsCorpusRoundTrip(t *testing.T) {
	v, _ := corpusVdir(t, "vcard", ".vcf")
	orig := readCorpusCards(t, v)
	if len(orig) < 40 {
		t.Fatalf("corpus has only %d cards; fixture missing?", len(orig))
	}
	for _, tc := range []struct {
		format  Format
		version string
	}{{VCard3, vcard.V30}, {VCard4, vcard.V40}} {
		t.Run(string(tc.format), func(t *testing.T) {
			var out bytes.Buffer
			st, err := Contacts(bg, &out, []store.Store{v}, tc.format, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if st.Items != len(orig) {
				t.Errorf("Items = %d, want %d", st.Items, len(orig))
			}
			got, _, err := vcard.Read(&out, "export")
			if err != nil {
				t.Fatalf("re-import: %v", err)
			}
			if len(got) != len(orig) {
				t.Fatalf("re-imported %d cards, want %d", len(got), len(orig))
			}
			// Every card must come back as the writer renders it on its
			// own: nothing lost, duplicated or mixed between cards.
			want := map[string]int{}
			for i := range orig {
				var b bytes.Buffer
				if err := vcard.Write(&b, &orig[i], tc.version); err != nil {
					t.Fatal(err)
				}
				rt, _, err := vcard.Read(&b, "one")
				if err != nil || len(rt) != 1 {
					t.Fatalf("round trip of one card: %d cards, %v", len(rt), err)
				}
				want[norm(&rt[0])]++
			}
			for i := range got {
				if got[i].Version != tc.version {
					t.Errorf("card %d: VERSION %q, want %q", i, got[i].Version, tc.version)
				}
				k := norm(&got[i])
				if want[k] == 0 {
					t.Errorf("exported card %q matches no corpus card:\n%s", displayName(&got[i]), k)
					continue
				}
				want[k]--
			}
			// Names and UIDs checked against the source cards directly.
			var wantIDs, gotIDs []string
			for i := range orig {
				wantIDs = append(wantIDs, displayName(&orig[i])+"|"+textOf(orig[i].Get("UID")))
			}
			for i := range got {
				gotIDs = append(gotIDs, displayName(&got[i])+"|"+textOf(got[i].Get("UID")))
			}
			slices.Sort(wantIDs)
			slices.Sort(gotIDs)
			if !slices.Equal(wantIDs, gotIDs) {
				t.Errorf("names|UIDs differ:\n got %q\nwant %q", gotIDs, wantIDs)
			}
			checkNameOrder(t, got)
		})
	}
}

func checkNameOrder(t *testing.T, cards []vcard.Card) {
	t.Helper()
	col := collate.New(language.Und, collate.IgnoreCase, collate.IgnoreWidth)
	seenEmpty := false
	for i := range cards {
		name := displayName(&cards[i])
		if name == "" {
			seenEmpty = true
			continue
		}
		if seenEmpty {
			t.Errorf("card %q after a card without a name", name)
		}
		if i > 0 {
			prev := displayName(&cards[i-1])
			if prev != "" && col.CompareString(prev, name) > 0 {
				t.Errorf("order: %q before %q", prev, name)
			}
		}
	}
}

func TestContactsSkipsUnreadable(t *testing.T) {
	v := vdirOf(t, ".vcf", map[string]string{
		"good.vcf":  crlf("BEGIN:VCARD\nVERSION:3.0\nUID:g\nFN:Good Person\nEND:VCARD\n"),
		"empty.vcf": "this is not a vCard at all\r\n",
	})
	var out bytes.Buffer
	st, err := Contacts(bg, &out, []store.Store{v}, VCard4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 1 {
		t.Errorf("Items = %d, want 1", st.Items)
	}
	if len(st.Skipped) != 1 || !strings.HasSuffix(st.Skipped[0].File, "empty.vcf") || st.Skipped[0].Reason == nil {
		t.Fatalf("Skipped = %v, want one entry naming empty.vcf", st.Skipped)
	}
	if !strings.Contains(out.String(), "FN:Good Person") {
		t.Errorf("good card missing from output:\n%s", out.String())
	}
}

func TestContactsOrderAcrossSources(t *testing.T) {
	card := func(uid, fn string) string {
		return crlf(fmt.Sprintf("BEGIN:VCARD\nVERSION:3.0\nUID:%s\nFN:%s\nEND:VCARD\n", uid, fn))
	}
	a := vdirOf(t, ".vcf", map[string]string{"1.vcf": card("1", "zoë"), "2.vcf": card("2", "Émile"), "3.vcf": crlf("BEGIN:VCARD\nVERSION:3.0\nUID:3\nEND:VCARD\n")})
	b := vdirOf(t, ".vcf", map[string]string{"4.vcf": card("4", "adam"), "5.vcf": card("5", "Zoe")})
	var calls [][2]int
	var out bytes.Buffer
	st, err := Contacts(bg, &out, []store.Store{a, b}, VCard3, Options{Progress: func(d, n int) { calls = append(calls, [2]int{d, n}) }})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := vcard.Read(&out, "out")
	if err != nil {
		t.Fatal(err)
	}
	var uids []string
	for i := range got {
		uids = append(uids, textOf(got[i].Get("UID")))
	}
	// adam < Émile < Zoe = zoë (ties by name bytes, "Zoe" < "zoë"), nameless last.
	if want := []string{"4", "2", "5", "1", "3"}; !slices.Equal(uids, want) {
		t.Errorf("order %v, want %v", uids, want)
	}
	if st.Items != 5 || len(calls) != 5 || calls[4] != [2]int{5, 5} {
		t.Errorf("Items %d, progress %v", st.Items, calls)
	}
}

func TestContactsUnknownFormat(t *testing.T) {
	if _, err := Contacts(bg, &bytes.Buffer{}, nil, "xml", Options{}); err == nil {
		t.Fatal("want an error for an unknown format")
	}
}

func TestContactsCancelled(t *testing.T) {
	v, _ := corpusVdir(t, "vcard", ".vcf")
	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err := Contacts(ctx, &bytes.Buffer{}, []store.Store{v}, VCard3, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
