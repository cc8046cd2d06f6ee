// Package codec joins the formats packages to the reconciler: for each
// kind of item it turns local vCard/iCalendar bytes into EAS item data and
// back, merges edits, and derives content keys for matching.
package codec

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode"

	"github.com/cradle-sync/cradle/bridge/reconcile"
	"github.com/cradle-sync/cradle/formats/contact"
	"github.com/cradle-sync/cradle/formats/merge"
	"github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/schema"
)

// Contacts is the codec for vCard contacts.
type Contacts struct {
	// MaxPicture caps photos sent to the server (bytes of base64); 0 uses
	// the EAS maximum. Larger photos stay local.
	MaxPicture int
}

// ErrNoUID reports a local item without a UID (reconcile.ErrNoUID).
var ErrNoUID = reconcile.ErrNoUID

// Ext returns ".vcf".
func (Contacts) Ext() string { return ".vcf" }

func readCard(b []byte) (*vcard.Card, error) {
	cards, err := readCards(b)
	if err != nil {
		return nil, err
	}
	return &cards[0], nil
}

func readCards(b []byte) ([]vcard.Card, error) {
	cards, _, err := vcard.Read(bytes.NewReader(b), "item")
	if err != nil {
		return nil, err
	}
	if len(cards) == 0 {
		return nil, errors.New("no vCard in item")
	}
	return cards, nil
}

func cardUID(c *vcard.Card) string {
	for _, p := range c.Props {
		if strings.EqualFold(p.Name, "UID") {
			return strings.TrimSpace(p.Value)
		}
	}
	return ""
}

// UID returns the card's UID.
func (Contacts) UID(local []byte) (string, error) {
	c, err := readCard(local)
	if err != nil {
		return "", err
	}
	if u := cardUID(c); u != "" {
		return u, nil
	}
	return "", ErrNoUID
}

func (cc Contacts) opts(v push.Version, prev *vcard.Card) contact.Options {
	return contact.Options{Version: contact.Version(v.String()), MaxPicture: cc.MaxPicture, Previous: prev}
}

// ToEAS maps the card to EAS contact data.
func (cc Contacts) ToEAS(local, base []byte, v push.Version) (push.ItemData, error) {
	cards, err := readCards(local)
	if err != nil {
		return push.ItemData{}, err
	}
	c := &cards[0]
	if len(cards) > 1 {
		// A vdir file is one item; the rest of a pasted address book would
		// silently never reach the server.
		var rest []string
		for _, o := range cards[1:] {
			name := ""
			if fn := o.Get("FN"); fn != nil {
				name = fn.Value
			}
			rest = append(rest, cmp.Or(cardUID(&o), name))
		}
		slog.Warn("file holds several contacts; only the first syncs, split it or use a single-file collection",
			"uid", cardUID(c), "others", rest)
	}
	var prev *vcard.Card
	if base != nil {
		if prev, err = readCard(base); err != nil {
			prev = nil // a damaged base only costs the 14.x clearing of fields
		}
	}
	ec, _ := contact.ToEAS(c, cc.opts(v, prev))
	return push.NewItemData(ec)
}

func writeCard(c *vcard.Card) ([]byte, error) {
	version := c.Version
	if version != "4.0" {
		version = "3.0" // 2.1 is upgraded when Cradle writes; khard and Evolution read 3.0
	}
	var b bytes.Buffer
	if err := vcard.Write(&b, c, version); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// FromEAS applies the server's contact onto local, keeping what EAS cannot
// hold; a new card gets uid.
func (cc Contacts) FromEAS(data, prev push.ItemData, local []byte, uid string, v push.Version) ([]byte, error) {
	var ec schema.Contact
	if err := data.Decode(&ec); err != nil {
		return nil, fmt.Errorf("decode contact: %w", err)
	}
	opts := contact.Options{Version: contact.Version(v.String())}
	if !prev.IsZero() {
		var pc schema.Contact
		if err := prev.Decode(&pc); err == nil {
			opts.PreviousEAS = &pc
		}
	}
	var base *vcard.Card
	if local != nil {
		c, err := readCard(local)
		if err != nil {
			return nil, err
		}
		base = c
	}
	card, _ := opts.FromEAS(&ec, base)
	if cardUID(card) == "" && base == nil {
		card.Props = append([]vcard.Property{{Name: "UID", Value: uid}}, card.Props...)
	}
	if base == nil && card.Version == "" {
		card.Version = "3.0"
	}
	out, err := writeCard(card)
	if err != nil || base == nil {
		return out, err
	}
	// Nothing changed: keep the user's bytes (their vCard version, line
	// endings and encoding) instead of rewriting an equal card.
	if was, werr := writeCard(base); werr == nil && bytes.Equal(was, out) {
		return local, nil
	}
	return out, nil
}

// Merge merges the three versions property by property.
func (Contacts) Merge(base, local, remote []byte) ([]byte, bool, error) {
	l, err := readCard(local)
	if err != nil {
		return nil, false, err
	}
	r, err := readCard(remote)
	if err != nil {
		return nil, false, err
	}
	var b *vcard.Card
	if base != nil {
		if b, err = readCard(base); err != nil {
			b = nil
		}
	}
	m, conflicts := merge.Cards(b, l, r)
	out, err := writeCard(m)
	return out, len(conflicts) > 0, err
}

// MatchKey identifies a contact by its names, e-mail addresses and phone
// numbers as EAS sees them, so a local card and the server's copy of it
// give the same key.
func (cc Contacts) MatchKey(data push.ItemData, local []byte) string {
	var ec *schema.Contact
	if local != nil {
		c, err := readCard(local)
		if err != nil {
			return ""
		}
		ec, _ = contact.ToEAS(c, cc.opts(push.Version161, nil))
	} else {
		ec = &schema.Contact{}
		if err := data.Decode(ec); err != nil {
			return ""
		}
	}
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.Join(strings.FieldsFunc(strings.ToLower(*p), unicode.IsSpace), " ")
	}
	digits := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, *p)
	}
	names := []string{s(ec.FirstName), s(ec.MiddleName), s(ec.LastName), s(ec.CompanyName)}
	var mails, phones []string
	for _, p := range []*string{ec.Email1Address, ec.Email2Address, ec.Email3Address} {
		v := s(p)
		// Servers may send `"Name" <address>`; only the address counts.
		if i, j := strings.LastIndexByte(v, '<'), strings.LastIndexByte(v, '>'); i >= 0 && j > i {
			v = v[i+1 : j]
		}
		if v != "" {
			mails = append(mails, v)
		}
	}
	for _, p := range []*string{ec.MobilePhoneNumber, ec.HomePhoneNumber, ec.Home2PhoneNumber, ec.BusinessPhoneNumber,
		ec.Business2PhoneNumber, ec.CarPhoneNumber, ec.PagerNumber, ec.RadioPhoneNumber, ec.HomeFaxNumber,
		ec.BusinessFaxNumber, ec.AssistantPhoneNumber, ec.CompanyMainPhone, ec.MMS} {
		if v := digits(p); v != "" {
			phones = append(phones, v)
		}
	}
	slices.Sort(mails)
	slices.Sort(phones)
	k := strings.Join(names, "|") + "#" + strings.Join(mails, ",") + "#" + strings.Join(phones, ",")
	if strings.Trim(k, "|#,") == "" {
		return ""
	}
	return k
}
