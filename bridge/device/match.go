package device

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
)

// MatchKey reduces an item to the fields that survive a round trip
// through devices that drop UIDs, so the engine can pair a device item
// with the item it wrote earlier:
//
//   - contacts: the display name (case-folded, spaces collapsed), the last
//     nine digits of each phone number and the case-folded e-mail
//     addresses, each list sorted;
//   - events: the start (a date for all-day items and for items starting
//     at midnight UTC, which is what gammu makes of all-day events; else
//     the UTC instant) and the case-folded summary;
//   - to-dos: the case-folded summary alone, since phones keep a to-do's
//     times inconsistently (gammu's dummy phone drops DUE, real phones
//     print it, and DTSTART fares the other way round).
//
// Two items with equal keys are taken to be the same item. data is vCard
// (any version) for Contacts and iCalendar/vCalendar otherwise.
func MatchKey(kind Kind, data []byte) (string, error) {
	switch kind {
	case Contacts:
		c, err := ParseContact(data)
		if err != nil {
			return "", fmt.Errorf("match key: %w", err)
		}
		return ContactMatchKey(&c), nil
	case Calendar, Tasks:
		it, err := ParseCalendarItem(data)
		if err != nil {
			return "", fmt.Errorf("match key: %w", err)
		}
		return ItemMatchKey(&it), nil
	}
	return "", fmt.Errorf("match key: kind %q: %w", kind, ErrUnsupported)
}

// ContactMatchKey is MatchKey for a parsed contact.
func ContactMatchKey(c *Contact) string {
	var phones, emails []string
	for _, p := range c.Phones {
		if d := phoneDigits(p.Value); d != "" {
			phones = append(phones, d)
		}
	}
	for _, e := range c.Emails {
		emails = append(emails, strings.ToLower(strings.TrimSpace(e.Value)))
	}
	sort.Strings(phones)
	sort.Strings(emails)
	return "n:" + foldText(c.DisplayName()) + "|t:" + strings.Join(phones, ",") + "|e:" + strings.Join(emails, ",")
}

// ItemMatchKey is MatchKey for a parsed event or to-do.
func ItemMatchKey(it *CalendarItem) string {
	if it.Component == "VTODO" {
		return "todo:" + foldText(it.Summary)
	}
	start := it.Start
	var when string
	switch {
	case start.IsZero():
		when = "-"
	case it.AllDay || start.UTC().Equal(start.UTC().Truncate(24*time.Hour)):
		when = start.UTC().Format("2006-01-02")
	default:
		when = start.UTC().Format("20060102T150405Z")
	}
	return "s:" + when + "|" + foldText(it.Summary)
}

// phoneDigits keeps the last nine digits, so "+49 30 1234567" and
// "030 1234567" compare equal.
func phoneDigits(s string) string {
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

func foldText(s string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "))
}
