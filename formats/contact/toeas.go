package contact

import (
	"strings"

	"github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/push/schema"
)

// ToEAS maps a card to an EAS contact for Add or Change.
//
// Every property gets a Report entry: carried, or kept-locally with the
// reason (no EAS field, slots full, photo over the Picture cap, ...). Empty
// values are never sent. With opts.Previous on 14.x, fields the previous
// card filled and this one does not are sent as empty elements so the
// server clears them; on 16.x they are left out, which deletes them, and
// only Picture is sent empty (16.x keeps an omitted photo).
func ToEAS(card *vcard.Card, opts Options) (*schema.Contact, Report) {
	if card == nil {
		card = &vcard.Card{}
	}
	p := makePlan(card, opts.maxPicture())
	c := contactFromPlan(p)
	var rep Report
	for i := range card.Props {
		rep.add(p.entry(i))
	}
	if opts.Previous != nil {
		prev := contactFromPlan(makePlan(opts.Previous, opts.maxPicture()))
		clearDropped(c, prev, opts.version(), card)
	}
	return c, rep
}

func contactFromPlan(p *plan) *schema.Contact {
	c := &schema.Contact{}
	card := p.card
	for _, b := range p.bindings {
		pr := &card.Props[b.props[0]]
		switch b.kind {
		case bText:
			if v := textValue(pr); v != "" {
				*field(c, b.field) = strp(v)
			}
		case bComps:
			for i, v := range compValues(pr, b.comps) {
				if v != "" {
					*field(c, b.comps[i].field) = strp(v)
				}
			}
		case bDate:
			if d, ok := propDate(pr); ok {
				*field(c, b.field) = strp(easDate(d))
			}
		case bList:
			items := listValues(card, b)
			if len(items) == 0 {
				continue
			}
			if b.field == "Categories" {
				c.Categories = &schema.ContactCategories{Category: items}
			} else {
				c.Children = &schema.ContactChildren{Child: items}
			}
		case bPicture:
			if data, ok := inlinePhoto(pr); ok && data != "" {
				c.Picture = strp(data)
			}
		case bBody:
			if t := pr.Text(); t != "" {
				c.Body = &schema.Body{Type: schema.BodyPlain, Data: strp(t)}
			}
		}
	}
	return c
}

// clearDropped applies the version's rule for fields the previous sync
// sent and the card no longer fills.
func clearDropped(c, prev *schema.Contact, v Version, card *vcard.Card) {
	empty := strp("")
	for _, f := range stringFields {
		cur, old := field(c, f), field(prev, f)
		if *cur != nil || *old == nil {
			continue
		}
		if f == "Picture" {
			// A photo kept locally for its size must not clear the
			// server's (smaller) copy.
			if card.Get("PHOTO") == nil {
				*cur = strp("")
			}
			continue
		}
		if !v.replaces() {
			*cur = empty
		}
	}
	if v.replaces() {
		return
	}
	if c.Categories == nil && prev.Categories != nil {
		c.Categories = &schema.ContactCategories{}
	}
	if c.Children == nil && prev.Children != nil {
		c.Children = &schema.ContactChildren{}
	}
	if c.Body == nil && prev.Body != nil {
		c.Body = &schema.Body{Type: schema.BodyPlain, Data: strp("")}
	}
}

// equalLists compares category or child lists exactly, in order.
func equalLists(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.TrimSpace(a[i]) != strings.TrimSpace(b[i]) {
			return false
		}
	}
	return true
}
