package gammu

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
)

// itemFromNote turns a calendar or to-do entry into a CalendarItem.
// Gammu keeps no UID and no all-day flag: an entry from midnight UTC to a
// later midnight UTC is read as all-day, which is what gammu makes of
// all-day events.
func itemFromNote(n *Note, component string) device.CalendarItem {
	it := device.CalendarItem{Component: component}
	if v, ok := n.Get("Text", true); ok {
		it.Summary = v
	}
	if v, ok := n.Get("Location", true); ok {
		it.Location = v
	}
	if v, ok := n.Get("Description", true); ok {
		it.Description = v
	}
	if v, ok := n.Get("Start", false); ok {
		it.Start, _ = parseDate(v)
	}
	if v, ok := n.Get("Stop", false); ok {
		it.End, _ = parseDate(v)
	}
	if v, ok := n.Get("Due time", false); ok {
		it.Due, _ = parseDate(v)
	}
	for _, key := range []string{"Tone alarm", "Silent alarm"} {
		if v, ok := n.Get(key, false); ok && !it.Start.IsZero() {
			if t, ok := parseDate(v); ok && !t.After(it.Start) {
				it.Alarms = append(it.Alarms, it.Start.Sub(t))
			}
		}
	}
	if v, ok := n.Get("Completed", false); ok && strings.EqualFold(v, "Yes") {
		it.Completed = true
	}
	if v, ok := n.Get("Priority", false); ok {
		switch v {
		case "High":
			it.Priority = 1
		case "Medium":
			it.Priority = 5
		case "Low":
			it.Priority = 9
		}
	}
	if !it.Start.IsZero() {
		it.Start = it.Start.UTC()
		if !it.End.IsZero() {
			it.End = it.End.UTC()
			day := 24 * time.Hour
			if it.Start.Equal(it.Start.Truncate(day)) && it.End.After(it.Start) && it.End.Sub(it.Start)%day == 0 {
				it.AllDay = true
			}
		}
	}
	if !it.Due.IsZero() {
		it.Due = it.Due.UTC()
	}
	return it
}

// vcalendar writes the item as vCalendar 1.0, the form gammu reads most
// faithfully (it keeps AALARM, which it drops from iCalendar VALARMs).
func vcalendar(it *device.CalendarItem) []byte {
	var b bytes.Buffer
	line := func(name, value string) {
		if value == "" {
			return
		}
		b.WriteString(name)
		b.WriteString(qpValue(value))
		b.WriteString("\r\n")
	}
	utc := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:1.0\r\n")
	if it.Component == "VTODO" {
		b.WriteString("BEGIN:VTODO\r\n")
		if !it.Start.IsZero() {
			line("DTSTART", utc(it.Start))
		}
		if !it.Due.IsZero() {
			line("DUE", utc(it.Due))
		}
		// Gammu reads vCalendar priorities as 1 low, 2 medium, 3 high
		// (iCalendar counts the other way, 1 highest).
		switch {
		case it.Priority >= 1 && it.Priority <= 4:
			line("PRIORITY", "3")
		case it.Priority >= 6:
			line("PRIORITY", "1")
		case it.Priority == 5:
			line("PRIORITY", "2")
		}
		if it.Completed {
			line("STATUS", "COMPLETED")
		}
		line("SUMMARY", it.Summary)
		line("DESCRIPTION", it.Description)
		b.WriteString("END:VTODO\r\n")
	} else {
		b.WriteString("BEGIN:VEVENT\r\nCATEGORIES:MEETING\r\n")
		start, end := it.Start, it.End
		if end.IsZero() {
			end = start.Add(it.Duration)
		}
		if it.AllDay {
			start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
			if !end.After(start) {
				end = start.AddDate(0, 0, 1)
			}
		}
		line("DTSTART", utc(start))
		if end.After(start) {
			line("DTEND", utc(end))
		}
		if len(it.Alarms) > 0 {
			line("AALARM", utc(start.Add(-it.Alarms[0])))
		}
		line("SUMMARY", it.Summary)
		line("LOCATION", it.Location)
		line("DESCRIPTION", it.Description)
		b.WriteString("END:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

// vcard21 writes the contact as vCard 2.1, as gammu itself writes it.
// Names longer than maxName characters are cut (0 = no limit).
func vcard21(c *device.Contact, maxName int) []byte {
	var b bytes.Buffer
	line := func(name, value string) {
		b.WriteString(name)
		b.WriteString(qpValue(value))
		b.WriteString("\r\n")
	}
	cut := func(s string) string {
		if r := []rune(s); maxName > 0 && len(r) > maxName {
			return string(r[:maxName])
		}
		return s
	}
	semi := func(parts ...string) string {
		for i, p := range parts {
			parts[i] = strings.ReplaceAll(p, ";", `\;`)
		}
		return strings.Join(parts, ";")
	}
	b.WriteString("BEGIN:VCARD\r\nVERSION:2.1\r\n")
	fn := cut(c.DisplayName())
	line("FN", fn)
	n := c.Name
	if n == (device.Name{}) {
		n.Family = fn
	}
	line("N", semi(cut(n.Family), cut(n.Given), n.Additional, n.Prefix, n.Suffix))
	for _, p := range c.Phones {
		var t string
		switch {
		case p.HasType("FAX"):
			t = ";FAX"
		case p.HasType("CELL"):
			t = ";CELL"
		case p.HasType("WORK"):
			t = ";WORK"
		case p.HasType("HOME"):
			t = ";HOME"
		}
		line("TEL"+t, p.Value)
	}
	for _, e := range c.Emails {
		line("EMAIL", e.Value)
	}
	for _, a := range c.Addresses {
		t := ""
		if (device.Typed{Types: a.Types}).HasType("WORK") {
			t = ";WORK"
		} else if (device.Typed{Types: a.Types}).HasType("HOME") {
			t = ";HOME"
		}
		line("ADR"+t, semi(a.POBox, a.Extended, a.Street, a.Locality, a.Region, a.PostalCode, a.Country))
	}
	if c.Org != "" {
		line("ORG", c.Org)
	}
	if c.Title != "" {
		line("TITLE", c.Title)
	}
	if c.Note != "" {
		line("NOTE", c.Note)
	}
	if c.Birthday != "" && !strings.HasPrefix(c.Birthday, "--") {
		line("BDAY", strings.ReplaceAll(c.Birthday, "-", ""))
	}
	for _, u := range c.URLs {
		line("URL", u)
	}
	if c.Nickname != "" {
		line("NICKNAME", c.Nickname)
	}
	b.WriteString("END:VCARD\r\n")
	return b.Bytes()
}

// qpValue returns ":value", or ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:…"
// for values with line breaks or non-ASCII, which 2.1 cannot carry bare.
func qpValue(v string) string {
	plain := true
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] >= 0x7f || v[i] == '=' {
			plain = false
			break
		}
	}
	if plain {
		return ":" + v
	}
	var b strings.Builder
	b.WriteString(";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:")
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x20 && c < 0x7f && c != '=' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "=%02X", c)
	}
	return b.String()
}
