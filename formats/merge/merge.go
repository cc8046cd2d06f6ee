// Package merge combines two edits of one item, property by property,
// against the version both sides last agreed on (the base).
//
// For a property that holds one value (a name, a birthday, a note) the
// classic three-way rule applies: a side that did not change it takes the
// other side's value; when both changed it differently, that is a
// conflict, settled in favour of the remote side while the caller keeps the
// local version aside. Properties that may repeat (phones, e-mail
// addresses, addresses, categories, X- properties) are merged as sets:
// what either side added is added, what either side removed is removed, so
// independent edits to different phone numbers never conflict.
package merge

import (
	"slices"
	"sort"
	"strings"

	"github.com/cradle-sync/cradle/formats/vcard"
)

// single lists the vCard properties that hold one value per card.
var single = map[string]bool{
	"FN": true, "N": true, "BDAY": true, "ANNIVERSARY": true, "NOTE": true, "ORG": true,
	"TITLE": true, "ROLE": true, "NICKNAME": true, "GENDER": true, "PHOTO": true, "LOGO": true,
	"UID": true, "KIND": true, "TZ": true, "GEO": true, "SORT-STRING": true, "PRODID": true,
	"REV": false, // handled apart: never a conflict
}

// Cards merges local and remote against base. conflicts names the
// properties both sides changed differently; merged holds the remote
// value for each. A nil base (no common version known) treats every
// difference as a conflict, remote winning.
func Cards(base, local, remote *vcard.Card) (merged *vcard.Card, conflicts []string) {
	if base == nil {
		base = &vcard.Card{}
	}
	b, l, r := byName(base), byName(local), byName(remote)
	names := unionKeys(l, r, b)
	chosen := map[string][]vcard.Property{}
	for _, name := range names {
		bv, lv, rv := b[name], l[name], r[name]
		switch {
		case name == "REV":
			chosen[name] = pickNewer(lv, rv)
		case equal(lv, bv):
			chosen[name] = rv
		case equal(rv, bv), equal(lv, rv):
			chosen[name] = lv
		case single[name] || len(bv)+len(lv)+len(rv) <= 3 && !isMulti(name):
			chosen[name] = rv
			conflicts = append(conflicts, name)
		default:
			merged, clash := slotMerge(bv, lv, rv)
			chosen[name] = merged
			if clash {
				conflicts = append(conflicts, name)
			}
		}
	}
	// Keep local order; properties new to the card go at the end.
	out := &vcard.Card{Version: local.Version}
	if out.Version == "" {
		out.Version = remote.Version
	}
	done := map[string]bool{}
	for _, p := range local.Props {
		n := strings.ToUpper(p.Name)
		if done[n] {
			continue
		}
		done[n] = true
		out.Props = append(out.Props, chosen[n]...)
	}
	for _, p := range remote.Props {
		n := strings.ToUpper(p.Name)
		if done[n] {
			continue
		}
		done[n] = true
		out.Props = append(out.Props, chosen[n]...)
	}
	return out, conflicts
}

// isMulti reports properties that may repeat even if a card has one.
func isMulti(name string) bool {
	switch name {
	case "TEL", "EMAIL", "ADR", "URL", "IMPP", "CATEGORIES", "RELATED", "LABEL", "MEMBER", "LANG", "KEY":
		return true
	}
	return strings.HasPrefix(name, "X-")
}

func byName(c *vcard.Card) map[string][]vcard.Property {
	m := map[string][]vcard.Property{}
	if c == nil {
		return m
	}
	for _, p := range c.Props {
		n := strings.ToUpper(p.Name)
		m[n] = append(m[n], p)
	}
	return m
}

func unionKeys(ms ...map[string][]vcard.Property) []string {
	set := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			set[k] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// key identifies a property's content: group, parameters (order-free) and
// value; the source line does not count.
func key(p vcard.Property) string {
	var sb strings.Builder
	sb.WriteString(strings.ToUpper(p.Group))
	sb.WriteByte('.')
	params := make([]string, 0, len(p.Params))
	for _, pr := range p.Params {
		vals := append([]string(nil), pr.Values...)
		for i := range vals {
			vals[i] = strings.ToLower(vals[i])
		}
		sort.Strings(vals)
		params = append(params, strings.ToUpper(pr.Name)+"="+strings.Join(vals, ","))
	}
	sort.Strings(params)
	sb.WriteString(strings.Join(params, ";"))
	sb.WriteByte(':')
	sb.WriteString(p.Value)
	return sb.String()
}

func keys(ps []vcard.Property) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = key(p)
	}
	sort.Strings(out)
	return out
}

func equal(a, b []vcard.Property) bool { return slices.Equal(keys(a), keys(b)) }

// slot is a property's place on a card: its group-free type set, e.g.
// TEL;TYPE=CELL. One value replaced by different values on both sides in
// the same slot is a real conflict, not two additions.
func slot(p vcard.Property) string {
	var types []string
	for _, pr := range p.Params {
		if strings.EqualFold(pr.Name, "TYPE") {
			for _, v := range pr.Values {
				types = append(types, strings.ToLower(v))
			}
		}
	}
	sort.Strings(types)
	return strings.Join(types, ",")
}

func bySlot(ps []vcard.Property) map[string][]vcard.Property {
	m := map[string][]vcard.Property{}
	for _, p := range ps {
		m[slot(p)] = append(m[slot(p)], p)
	}
	return m
}

// slotMerge merges a repeating property: slots holding one value that both
// sides replaced differently conflict (remote wins); everything else merges
// as sets.
func slotMerge(base, local, remote []vcard.Property) ([]vcard.Property, bool) {
	b, l, r := bySlot(base), bySlot(local), bySlot(remote)
	clash := false
	skip := map[string]bool{}
	for s, bv := range b {
		lv, rv := l[s], r[s]
		if len(bv) == 1 && len(lv) == 1 && len(rv) == 1 && !equal(lv, bv) && !equal(rv, bv) && !equal(lv, rv) {
			clash = true
			skip[key(lv[0])] = true // the remote value, already in remote, wins
		}
	}
	var l2 []vcard.Property
	for _, p := range local {
		if !skip[key(p)] {
			l2 = append(l2, p)
		}
	}
	return setMerge(base, l2, remote), clash
}

// setMerge keeps base's values that neither side removed, plus what either
// side added, in local order then remote's additions.
func setMerge(base, local, remote []vcard.Property) []vcard.Property {
	inBase, inLocal, inRemote := count(base), count(local), count(remote)
	var out []vcard.Property
	seen := map[string]bool{}
	for _, p := range local {
		k := key(p)
		if seen[k] {
			continue
		}
		// Removed by remote (in base, gone from remote): drop.
		if inBase[k] && !inRemote[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	for _, p := range remote {
		k := key(p)
		if seen[k] {
			continue
		}
		if inBase[k] && !inLocal[k] {
			continue // removed locally
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

func count(ps []vcard.Property) map[string]bool {
	m := map[string]bool{}
	for _, p := range ps {
		m[key(p)] = true
	}
	return m
}

func pickNewer(l, r []vcard.Property) []vcard.Property {
	if len(l) == 0 {
		return r
	}
	if len(r) == 0 {
		return l
	}
	if r[0].Value > l[0].Value {
		return r
	}
	return l
}
