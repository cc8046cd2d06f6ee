package contact

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/cradle-sync/cradle/formats/vcard"
)

// CardFidelity is the outcome for one card of a file.
type CardFidelity struct {
	Item    int // 1-based position among the readable cards
	Line    int // line of BEGIN:VCARD
	Name    string
	Entries []Entry
}

// FidelityReport is the property-level outcome of a file → EAS → file
// round trip.
type FidelityReport struct {
	File                       string
	Version                    Version
	Cards                      []CardFidelity
	Warnings                   []vcard.Warning
	Carried, KeptLocally, Lost int
}

// Summary is a one-line human summary, e.g.
// "a.vcf: 3 cards, 41 properties: 30 carried, 11 kept locally, 0 lost (EAS 16.1)".
func (r *FidelityReport) Summary() string {
	return fmt.Sprintf("%s: %d cards, %d properties: %d carried, %d kept locally, %d lost (EAS %s)",
		r.File, len(r.Cards), r.Carried+r.KeptLocally+r.Lost, r.Carried, r.KeptLocally, r.Lost, r.Version)
}

// Fidelity reads every card in r and runs it through ToEAS, FromEAS onto
// the original card, the 4.0 writer and the reader again, and also
// FromEAS onto an empty card and back to EAS. A property whose content does
// not come back identical (after normalising representation: parameter
// case and order, 2.1 versus 4.0 encodings) is reported Lost, as is one
// whose EAS fields change on the trip through an empty card.
//
// The report covers the readable cards even when err is non-nil; err
// carries the reader's errors for unreadable items.
func Fidelity(r io.Reader, name string, v Version) (FidelityReport, error) {
	if v == "" {
		v = V161
	}
	rep := FidelityReport{File: name, Version: v}
	cards, warns, readErr := vcard.Read(r, name)
	rep.Warnings = warns
	if len(cards) == 0 {
		return rep, readErr
	}
	var errs []error
	for i := range cards {
		card := &cards[i]
		cf, err := cardFidelity(card, v)
		if err != nil {
			errs = append(errs, fmt.Errorf("fidelity %s: item %d (line %d): %w", name, i+1, card.Line, err))
		}
		cf.Item, cf.Line, cf.Name = i+1, card.Line, vcard.DisplayName(card)
		if fn := card.Get("FN"); fn != nil && fn.Text() != "" {
			cf.Name = fn.Text()
		}
		for _, e := range cf.Entries {
			switch e.Status {
			case Carried:
				rep.Carried++
			case KeptLocally:
				rep.KeptLocally++
			case Lost:
				rep.Lost++
			}
		}
		rep.Cards = append(rep.Cards, cf)
	}
	return rep, errors.Join(append([]error{readErr}, errs...)...)
}

func cardFidelity(card *vcard.Card, v Version) (CardFidelity, error) {
	opts := Options{Version: v}
	c, rep := ToEAS(card, opts)
	cf := CardFidelity{Entries: rep.Entries}

	merged, _ := opts.FromEAS(c, card)
	var buf bytes.Buffer
	if err := vcard.Write(&buf, merged, vcard.V40); err != nil {
		return cf, err
	}
	again, _, err := vcard.Read(&buf, "round-trip")
	if err != nil || len(again) != 1 {
		return cf, fmt.Errorf("re-reading the written card: %d cards, %v", len(again), err)
	}
	for _, i := range missing(card, &again[0]) {
		cf.Entries[i].Status = Lost
		cf.Entries[i].Note = "value differs after file → EAS → file"
	}

	fresh, _ := opts.FromEAS(c, nil)
	c2, _ := ToEAS(fresh, opts)
	if diff := diffContacts(c, c2); len(diff) > 0 {
		for i := range cf.Entries {
			for _, f := range cf.Entries[i].Fields {
				if diff[f] {
					cf.Entries[i].Status = Lost
					cf.Entries[i].Note = "EAS field " + f + " differs after EAS → new card → EAS"
				}
			}
		}
	}
	return cf, nil
}

// diffContacts returns the EAS fields whose values differ.
func diffContacts(a, b interface{}) map[string]bool {
	out := map[string]bool{}
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	t := va.Type()
	for i := 0; i < t.NumField(); i++ {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			tag := t.Field(i).Tag.Get("xml")
			if j := strings.LastIndexByte(tag, ' '); j >= 0 {
				tag = tag[j+1:]
			}
			out[tag] = true
		}
	}
	return out
}

// missing returns the indices of a's properties with no equal property in
// b (as a multiset, comparing canonical forms).
func missing(a, b *vcard.Card) []int {
	have := map[string]int{}
	for i := range b.Props {
		have[canon(&b.Props[i])]++
	}
	var out []int
	for i := range a.Props {
		k := canon(&a.Props[i])
		if have[k] > 0 {
			have[k]--
			continue
		}
		out = append(out, i)
	}
	return out
}

var dateProps = map[string]bool{"BDAY": true, "ANNIVERSARY": true, "X-ANNIVERSARY": true, "X-MS-ANNIVERSARY": true,
	"X-EVOLUTION-ANNIVERSARY": true, "X-KADDRESSBOOK-X-ANNIVERSARY": true, "X-ABDATE": true}

var compound = map[string]bool{"N": true, "ADR": true, "ORG": true, "SOUND": true, "GENDER": true}

// canon renders a property in a form that is equal for equal content
// whatever the vCard version or writer that produced it.
func canon(p *vcard.Property) string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(p.Group))
	b.WriteByte('.')
	b.WriteString(p.Name)
	var params []string
	pref := p.HasParam("PREF")
	_, media := mediaProps[p.Name]
	for _, pr := range p.Params {
		switch n := strings.ToUpper(pr.Name); n {
		case "VALUE", "ENCODING", "X-APPLE-OMIT-YEAR", "PREF", "TYPE":
		default:
			params = append(params, n+"="+strings.Join(pr.Values, ","))
		}
	}
	var types []string
	for _, t := range p.Types() {
		switch {
		case t == "pref":
			pref = true
		case media && isMedia(t):
		default:
			types = append(types, t)
		}
	}
	if pref {
		types = append(types, "pref")
	}
	sort.Strings(types)
	if len(types) > 0 {
		params = append(params, "TYPE="+strings.Join(types, ","))
	}
	sort.Strings(params)
	b.WriteString(";" + strings.Join(params, ";") + ":")
	switch {
	case media:
		if data, ok := inlinePhoto(p); ok {
			b.WriteString("b64:" + data)
			break
		}
		b.WriteString(p.Text())
	case dateProps[p.Name]:
		if d, ok := propDate(p); ok {
			fmt.Fprintf(&b, "%04d-%02d-%02d", d.Year, d.Month, d.Day)
			break
		}
		b.WriteString(p.Text())
	case compound[p.Name]:
		comps := p.Components()
		for len(comps) > 0 && comps[len(comps)-1] == "" {
			comps = comps[:len(comps)-1]
		}
		b.WriteString(strings.Join(comps, "\x1f"))
	default:
		b.WriteString(p.Text())
	}
	return b.String()
}

var mediaProps = map[string]struct{}{"PHOTO": {}, "LOGO": {}, "SOUND": {}, "KEY": {}}

func isMedia(t string) bool {
	switch t {
	case "jpeg", "jpg", "png", "gif", "bmp", "tiff", "tif", "webp", "heic", "wav", "mp3", "ogg", "pgp", "x509":
		return true
	}
	return false
}
