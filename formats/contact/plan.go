package contact

import (
	"strings"

	"github.com/cradle-sync/cradle/formats/vcard"
)

type bindKind int

const (
	bText    bindKind = iota // one field ← the property's text
	bComps                   // structured value: components → fields
	bDate                    // Birthday, Anniversary
	bList                    // Categories, Children: several properties → one list
	bPicture                 // first inline photo within the cap
	bBody                    // first NOTE → AirSyncBase Body
)

// compMap maps structured components to one field; several components are
// joined by newlines (ADR's street, extended address and PO box).
type compMap struct {
	idx   []int
	field string
}

var (
	nComps   = []compMap{{[]int{0}, "LastName"}, {[]int{1}, "FirstName"}, {[]int{2}, "MiddleName"}, {[]int{3}, "Title"}, {[]int{4}, "Suffix"}}
	orgComps = []compMap{{[]int{0}, "CompanyName"}, {[]int{1}, "Department"}}
	// SOUND;X-IRMC-N carries Japanese phonetic names as family;given.
	irmcComps = []compMap{{[]int{0}, "YomiLastName"}, {[]int{1}, "YomiFirstName"}}
)

func adrComps(prefix string) []compMap {
	return []compMap{
		{[]int{2, 1, 0}, prefix + "Street"}, {[]int{3}, prefix + "City"},
		{[]int{4}, prefix + "State"}, {[]int{5}, prefix + "PostalCode"},
		{[]int{6}, prefix + "Country"},
	}
}

// binding ties local properties (indices into Card.Props) to EAS fields.
type binding struct {
	kind  bindKind
	field string // bText, bDate, bPicture, bList ("Categories"/"Children"), bBody ("Body")
	props []int
	comps []compMap
}

// plan is the slot assignment for one card; ToEAS and FromEAS compute it
// the same way, which is what lets FromEAS find the local property behind
// each EAS field.
type plan struct {
	card     *vcard.Card
	bindings []*binding
	taken    map[string]bool
	entries  map[int]Entry
}

var (
	annivNames = map[string]bool{"ANNIVERSARY": true, "X-ANNIVERSARY": true, "X-MS-ANNIVERSARY": true,
		"X-EVOLUTION-ANNIVERSARY": true, "X-KADDRESSBOOK-X-ANNIVERSARY": true}
	imNames = map[string]bool{"IMPP": true, "X-AIM": true, "X-JABBER": true, "X-GTALK": true,
		"X-GOOGLE-TALK": true, "X-MSN": true, "X-YAHOO": true, "X-ICQ": true, "X-SKYPE": true,
		"X-SKYPE-USERNAME": true, "X-QQ": true, "X-GADUGADU": true, "X-MS-IMADDRESS": true,
		"X-KADDRESSBOOK-X-IMADDRESS": true, "X-MESSAGING/XMPP-ALL": true,
		"X-MESSAGING/SKYPE-ALL": true, "X-MESSAGING/GADU-ALL": true}
	spouseNames    = map[string]bool{"X-SPOUSE": true, "X-MS-SPOUSE": true, "X-EVOLUTION-SPOUSE": true, "X-KADDRESSBOOK-X-SPOUSESNAME": true}
	childNames     = map[string]bool{"X-CHILD": true, "X-CHILDREN": true, "X-MS-CHILD": true}
	managerNames   = map[string]bool{"X-MANAGER": true, "X-MS-MANAGER": true, "X-EVOLUTION-MANAGER": true, "X-KADDRESSBOOK-X-MANAGERSNAME": true}
	assistantNames = map[string]bool{"X-ASSISTANT": true, "X-MS-ASSISTANT": true, "X-EVOLUTION-ASSISTANT": true, "X-KADDRESSBOOK-X-ASSISTANTSNAME": true}
	officeNames    = map[string]bool{"X-OFFICE-LOCATION": true, "X-EVOLUTION-OFFICE": true, "X-KADDRESSBOOK-X-OFFICE": true}
	singleText     = map[string]string{
		"FN": "FileAs", "TITLE": "JobTitle", "URL": "WebPage", "NICKNAME": "NickName",
		"X-PHONETIC-FIRST-NAME": "YomiFirstName", "X-PHONETIC-LAST-NAME": "YomiLastName",
		"X-PHONETIC-ORG": "YomiCompanyName", "X-ACCOUNT-NAME": "AccountName",
		"X-CUSTOMER-ID": "CustomerId", "X-GOVERNMENT-ID": "GovernmentId",
	}
)

var (
	emailSlots = []string{"Email1Address", "Email2Address", "Email3Address"}
	imSlots    = []string{"IMAddress", "IMAddress2", "IMAddress3"}
	phoneSlots = map[string][]string{
		"home": {"HomePhoneNumber", "Home2PhoneNumber"}, "work": {"BusinessPhoneNumber", "Business2PhoneNumber"},
		"cell": {"MobilePhoneNumber"}, "car": {"CarPhoneNumber"}, "pager": {"PagerNumber"},
		"radio": {"RadioPhoneNumber"}, "homefax": {"HomeFaxNumber"}, "workfax": {"BusinessFaxNumber"},
		"assistant": {"AssistantPhoneNumber"}, "main": {"CompanyMainPhone"}, "mms": {"MMS"},
	}
)

// phoneKind classifies a TEL by its TYPE values. untyped is true for
// numbers with no kind at all (or only voice/pref/other), which fill the
// free home slots after every typed number has its slot. ok is false for
// kinds EAS has no slot for (modem, video, vendor types).
func phoneKind(types []string) (kind string, untyped, ok bool) {
	has := map[string]bool{}
	for _, t := range types {
		has[t] = true
	}
	switch {
	case has["fax"] && has["home"]:
		return "homefax", false, true
	case has["fax"]:
		return "workfax", false, true
	case has["cell"] || has["mobile"] || has["iphone"]:
		return "cell", false, true
	case has["car"]:
		return "car", false, true
	case has["pager"]:
		return "pager", false, true
	case has["radio"] || has["x-radio"]:
		return "radio", false, true
	case has["assistant"] || has["x-assistant"] || has["x-evolution-assistant"]:
		return "assistant", false, true
	case has["x-company-main"] || has["company-main"] || has["x-evolution-company"] || has["main"]:
		return "main", false, true
	case has["mms"] || has["x-mms"]:
		return "mms", false, true
	case has["home"]:
		return "home", false, true
	case has["work"]:
		return "work", false, true
	}
	for t := range has {
		switch t {
		case "voice", "pref", "other", "msg", "text", "x-other":
		default:
			return "", false, false
		}
	}
	return "", true, true
}

// labelType maps Apple's standard X-ABLabel values to the TYPE they stand
// for, so item1.TEL + item1.X-ABLabel:_$!<Mobile>!$_ is a mobile number.
var labelType = map[string]string{
	"_$!<mobile>!$_": "cell", "_$!<iphone>!$_": "cell", "_$!<home>!$_": "home",
	"_$!<work>!$_": "work", "_$!<main>!$_": "main", "_$!<pager>!$_": "pager",
	"_$!<homefax>!$_": "home,fax", "_$!<workfax>!$_": "work,fax",
	"_$!<assistant>!$_": "x-assistant", "_$!<car>!$_": "car", "_$!<radio>!$_": "x-radio",
}

// labels maps each upper-cased group to its Apple X-ABLabel, lower-cased.
func labels(c *vcard.Card) map[string]string {
	out := map[string]string{}
	for i := range c.Props {
		p := &c.Props[i]
		if p.Name == "X-ABLABEL" && p.Group != "" {
			g := strings.ToUpper(p.Group)
			if _, ok := out[g]; !ok {
				out[g] = strings.ToLower(p.Text())
			}
		}
	}
	return out
}

// makePlan assigns the card's properties to EAS fields in card order: the
// first property of a kind takes a single-valued field, multi-slot kinds
// (e-mail, IM, phones) fill their slots in order, and untyped phones take
// the home slots left after every typed phone has its slot.
func makePlan(c *vcard.Card, maxPic int) *plan {
	p := &plan{card: c, taken: map[string]bool{}, entries: map[int]Entry{}}
	lbls := labels(c)
	var untypedPhones []int
	for i := range c.Props {
		prop := &c.Props[i]
		name := prop.Name
		lbl := ""
		if prop.Group != "" {
			lbl = lbls[strings.ToUpper(prop.Group)]
		}
		switch {
		case singleText[name] != "":
			p.text(i, singleText[name])
		case name == "N":
			p.structured(i, nComps)
		case name == "ORG":
			p.structured(i, orgComps)
		case name == "SOUND" && prop.HasType("x-irmc-n"):
			p.structured(i, irmcComps)
		case name == "ADR":
			lt := labelType[lbl]
			switch {
			case prop.HasType("home") || lt == "home":
				p.structured(i, adrComps("HomeAddress"))
			case prop.HasType("work") || lt == "work":
				p.structured(i, adrComps("BusinessAddress"))
			default:
				p.structured(i, adrComps("OtherAddress"))
			}
		case name == "NOTE":
			p.single(i, bBody, "Body")
		case name == "BDAY":
			p.date(i, "Birthday")
		case annivNames[name] || name == "X-ABDATE" && lbl == "_$!<anniversary>!$_":
			p.date(i, "Anniversary")
		case name == "CATEGORIES":
			p.list(i, "Categories")
		case childNames[name] || isRelated(prop, lbl, "child"):
			p.list(i, "Children")
		case spouseNames[name] || isRelated(prop, lbl, "spouse"):
			p.text(i, "Spouse")
		case managerNames[name] || name == "X-ABRELATEDNAMES" && lbl == "_$!<manager>!$_":
			p.text(i, "ManagerName")
		case assistantNames[name] || name == "X-ABRELATEDNAMES" && lbl == "_$!<assistant>!$_":
			p.text(i, "AssistantName")
		case officeNames[name]:
			p.text(i, "OfficeLocation")
		case (name == "EMAIL" || imNames[name]) && strings.TrimSpace(textValue(prop)) == "":
			p.keep(i, "empty value")
		case name == "EMAIL":
			p.multi(i, emailSlots, "e-mail")
		case imNames[name]:
			p.multi(i, imSlots, "IM address")
		case name == "TEL":
			types := prop.Types()
			if lt := labelType[lbl]; lt != "" {
				types = append(types, strings.Split(lt, ",")...)
			}
			kind, untyped, ok := phoneKind(types)
			switch {
			case strings.TrimSpace(textValue(prop)) == "":
				p.keep(i, "empty value")
			case !ok:
				p.keep(i, "no EAS slot for TYPE="+strings.Join(prop.Types(), ","))
			case untyped:
				untypedPhones = append(untypedPhones, i)
			default:
				p.multi(i, phoneSlots[kind], kind+" phone")
			}
		case name == "PHOTO":
			p.photo(i, maxPic)
		default:
			p.keep(i, "no EAS field")
		}
	}
	for _, i := range untypedPhones {
		p.multi(i, phoneSlots["home"], "untyped phone (home slots)")
	}
	return p
}

// isRelated matches X-ABRELATEDNAMES with an Apple label and vCard 4.0
// RELATED;TYPE=kind;VALUE=text.
func isRelated(p *vcard.Property, lbl, kind string) bool {
	switch p.Name {
	case "X-ABRELATEDNAMES":
		return lbl == "_$!<"+kind+">!$_"
	case "RELATED":
		v := p.Param("VALUE")
		return p.HasType(kind) && len(v) == 1 && strings.EqualFold(v[0], "text")
	}
	return false
}

func (p *plan) keep(i int, note string) {
	pr := &p.card.Props[i]
	p.entries[i] = Entry{Line: pr.Line, Group: pr.Group, Name: pr.Name, Status: KeptLocally, Note: note}
}

func (p *plan) carried(i int, note string, fields ...string) {
	pr := &p.card.Props[i]
	p.entries[i] = Entry{Line: pr.Line, Group: pr.Group, Name: pr.Name, Status: Carried, Fields: fields, Note: note}
}

func (p *plan) single(i int, kind bindKind, f string) bool {
	if p.taken[f] {
		p.keep(i, "EAS has one "+f+"; an earlier property fills it")
		return false
	}
	p.taken[f] = true
	p.bindings = append(p.bindings, &binding{kind: kind, field: f, props: []int{i}})
	p.carried(i, "", f)
	return true
}

func (p *plan) text(i int, f string) { p.single(i, bText, f) }

func (p *plan) date(i int, f string) {
	pr := &p.card.Props[i]
	if _, ok := vcard.ParseDate(pr.Value, pr.Param("X-APPLE-OMIT-YEAR")); !ok {
		p.keep(i, "date not understood")
		return
	}
	p.single(i, bDate, f)
}

func (p *plan) multi(i int, slots []string, what string) {
	for _, f := range slots {
		if !p.taken[f] {
			p.taken[f] = true
			p.bindings = append(p.bindings, &binding{kind: bText, field: f, props: []int{i}})
			p.carried(i, "", f)
			return
		}
	}
	p.keep(i, "EAS slots for "+what+" are full")
}

func (p *plan) list(i int, f string) {
	for _, b := range p.bindings {
		if b.kind == bList && b.field == f {
			b.props = append(b.props, i)
			p.carried(i, "", f)
			return
		}
	}
	p.taken[f] = true
	p.bindings = append(p.bindings, &binding{kind: bList, field: f, props: []int{i}})
	p.carried(i, "", f)
}

func (p *plan) structured(i int, comps []compMap) {
	var fields []string
	for _, cm := range comps {
		if p.taken[cm.field] {
			p.keep(i, "EAS has one "+cm.field+"; an earlier property fills it")
			return
		}
		fields = append(fields, cm.field)
	}
	for _, f := range fields {
		p.taken[f] = true
	}
	p.bindings = append(p.bindings, &binding{kind: bComps, props: []int{i}, comps: comps})
	used := map[int]bool{}
	for _, cm := range comps {
		for _, x := range cm.idx {
			used[x] = true
		}
	}
	extra := false
	for x, v := range p.card.Props[i].Components() {
		if !used[x] && strings.TrimSpace(v) != "" {
			extra = true
		}
	}
	if extra {
		pr := &p.card.Props[i]
		p.entries[i] = Entry{Line: pr.Line, Group: pr.Group, Name: pr.Name, Status: KeptLocally, Fields: fields,
			Note: "mapped components travel; further components stay local"}
		return
	}
	p.carried(i, "", fields...)
}

func (p *plan) photo(i int, maxPic int) {
	pr := &p.card.Props[i]
	data, ok := inlinePhoto(pr)
	switch {
	case !ok:
		p.keep(i, "photo by reference or not inline base64")
	case !validBase64(data):
		p.keep(i, "photo data is not valid base64")
	case len(data) > maxPic:
		p.keep(i, "photo larger than the EAS Picture limit")
	default:
		p.single(i, bPicture, "Picture")
	}
}

// inlinePhoto returns the base64 payload of an ENCODING=b value or a
// data: URI.
func inlinePhoto(pr *vcard.Property) (string, bool) {
	if pr.IsBinary() {
		return pr.Value, true
	}
	if v := pr.Value; len(v) > 5 && strings.EqualFold(v[:5], "data:") {
		if _, data, ok := strings.Cut(v[5:], ";base64,"); ok {
			return data, true
		}
	}
	return "", false
}

// entry returns the report entry for property i.
func (p *plan) entry(i int) Entry {
	if e, ok := p.entries[i]; ok {
		return e
	}
	pr := &p.card.Props[i]
	return Entry{Line: pr.Line, Group: pr.Group, Name: pr.Name, Status: KeptLocally, Note: "no EAS field"}
}
