package merge

import (
	"slices"
	"sort"
	"strings"

	"github.com/cradle-sync/cradle/formats/ical"
)

// multiICal lists the iCalendar properties that repeat and merge as sets.
var multiICal = map[string]bool{
	"ATTENDEE": true, "CATEGORIES": true, "EXDATE": true, "RDATE": true, "ATTACH": true,
	"COMMENT": true, "CONTACT": true, "RELATED-TO": true, "RESOURCES": true, "REQUEST-STATUS": true,
}

// ignoredICal changes on every write and never makes a conflict: the
// newer value wins.
var ignoredICal = map[string]bool{"DTSTAMP": true, "LAST-MODIFIED": true, "SEQUENCE": true}

// Components merges two edits of one iCalendar component (an event's
// master, say) against base with the same rules as Cards. Child components
// (alarms) come from the side that changed them, remote when both did.
func Components(base, local, remote *ical.Component) (*ical.Component, []string) {
	if base == nil {
		base = &ical.Component{Name: local.Name}
	}
	b, l, r := propsByName(base), propsByName(local), propsByName(remote)
	names := map[string]bool{}
	for _, m := range []map[string][]*ical.Prop{b, l, r} {
		for n := range m {
			names[n] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var conflicts []string
	chosen := map[string][]*ical.Prop{}
	for _, n := range sorted {
		bv, lv, rv := b[n], l[n], r[n]
		switch {
		case ignoredICal[n]:
			chosen[n] = newerICal(lv, rv)
		case sameProps(lv, bv):
			chosen[n] = rv
		case sameProps(rv, bv), sameProps(lv, rv):
			chosen[n] = lv
		case multiICal[n] || strings.HasPrefix(n, "X-") && len(lv)+len(rv) > 2:
			chosen[n] = setMergeICal(bv, lv, rv)
		default:
			chosen[n] = rv
			conflicts = append(conflicts, n)
		}
	}
	out := &ical.Component{Name: local.Name, Line: local.Line}
	done := map[string]bool{}
	for _, src := range [][]*ical.Prop{local.Props, remote.Props} {
		for _, p := range src {
			n := strings.ToUpper(p.Name)
			if done[n] {
				continue
			}
			done[n] = true
			out.Props = append(out.Props, chosen[n]...)
		}
	}
	bc, lc, rc := childText(base), childText(local), childText(remote)
	switch {
	case slices.Equal(lc, bc):
		out.Children = remote.Children
	case slices.Equal(rc, bc), slices.Equal(lc, rc):
		out.Children = local.Children
	default:
		out.Children = remote.Children
		conflicts = append(conflicts, "VALARM")
	}
	return out, conflicts
}

func propsByName(c *ical.Component) map[string][]*ical.Prop {
	m := map[string][]*ical.Prop{}
	for _, p := range c.Props {
		n := strings.ToUpper(p.Name)
		m[n] = append(m[n], p)
	}
	return m
}

func icalKey(p *ical.Prop) string {
	params := make([]string, 0, len(p.Params))
	for _, pa := range p.Params {
		vals := append([]string(nil), pa.Values...)
		sort.Strings(vals)
		params = append(params, strings.ToUpper(pa.Name)+"="+strings.Join(vals, ","))
	}
	sort.Strings(params)
	return strings.ToUpper(p.Group) + "." + strings.Join(params, ";") + ":" + p.Value
}

func propKeys(ps []*ical.Prop) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = icalKey(p)
	}
	sort.Strings(out)
	return out
}

func sameProps(a, b []*ical.Prop) bool { return slices.Equal(propKeys(a), propKeys(b)) }

func setMergeICal(base, local, remote []*ical.Prop) []*ical.Prop {
	inB, inL, inR := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range base {
		inB[icalKey(p)] = true
	}
	for _, p := range local {
		inL[icalKey(p)] = true
	}
	for _, p := range remote {
		inR[icalKey(p)] = true
	}
	var out []*ical.Prop
	seen := map[string]bool{}
	for _, p := range local {
		k := icalKey(p)
		if seen[k] || inB[k] && !inR[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	for _, p := range remote {
		k := icalKey(p)
		if seen[k] || inB[k] && !inL[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

func newerICal(l, r []*ical.Prop) []*ical.Prop {
	if len(l) == 0 {
		return r
	}
	if len(r) == 0 || l[0].Value >= r[0].Value {
		return l
	}
	return r
}

func childText(c *ical.Component) []string {
	var out []string
	for _, ch := range c.Children {
		var sb strings.Builder
		sb.WriteString(ch.Name)
		for _, p := range ch.Props {
			sb.WriteString("\n" + icalKey(p))
		}
		out = append(out, sb.String())
	}
	return out
}
