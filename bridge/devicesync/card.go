package devicesync

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/formats/merge"
	"github.com/cradle-sync/cradle/formats/vcard"
)

// parseCard reads data holding exactly one vCard.
func parseCard(name string, data []byte) (*vcard.Card, error) {
	cards, _, err := vcard.Read(bytes.NewReader(data), name)
	if len(cards) != 1 {
		if err == nil {
			err = fmt.Errorf("%d cards, want 1", len(cards))
		}
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return &cards[0], nil
}

// writeCard encodes c in its own version where Cradle writes that version,
// else as vCard 4.0.
func writeCard(c *vcard.Card) ([]byte, error) {
	v := vcard.V40
	if c.Version == vcard.V30 {
		v = vcard.V30
	}
	var b bytes.Buffer
	if err := vcard.Write(&b, c, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// withUID returns a device card ready to be stored locally and its UID:
// the card's own UID if it has one, else a new random one added to it.
func withUID(name string, data []byte) (uid string, out []byte, err error) {
	c, err := parseCard(name, data)
	if err != nil {
		return "", nil, err
	}
	if p := c.Get("UID"); p != nil && strings.TrimSpace(p.Value) != "" {
		return strings.TrimSpace(p.Value), data, nil
	}
	uid, err = newUID()
	if err != nil {
		return "", nil, err
	}
	c.Props = append(c.Props, vcard.Property{Name: "UID", Value: uid})
	out, err = writeCard(c)
	if err != nil {
		return "", nil, fmt.Errorf("encode %s: %w", name, err)
	}
	return uid, out, nil
}

func newUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new uid: %w", err)
	}
	return "urn:uuid:" + hex.EncodeToString(b[:4]) + "-" + hex.EncodeToString(b[4:6]) + "-" +
		hex.EncodeToString(b[6:8]) + "-" + hex.EncodeToString(b[8:10]) + "-" + hex.EncodeToString(b[10:]), nil
}

// mergeDeviceEdit applies the device's edit (deviceBase → deviceNow) onto
// the local card. The base is the device's own earlier rendering, so a
// property the device never keeps (UID, PHOTO, CATEGORIES…) is absent from
// both base and remote and the local value survives; only what the user
// changed on the phone reaches the local card.
func mergeDeviceEdit(name string, deviceBase, local, deviceNow []byte) ([]byte, error) {
	l, err := parseCard(name+" (local)", local)
	if err != nil {
		return nil, err
	}
	r, err := parseCard(name+" (device)", deviceNow)
	if err != nil {
		return nil, err
	}
	var b *vcard.Card
	if len(deviceBase) > 0 {
		if b, err = parseCard(name+" (base)", deviceBase); err != nil {
			return nil, err
		}
	}
	merged, _ := merge.Cards(b, l, r)
	out, err := writeCard(merged)
	if err != nil {
		return nil, fmt.Errorf("encode merged %s: %w", name, err)
	}
	return out, nil
}

// sameContact reports whether two device renderings can be one contact
// edited: they share the display name, a phone number or an e-mail
// address. Devices without UIDs reuse the key of a deleted entry for the
// next one added (gammu fills the first free location), and an entry that
// shares nothing with what the key held before is a new contact, not an
// edit to merge onto the old one.
func sameContact(before, after []byte) bool {
	a, errA := device.ParseContact(before)
	b, errB := device.ParseContact(after)
	if errA != nil || errB != nil {
		return true // cannot tell: treat as an edit, which loses nothing locally
	}
	if n := strings.ToLower(strings.TrimSpace(a.DisplayName())); n != "" && n == strings.ToLower(strings.TrimSpace(b.DisplayName())) {
		return true
	}
	seen := map[string]bool{}
	for _, p := range a.Phones {
		if d := lastDigits(p.Value); d != "" {
			seen["t:"+d] = true
		}
	}
	for _, e := range a.Emails {
		seen["e:"+strings.ToLower(strings.TrimSpace(e.Value))] = true
	}
	for _, p := range b.Phones {
		if d := lastDigits(p.Value); d != "" && seen["t:"+d] {
			return true
		}
	}
	for _, e := range b.Emails {
		if seen["e:"+strings.ToLower(strings.TrimSpace(e.Value))] {
			return true
		}
	}
	return false
}

// lastDigits keeps the last nine digits of a phone number, as
// device.MatchKey does, so national and international forms compare equal.
func lastDigits(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	if len(b) > 9 {
		b = b[len(b)-9:]
	}
	return string(b)
}
