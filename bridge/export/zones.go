package export

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/event"
	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/tz"
)

// zoneSet gathers the VTIMEZONEs an export needs. Items come from many
// files, each with its own definitions; one VCALENDAR may define a TZID
// only once, so a TZID defined differently by two files is written twice
// under two names and the later items are renamed to match.
type zoneSet struct {
	byID map[string]*zoneDef
}

type zoneDef struct {
	comp *ical.Component
	sig  string // the rules, without naming or bookkeeping properties
	// named marks a TZID that identifies its zone by itself (an IANA or
	// Windows name, an offset): readers resolve it by name, so any one
	// definition will do and it is never renamed.
	named bool
}

func newZoneSet() *zoneSet { return &zoneSet{byID: map[string]*zoneDef{}} }

// need records the zones the item uses and returns the TZIDs it must be
// renamed to use, nil when none.
func (z *zoneSet) need(it *event.Item, res *tz.Resolver) map[string]string {
	var rename map[string]string
	year := time.Now().Year()
	if t, ok := sortTime(it, res, nil); ok {
		year = t.Year()
	}
	for _, id := range tzidsOf(it) {
		zn, err := res.Resolve(id)
		vt := res.VTimezone(id)
		if vt == nil {
			if err != nil || zn.Loc == nil {
				// Nothing defines it: importers treat such times as
				// floating, as the source file did.
				continue
			}
			vt = tz.VTimezone(zn.Loc, id, year)
		}
		named := err == nil && zn.Method != tz.MethodRules && zn.Method != tz.MethodVTimezone
		def := &zoneDef{comp: vt, sig: zoneSignature(vt), named: named}
		out := z.place(id, def)
		if out != id {
			if rename == nil {
				rename = map[string]string{}
			}
			rename[id] = out
		}
	}
	return rename
}

// place stores def under id, or under the first free "id (n)" when id is
// taken by different rules, and returns the name used.
func (z *zoneSet) place(id string, def *zoneDef) string {
	for n := 1; ; n++ {
		name := id
		if n > 1 {
			name = fmt.Sprintf("%s (%d)", id, n)
		}
		have, ok := z.byID[name]
		switch {
		case !ok:
			c := def.comp.Clone()
			c.Set("TZID", ical.Escape(name))
			z.byID[name] = &zoneDef{comp: c, sig: def.sig, named: def.named}
			return name
		case have.sig == def.sig, def.named:
			return name
		}
	}
}

// components returns the definitions sorted by TZID.
func (z *zoneSet) components() []*ical.Component {
	ids := make([]string, 0, len(z.byID))
	for id := range z.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*ical.Component, len(ids))
	for i, id := range ids {
		out[i] = z.byID[id].comp
	}
	return out
}

// zoneSignature encodes the zone's rules, leaving out properties that
// differ between copies of one zone (name, update stamps, vendor hints).
func zoneSignature(vt *ical.Component) string {
	c := &ical.Component{Name: vt.Name, Children: vt.Children}
	for _, p := range vt.Props {
		switch p.Name {
		case "TZID", "LAST-MODIFIED", "TZURL", "X-LIC-LOCATION":
			continue
		}
		c.Props = append(c.Props, p)
	}
	return c.String()
}

// tzidsOf lists the distinct TZID parameters of the item's components and
// their subcomponents, in first-use order.
func tzidsOf(it *event.Item) []string {
	var out []string
	var walk func(c *ical.Component)
	walk = func(c *ical.Component) {
		for _, p := range c.Props {
			if id := normTZID(p.Param("TZID")); id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		for _, ch := range c.Children {
			walk(ch)
		}
	}
	for _, c := range it.Components() {
		walk(c)
	}
	return out
}

// renameTZIDs points the component's TZID parameters at their new names.
func renameTZIDs(c *ical.Component, rename map[string]string) {
	if len(rename) == 0 {
		return
	}
	for _, p := range c.Props {
		if to, ok := rename[normTZID(p.Param("TZID"))]; ok {
			p.SetParam("TZID", to)
		}
	}
	for _, ch := range c.Children {
		renameTZIDs(ch, rename)
	}
}

func normTZID(s string) string { return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"`)) }
