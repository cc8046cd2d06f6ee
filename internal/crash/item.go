package crash

import (
	"fmt"
	"strings"
)

// Kind is the kind of an item the driver handles.
type Kind int

// The kinds of item the harness drives.
const (
	Contact Kind = iota
	Event
)

// String names the kind: "contact" or "event".
func (k Kind) String() string {
	if k == Event {
		return "event"
	}
	return "contact"
}

// Ext is the file extension of the kind, in a vdir and on the DAV server.
func (k Kind) Ext() string {
	if k == Event {
		return ".ics"
	}
	return ".vcf"
}

// keyProp is the property whose value carries the token and the version.
func (k Kind) keyProp() string {
	if k == Event {
		return "SUMMARY"
	}
	return "FN"
}

// Body returns a new item of kind k with the given UID and key field
// value. n varies the rest of the item (an event's date) so items are not
// all alike.
func Body(k Kind, uid, key string, n int) string {
	if k == Event {
		day := 1 + n%28
		hour := 8 + n%10
		return fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cradle crash harness//EN\r\n"+
			"BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20261126T100000Z\r\n"+
			"DTSTART:202612%02dT%02d0000Z\r\nDTEND:202612%02dT%02d3000Z\r\nSUMMARY:%s\r\n"+
			"END:VEVENT\r\nEND:VCALENDAR\r\n", uid, day, hour, day, hour, key)
	}
	return fmt.Sprintf("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:%s\r\nN:%s;Item;;;\r\n"+
		"TEL;TYPE=CELL:+1 555 %04d\r\nEND:VCARD\r\n", uid, key, strings.Fields(key)[0], n%10000)
}

// unfold joins folded content lines (RFC 5545 3.1, RFC 6350 3.2) and
// splits the body into logical lines without their line ends.
func unfold(body string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// propName returns the name of a content line's property (before any
// parameter), upper-cased, and the line's value.
func propName(line string) (name, value string, ok bool) {
	colon := -1
	quoted := false
	for i, r := range line {
		if r == '"' {
			quoted = !quoted
		}
		if r == ':' && !quoted {
			colon = i
			break
		}
	}
	if colon < 0 {
		return "", "", false
	}
	name = line[:colon]
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name = name[:i]
	}
	// vCard property groups ("item1.FN") do not change the property.
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ToUpper(name), line[colon+1:], true
}

// KeyField returns the value of the item's key field (FN or SUMMARY of the
// first VEVENT) and the token it starts with; ok is false when the body
// has none.
func KeyField(k Kind, body string) (token, value string, ok bool) {
	want := k.keyProp()
	for _, l := range unfold(body) {
		name, v, isProp := propName(l)
		if !isProp || name != want {
			continue
		}
		v = unescape(strings.TrimSpace(v))
		f := strings.Fields(v)
		if len(f) == 0 {
			return "", "", false
		}
		return f[0], v, true
	}
	return "", "", false
}

// unescape undoes the text escapes both formats share (\, \; \n \\).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, "\n", `\N`, "\n", `\\`, `\`)
	return r.Replace(s)
}

// SetKeyField returns body with the value of its key field replaced, the
// way a user's editor changes one property and leaves every other line
// (and its folding) alone. ok is false when the body has no key field.
func SetKeyField(k Kind, body, value string) (string, bool) {
	want := k.keyProp()
	nl := "\n"
	if strings.Contains(body, "\r\n") {
		nl = "\r\n"
	}
	phys := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	for i := 0; i < len(phys); i++ {
		name, _, isProp := propName(phys[i])
		if !isProp || name != want {
			continue
		}
		end := i + 1
		for end < len(phys) && (strings.HasPrefix(phys[end], " ") || strings.HasPrefix(phys[end], "\t")) {
			end++
		}
		out := append(append(append([]string(nil), phys[:i]...), want+":"+value), phys[end:]...)
		return strings.Join(out, nl), true
	}
	return body, false
}
