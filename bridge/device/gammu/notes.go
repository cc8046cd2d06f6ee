package gammu

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Note is one entry of `gammu getallcalendar` or `getalltodo` output: the
// entry's location and its fields in order. Gammu prints "Key : value"
// lines, quoting free text ("Text : \"…\"") without escaping, so a quoted
// value may span lines and contain quotes.
type Note struct {
	Location int
	Fields   []Field
}

// Field is one "Key : value" line; Quoted reports whether gammu quoted the
// value (free text), which tells the event's "Location" field apart from
// the entry's numeric location.
type Field struct {
	Key, Value string
	Quoted     bool
}

// Get returns the first field with the key, and whether there was one.
func (n *Note) Get(key string, quoted bool) (string, bool) {
	for _, f := range n.Fields {
		if f.Key == key && f.Quoted == quoted {
			return f.Value, true
		}
	}
	return "", false
}

// maxNotes bounds the entries parsed from one output.
const maxNotes = 100000

// ParseNotes parses getallcalendar / getalltodo output. Lines that are
// neither fields nor blank are returned as other, so the caller can spot
// gammu's error messages (gammu exits 0 after many of them).
func ParseNotes(out string) (notes []Note, other []string, err error) {
	lines := strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	var cur *Note
	flush := func() {
		if cur != nil {
			notes = append(notes, *cur)
			cur = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		key, value, ok := splitField(line)
		if !ok {
			other = append(other, line)
			continue
		}
		f := Field{Key: key, Value: value}
		if strings.HasPrefix(value, `"`) {
			f.Quoted = true
			// A quoted value ends at a line ending in a quote that is
			// followed by a blank line, another field or the end.
			for !closesQuote(f.Value, lines, i) {
				i++
				f.Value += "\n" + lines[i]
			}
			f.Value = strings.TrimSuffix(strings.TrimPrefix(f.Value, `"`), `"`)
		}
		if key == "Location" && !f.Quoted {
			flush()
			n, convErr := strconv.Atoi(value)
			if convErr != nil || n < 0 {
				return nil, other, fmt.Errorf("gammu output: bad location %q", value)
			}
			if len(notes) >= maxNotes {
				return nil, other, fmt.Errorf("gammu output: more than %d entries", maxNotes)
			}
			cur = &Note{Location: n}
			continue
		}
		if cur == nil {
			other = append(other, line)
			continue
		}
		cur.Fields = append(cur.Fields, f)
	}
	flush()
	return notes, other, nil
}

// closesQuote reports whether the quoted value collected so far (ending on
// line i) is complete.
func closesQuote(v string, lines []string, i int) bool {
	if i+1 >= len(lines) {
		return true
	}
	if len(v) < 2 || !strings.HasSuffix(v, `"`) {
		return false
	}
	next := lines[i+1]
	if strings.TrimSpace(next) == "" {
		return true
	}
	_, _, isField := splitField(next)
	return isField
}

// splitField splits "Key<spaces>: value". Gammu pads keys to 20 columns;
// keys are words of letters, digits, spaces and ()/.- .
func splitField(line string) (key, value string, ok bool) {
	i := strings.Index(line, " : ")
	if i <= 0 {
		if strings.HasSuffix(line, " :") {
			i = len(line) - 2
		} else {
			return "", "", false
		}
	}
	key = strings.TrimSpace(line[:i])
	if key == "" || !(key[0] >= 'A' && key[0] <= 'Z') {
		return "", "", false
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" ()/.-", r)) {
			return "", "", false
		}
	}
	value = ""
	if i+3 <= len(line) {
		value = line[i+3:]
	}
	return key, value, true
}

// dateLayout is how gammu prints dates under LC_ALL=C (strftime "%c").
const dateLayout = "Mon Jan _2 15:04:05 2006"

// parseDate reads a gammu date in the computer's zone, which is the zone
// gammu converts the phone's clock to.
func parseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(dateLayout, strings.TrimSpace(s), time.Local)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
