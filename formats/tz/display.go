package tz

import (
	"strconv"
	"strings"
	"unicode"
)

// splitDisplay separates a leading "(UTC+01:00)" / "(GMT-05.00)" / "(UTC)"
// from the rest of an Outlook display name. offset is in seconds east of
// UTC; ok reports whether a prefix was found.
func splitDisplay(s string) (off int, rest string) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "(") {
		return 0, s
	}
	end := strings.IndexByte(s, ')')
	if end < 0 {
		return 0, s
	}
	inner := strings.TrimSpace(s[1:end])
	up := strings.ToUpper(inner)
	if !strings.HasPrefix(up, "UTC") && !strings.HasPrefix(up, "GMT") {
		return 0, s
	}
	o, ok := parseOffset(inner[3:])
	if !ok && strings.TrimSpace(inner[3:]) != "" {
		return 0, s
	}
	return o, strings.TrimSpace(s[end+1:])
}

// parseOffset reads "+01:00", "+0100", "-05.00", "+1", " +01" as seconds
// east of UTC. Empty input is offset 0 and not ok.
func parseOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	sign := 1
	switch {
	case s[0] == '+':
		s = s[1:]
	case s[0] == '-':
		sign, s = -1, s[1:]
	case strings.HasPrefix(s, "\u2212"): // MINUS SIGN, seen in localised names
		sign, s = -1, s[len("\u2212"):]
	default:
		return 0, false
	}
	s = strings.TrimSpace(s)
	var h, m int
	var err error
	switch {
	case strings.ContainsAny(s, ":."):
		i := strings.IndexAny(s, ":.")
		h, err = strconv.Atoi(s[:i])
		if err != nil {
			return 0, false
		}
		m, err = strconv.Atoi(s[i+1:])
	case len(s) == 4:
		h, err = strconv.Atoi(s[:2])
		if err == nil {
			m, err = strconv.Atoi(s[2:])
		}
	case len(s) == 1 || len(s) == 2:
		h, err = strconv.Atoi(s)
	default:
		return 0, false
	}
	if err != nil || h > 14 || m > 59 || h < 0 || m < 0 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// normText lower-cases and collapses punctuation and spaces so that display
// names compare equal across Windows versions' small spelling changes.
func normText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// displayTokens splits the text of a display name into its place names:
// "Amsterdam, Berlin / Bern and Rome" → amsterdam, berlin, bern, rome.
func displayTokens(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '/' || r == ';' })
	out := make([]string, 0, len(f))
	for _, t := range f {
		for _, u := range strings.Split(t, " and ") {
			if n := normText(u); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// matchDisplay finds the Windows zone an Outlook display name means. It
// tries the exact display text, then scores zones by how many of the
// name's places they list (display text or IANA city), requiring the
// "(UTC±hh:mm)" offset, when given, to equal the zone's. Ties go to the
// zone matching the earliest place.
func matchDisplay(s string) (*windowsZone, bool) {
	ix := windows()
	off, text := splitDisplay(s)
	hasOff := text != strings.TrimSpace(s)
	if text == "" {
		return nil, false
	}
	offOK := func(z *windowsZone) bool {
		if !hasOff {
			return true
		}
		zo, _ := splitDisplay(z.display)
		return zo == off
	}
	if z, ok := ix.byDisp[normText(text)]; ok && offOK(z) {
		return z, true
	}
	type score struct {
		n, first int
	}
	best := map[*windowsZone]*score{}
	for i, tok := range displayTokens(text) {
		for _, z := range ix.cityToWZ[tok] {
			if !offOK(z) {
				continue
			}
			sc := best[z]
			if sc == nil {
				sc = &score{first: i}
				best[z] = sc
			}
			sc.n++
		}
	}
	var win *windowsZone
	var ws *score
	for i := range windowsZones {
		z := &windowsZones[i]
		sc := best[z]
		if sc == nil {
			continue
		}
		if ws == nil || sc.n > ws.n || (sc.n == ws.n && sc.first < ws.first) {
			win, ws = z, sc
		}
	}
	return win, win != nil
}
