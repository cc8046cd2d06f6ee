package folder

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cradle-sync/cradle/bridge/device"
)

// item is one top-level item of a .vcf or .ics file: its raw lines
// (BEGIN to END, CRLF-joined) and its UID.
type item struct {
	uid  string
	text string
}

// splitItems cuts a file into its items by BEGIN/END lines, without
// interpreting properties: VCARDs for a .vcf; for a .ics every VEVENT,
// VTODO and VJOURNAL of every VCALENDAR, each later wrapped with the
// file's VTIMEZONEs. Unterminated trailing items are dropped.
func splitItems(data []byte, calendar bool) (items []item, timezones []string) {
	text := strings.ReplaceAll(string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), "\r\n", "\n")
	top := 1 // items sit at depth 1 in a .vcf, at depth 2 (inside VCALENDAR) in a .ics
	if calendar {
		top = 2
	}
	depth := 0
	var cur []string
	var name string
	for _, l := range strings.Split(text, "\n") {
		up := strings.ToUpper(strings.TrimSpace(l))
		switch {
		case strings.HasPrefix(up, "BEGIN:"):
			depth++
			if depth == top {
				cur, name = []string{l}, strings.TrimPrefix(up, "BEGIN:")
			} else if cur != nil {
				cur = append(cur, l)
			}
		case strings.HasPrefix(up, "END:"):
			if cur != nil {
				cur = append(cur, l)
			}
			if depth == top && cur != nil {
				joined := strings.Join(cur, "\r\n") + "\r\n"
				switch {
				case name == "VTIMEZONE":
					timezones = append(timezones, joined)
				case !calendar || name == "VEVENT" || name == "VTODO" || name == "VJOURNAL":
					items = append(items, item{uid: uidOf(cur), text: joined})
				}
				cur = nil
			}
			depth = max(depth-1, 0)
		default:
			if cur != nil {
				cur = append(cur, l)
			}
		}
	}
	return items, timezones
}

// uidOf finds the item's own UID line (not one of a nested component).
func uidOf(lines []string) string {
	depth := 0
	for _, l := range lines {
		up := strings.ToUpper(l)
		switch {
		case strings.HasPrefix(up, "BEGIN:"):
			depth++
		case strings.HasPrefix(up, "END:"):
			depth--
		case depth == 1 && strings.HasPrefix(up, "UID"):
			if _, v, ok := strings.Cut(l, ":"); ok && (len(up) == 3 || up[3] == ':' || up[3] == ';') {
				return strings.TrimSpace(v)
			}
		}
	}
	return ""
}

// keyOf is the item's key: its UID, or for items without one a content
// hash, stable while the item is unchanged.
func keyOf(it item) string {
	if it.uid != "" {
		return it.uid
	}
	return "sha256:" + device.Hash([]byte(it.text))[:32]
}

// recordData turns an item into the engine's form: vCard 2.1 items are
// converted to vCard 4.0 (the engine reads 3.0 and 4.0), calendar items
// are wrapped in a VCALENDAR with the file's time zones.
func recordData(it item, calendar bool, timezones []string) ([]byte, error) {
	if calendar {
		var b strings.Builder
		b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cradle//folder//EN\r\n")
		for _, tz := range timezones {
			b.WriteString(tz)
		}
		b.WriteString(it.text)
		b.WriteString("END:VCALENDAR\r\n")
		return []byte(b.String()), nil
	}
	if strings.Contains(strings.ToUpper(it.text), "VERSION:2.1") {
		c, err := device.ParseContact([]byte(it.text))
		if err != nil {
			return nil, fmt.Errorf("convert vCard 2.1: %w", err)
		}
		return c.VCard(), nil
	}
	return []byte(it.text), nil
}

// itemFromData extracts the item to store from engine data: the VCARD, or
// the VEVENT/VTODO (with any VTIMEZONE dropped: the file keeps its own).
func itemFromData(data []byte, calendar bool) (item, error) {
	items, _ := splitItems(data, calendar)
	if len(items) == 0 {
		return item{}, fmt.Errorf("no item in data: %w", device.ErrInvalid)
	}
	return items[0], nil
}
