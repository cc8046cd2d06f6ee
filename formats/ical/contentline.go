package ical

import (
	"errors"
	"fmt"
	"strings"
)

// parsedLine is a Prop plus the repairs made while reading it.
type parsedLine struct {
	Prop
	repairs []string
}

var errNoColon = errors.New("no colon: not a content line")

// parseContentLine splits "NAME;P=V,W;Q=\"x\":value". It accepts lower-case
// names, vCard-style groups, bare (valueless) vCalendar parameters and empty
// parameters, noting the repairs; a line without a colon is an error.
func parseContentLine(s string) (parsedLine, error) {
	var pl parsedLine
	i := 0
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	if i == 0 {
		if strings.IndexByte(s, ':') < 0 {
			return pl, errNoColon
		}
		return pl, fmt.Errorf("content line starts with %q, not a name", firstRune(s))
	}
	name := s[:i]
	if i == len(s) {
		return pl, errNoColon
	}
	if s[i] != ';' && s[i] != ':' {
		// "X-COMMENT : v" and similar: tolerate spaces before the colon.
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j == len(s) || (s[j] != ':' && s[j] != ';') {
			if strings.IndexByte(s, ':') < 0 {
				return pl, errNoColon
			}
			return pl, fmt.Errorf("unexpected %q after name %s", firstRune(s[i:]), name)
		}
		pl.repairs = append(pl.repairs, "space before colon")
		i = j
	}
	if g := strings.LastIndexByte(name, '.'); g >= 0 {
		pl.Group, name = name[:g], name[g+1:]
	}
	if name == "" {
		return pl, fmt.Errorf("empty property name")
	}
	up := strings.ToUpper(name)
	if up != name {
		pl.repairs = append(pl.repairs, fmt.Sprintf("lower-case name %s", name))
	}
	pl.Name = up

	for i < len(s) && s[i] == ';' {
		i++
		j := i
		for j < len(s) && s[j] != '=' && s[j] != ';' && s[j] != ':' {
			j++
		}
		pname := strings.ToUpper(strings.TrimSpace(s[i:j]))
		if j == len(s) {
			return pl, errNoColon
		}
		if s[j] != '=' {
			if pname == "" {
				pl.repairs = append(pl.repairs, "empty parameter skipped")
			} else {
				pl.repairs = append(pl.repairs, fmt.Sprintf("bare parameter %s", pname))
				pl.Params = append(pl.Params, Param{Name: pname})
			}
			i = j
			continue
		}
		i = j + 1
		param := Param{Name: pname}
		for {
			var v string
			// A fold inside the parameters can leave a space before a
			// quoted value (RFC 5545's own DELEGATED-FROM example).
			if j := i + len(s[i:]) - len(strings.TrimLeft(s[i:], " ")); j < len(s) && j > i && s[j] == '"' {
				i = j
			}
			if i < len(s) && s[i] == '"' {
				k := strings.IndexByte(s[i+1:], '"')
				if k < 0 {
					return pl, fmt.Errorf("parameter %s: unterminated quoted value", pname)
				}
				v = s[i+1 : i+1+k]
				i += k + 2
			} else {
				k := i
				for k < len(s) && s[k] != ',' && s[k] != ';' && s[k] != ':' {
					// Apple escapes separators in X-TITLE with a backslash;
					// keep the pair verbatim rather than split there.
					if s[k] == '\\' && k+1 < len(s) {
						k++
					}
					k++
				}
				v = s[i:k]
				i = k
			}
			param.Values = append(param.Values, v)
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			break
		}
		if pname == "" {
			pl.repairs = append(pl.repairs, "parameter without name skipped")
		} else {
			pl.Params = append(pl.Params, param)
		}
	}
	if i >= len(s) || s[i] != ':' {
		return pl, errNoColon
	}
	pl.Value = s[i+1:]
	return pl, nil
}

func isNameChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}
