package contact

import (
	"strings"

	"github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/push/schema"
)

// FromEAS merges an EAS contact into base with the default Options; see
// Options.FromEAS.
func FromEAS(c *schema.Contact, base *vcard.Card) (*vcard.Card, Report) {
	return Options{}.FromEAS(c, base)
}

// FromEAS applies the EAS fields of c to a copy of base (nil: an empty
// 4.0 card) and returns it; base is not modified.
//
// A field equal to what base already says leaves the property untouched,
// byte for byte. A changed field updates the property in place, keeping its
// group and parameters. New values get new properties. Properties EAS has
// no field for are kept.
//
// An empty field removes the local value only when that is a deletion:
// with o.PreviousEAS, when the server's previous version had a value;
// without it, when the server sent the element empty, or omitted it and
// o.Version is explicitly 16.x (whose servers send whole items). On 14.x,
// or with no Version, an omitted element may be a field the server does
// not store (SOGo, Z-Push), so the local value stays. Further protections: an
// omitted Picture keeps the photo (the 16.x rule), photos over the Picture
// cap are never touched, and a Body that is absent, truncated or not plain
// text leaves the local note alone.
func (o Options) FromEAS(c *schema.Contact, base *vcard.Card) (*vcard.Card, Report) {
	if c == nil {
		c = &schema.Contact{}
	}
	out := base.Clone()
	if out == nil {
		out = &vcard.Card{Version: vcard.V40}
	}
	p := makePlan(out, o.maxPicture())
	m := &merge{card: out, c: c, prev: o.PreviousEAS, omittedClears: o.Version != "" && o.Version.replaces(), remove: map[int]bool{}, replace: map[int][]vcard.Property{}, notes: map[int]string{}}
	for _, b := range p.bindings {
		m.apply(b)
	}
	m.addMissing(p.taken)

	var rep Report
	props := append([]vcard.Property(nil), m.front...)
	for i, pr := range out.Props {
		e := p.entry(i)
		if n, ok := m.notes[i]; ok {
			e.Note = n
			if strings.HasPrefix(n, "kept:") {
				e.Status = KeptLocally
			}
		}
		rep.add(e)
		if r, ok := m.replace[i]; ok {
			props = append(props, r...)
			continue
		}
		if !m.remove[i] {
			props = append(props, pr)
		}
	}
	props = append(props, m.added...)
	for _, pr := range append(append([]vcard.Property(nil), m.front...), m.added...) {
		rep.add(Entry{Group: pr.Group, Name: pr.Name, Status: Carried, Note: "added from EAS"})
	}
	out.Props = props
	return out, rep
}

type merge struct {
	card *vcard.Card
	c    *schema.Contact
	prev *schema.Contact
	// omittedClears: 16.x servers send whole items and omit empty fields
	omittedClears bool
	remove        map[int]bool
	replace       map[int][]vcard.Property
	notes         map[int]string
	front         []vcard.Property
	added         []vcard.Property
}

func (m *merge) set(i int, note string) {
	m.notes[i] = note
	if note == noteRemoved {
		m.remove[i] = true
	}
}

// mayClear reports whether an empty EAS field f (explicit: sent as an
// empty element) means the value was deleted on the server side.
func (m *merge) mayClear(f string, explicit bool) bool {
	if m.prev == nil {
		return explicit || m.omittedClears
	}
	switch f {
	case "Categories":
		return m.prev.Categories != nil && len(m.prev.Categories.Category) > 0
	case "Children":
		return m.prev.Children != nil && len(m.prev.Children.Child) > 0
	case "Body":
		t, _, _, _ := bodyText(m.prev)
		return t != ""
	}
	return deref(*field(m.prev, f)) != ""
}

const noteNotHeld = "kept: the server does not hold this field"

const (
	noteSame    = "unchanged"
	noteUpdated = "updated from EAS"
	noteRemoved = "removed: the server has no value"
)

func (m *merge) apply(b *binding) {
	i := b.props[0]
	pr := &m.card.Props[i]
	switch b.kind {
	case bText:
		ptr := *field(m.c, b.field)
		cur, nv := textValue(pr), deref(ptr)
		same := cur == nv
		if strings.HasPrefix(b.field, "Email") {
			same = addrOnly(cur) == addrOnly(nv)
		}
		switch {
		case same:
			m.set(i, noteSame)
		case nv == "" && !m.mayClear(b.field, ptr != nil):
			m.set(i, noteNotHeld)
		case nv == "":
			m.set(i, noteRemoved)
		default:
			setText(pr, nv)
			m.set(i, noteUpdated)
		}
	case bComps:
		m.applyComps(i, pr, b.comps)
	case bDate:
		cur, _ := propDate(pr)
		ptr := *field(m.c, b.field)
		nv := deref(ptr)
		d, ok := parseEASDate(nv)
		switch {
		case nv == "" && !m.mayClear(b.field, ptr != nil):
			m.set(i, noteNotHeld)
		case nv == "" || !ok && strings.HasPrefix(nv, "4501"):
			m.set(i, noteRemoved)
		case !ok:
			m.set(i, "kept: EAS date not understood")
		case d == cur:
			m.set(i, noteSame)
		default:
			formatDate(pr, d)
			m.set(i, noteUpdated)
		}
	case bList:
		m.applyList(b)
	case bPicture:
		nv := m.c.Picture
		cur, _ := inlinePhoto(pr)
		switch {
		case nv == nil || *nv == cur:
			m.set(i, noteSame)
		case *nv == "" && !m.mayClear("Picture", true):
			m.set(i, noteNotHeld)
		case *nv == "":
			m.set(i, noteRemoved)
		default:
			data := strings.Join(strings.Fields(*nv), "")
			if pr.IsBinary() {
				pr.Value = data
				pr.DelParam("TYPE")
				pr.SetParam("TYPE", imageType(data))
			} else {
				pr.Value = "data:image/" + strings.ToLower(imageType(data)) + ";base64," + data
			}
			m.set(i, noteUpdated)
		}
	case bBody:
		text, present, usable, why := bodyText(m.c)
		cur := normNewlines(pr.Text())
		switch {
		case !present && cur == "":
			m.set(i, noteSame)
		case !present:
			m.set(i, "kept: the server sent no note")
		case !usable:
			m.set(i, "kept: "+why)
		case text == cur:
			m.set(i, noteSame)
		case text == "" && !m.mayClear("Body", true):
			m.set(i, noteNotHeld)
		case text == "":
			m.set(i, noteRemoved)
		default:
			pr.Value = vcard.Escape(text)
			m.set(i, noteUpdated)
		}
	}
}

func (m *merge) applyComps(i int, pr *vcard.Property, comps []compMap) {
	cur := compValues(pr, comps)
	all := pr.Components()
	changed := false
	for k, cm := range comps {
		ptr := *field(m.c, cm.field)
		nv := deref(ptr)
		if nv == cur[k] || nv == "" && !m.mayClear(cm.field, ptr != nil) {
			continue
		}
		changed = true
		for len(all) <= maxIdx(cm.idx) {
			all = append(all, "")
		}
		for _, x := range cm.idx {
			all[x] = ""
		}
		all[cm.idx[0]] = nv
	}
	if !changed {
		m.set(i, noteSame)
		return
	}
	empty := true
	for _, v := range all {
		if v != "" {
			empty = false
		}
	}
	if empty {
		m.set(i, noteRemoved)
		return
	}
	min := len(pr.Components())
	if pr.Name == "N" && min < 5 {
		min = 5
	}
	pr.Value = vcard.JoinStructured(min, all...)
	m.set(i, noteUpdated)
}

func maxIdx(xs []int) int {
	n := 0
	for _, x := range xs {
		if x > n {
			n = x
		}
	}
	return n
}

func (m *merge) applyList(b *binding) {
	cur := listValues(m.card, b)
	var nv []string
	explicit := false
	if b.field == "Categories" && m.c.Categories != nil {
		nv, explicit = m.c.Categories.Category, true
	} else if b.field == "Children" && m.c.Children != nil {
		nv, explicit = m.c.Children.Child, true
	}
	if equalLists(cur, nv) || len(nv) == 0 && !m.mayClear(b.field, explicit) {
		note := noteSame
		if !equalLists(cur, nv) {
			note = noteNotHeld
		}
		for _, i := range b.props {
			m.set(i, note)
		}
		return
	}
	for _, i := range b.props {
		m.set(i, noteRemoved)
	}
	if len(nv) == 0 {
		return
	}
	first := m.card.Props[b.props[0]]
	delete(m.remove, b.props[0])
	m.notes[b.props[0]] = noteUpdated
	var reps []vcard.Property
	if b.field == "Categories" || first.Name == "X-CHILDREN" {
		first.Value = vcard.JoinList(nv...)
		reps = append(reps, first)
	} else {
		first.Value = vcard.Escape(nv[0])
		reps = append(reps, first)
		for _, ch := range nv[1:] {
			reps = append(reps, childProp(ch))
		}
	}
	m.replace[b.props[0]] = reps
}

func childProp(name string) vcard.Property {
	return vcard.Property{Name: "RELATED", Params: []vcard.Param{{Name: "TYPE", Values: []string{"child"}}, {Name: "VALUE", Values: []string{"text"}}}, Value: vcard.Escape(name)}
}

// newText lists single fields without a local property and the property
// a new value becomes.
var newText = []struct {
	field, name string
	types       []string
}{
	{"JobTitle", "TITLE", nil}, {"NickName", "NICKNAME", nil}, {"WebPage", "URL", nil},
	{"Email1Address", "EMAIL", nil}, {"Email2Address", "EMAIL", nil}, {"Email3Address", "EMAIL", nil},
	{"MobilePhoneNumber", "TEL", []string{"cell"}},
	{"HomePhoneNumber", "TEL", []string{"home", "voice"}}, {"Home2PhoneNumber", "TEL", []string{"home", "voice"}},
	{"BusinessPhoneNumber", "TEL", []string{"work", "voice"}}, {"Business2PhoneNumber", "TEL", []string{"work", "voice"}},
	{"HomeFaxNumber", "TEL", []string{"home", "fax"}}, {"BusinessFaxNumber", "TEL", []string{"work", "fax"}},
	{"CarPhoneNumber", "TEL", []string{"car"}}, {"PagerNumber", "TEL", []string{"pager"}},
	{"RadioPhoneNumber", "TEL", []string{"x-radio"}}, {"AssistantPhoneNumber", "TEL", []string{"x-assistant"}},
	{"CompanyMainPhone", "TEL", []string{"x-company-main"}}, {"MMS", "TEL", []string{"x-mms"}},
	{"ManagerName", "X-MS-MANAGER", nil}, {"AssistantName", "X-MS-ASSISTANT", nil},
	{"OfficeLocation", "X-OFFICE-LOCATION", nil}, {"YomiFirstName", "X-PHONETIC-FIRST-NAME", nil},
	{"YomiLastName", "X-PHONETIC-LAST-NAME", nil}, {"YomiCompanyName", "X-PHONETIC-ORG", nil},
	{"AccountName", "X-ACCOUNT-NAME", nil}, {"CustomerId", "X-CUSTOMER-ID", nil},
	{"GovernmentId", "X-GOVERNMENT-ID", nil},
}

// addMissing creates properties for EAS values no local property holds.
func (m *merge) addMissing(taken map[string]bool) {
	c := m.c
	if v := deref(c.FileAs); v != "" && !taken["FileAs"] {
		m.front = append(m.front, vcard.Property{Name: "FN", Value: vcard.Escape(v)})
	}
	if p, ok := newStructured("N", nComps, 5, c, taken, nil); ok {
		m.front = append(m.front, p)
	}
	if p, ok := newStructured("ORG", orgComps, 1, c, taken, nil); ok {
		m.added = append(m.added, p)
	}
	for _, a := range []struct{ prefix, typ string }{{"HomeAddress", "home"}, {"BusinessAddress", "work"}, {"OtherAddress", ""}} {
		var types []string
		if a.typ != "" {
			types = []string{a.typ}
		}
		if p, ok := newStructured("ADR", adrComps(a.prefix), 7, c, taken, types); ok {
			m.added = append(m.added, p)
		}
	}
	for _, nt := range newText {
		v := deref(*field(c, nt.field))
		if v == "" || taken[nt.field] {
			continue
		}
		p := vcard.Property{Name: nt.name}
		if len(nt.types) > 0 {
			p.SetParam("TYPE", nt.types...)
		}
		setText(&p, v)
		m.added = append(m.added, p)
	}
	for _, f := range imSlots {
		v := deref(*field(c, f))
		if v == "" || taken[f] {
			continue
		}
		name := "X-MS-IMADDRESS"
		if strings.Contains(v, ":") {
			name = "IMPP"
		}
		m.added = append(m.added, vcard.Property{Name: name, Value: v})
	}
	if v := deref(c.Spouse); v != "" && !taken["Spouse"] {
		m.added = append(m.added, vcard.Property{Name: "RELATED", Params: []vcard.Param{{Name: "TYPE", Values: []string{"spouse"}}, {Name: "VALUE", Values: []string{"text"}}}, Value: vcard.Escape(v)})
	}
	for _, d := range []struct{ field, name string }{{"Birthday", "BDAY"}, {"Anniversary", "ANNIVERSARY"}} {
		v := deref(*field(c, d.field))
		if v == "" || taken[d.field] {
			continue
		}
		if date, ok := parseEASDate(v); ok {
			p := vcard.Property{Name: d.name}
			formatDate(&p, date)
			m.added = append(m.added, p)
		}
	}
	if c.Categories != nil && len(c.Categories.Category) > 0 && !taken["Categories"] {
		m.added = append(m.added, vcard.Property{Name: "CATEGORIES", Value: vcard.JoinList(c.Categories.Category...)})
	}
	if c.Children != nil && !taken["Children"] {
		for _, ch := range c.Children.Child {
			m.added = append(m.added, childProp(ch))
		}
	}
	if v := deref(c.Picture); v != "" && !taken["Picture"] {
		data := strings.Join(strings.Fields(v), "")
		m.added = append(m.added, vcard.Property{Name: "PHOTO", Params: []vcard.Param{{Name: "ENCODING", Values: []string{"b"}}, {Name: "TYPE", Values: []string{imageType(data)}}}, Value: data})
	}
	if !taken["Body"] {
		if text, present, _, _ := bodyText(c); present && text != "" {
			m.added = append(m.added, vcard.Property{Name: "NOTE", Value: vcard.Escape(text)})
		}
	}
}

func newStructured(name string, comps []compMap, min int, c *schema.Contact, taken map[string]bool, types []string) (vcard.Property, bool) {
	n := min
	for _, cm := range comps {
		if m := maxIdx(cm.idx) + 1; m > n {
			n = m
		}
	}
	all := make([]string, n)
	any := false
	for _, cm := range comps {
		if taken[cm.field] {
			return vcard.Property{}, false
		}
		if v := deref(*field(c, cm.field)); v != "" {
			all[cm.idx[0]] = v
			any = true
		}
	}
	if !any {
		return vcard.Property{}, false
	}
	p := vcard.Property{Name: name, Value: vcard.JoinStructured(min, all...)}
	if len(types) > 0 {
		p.SetParam("TYPE", types...)
	}
	return p, true
}
