package store

import (
	"bytes"
	"fmt"
)

// ScanUID returns the value of the first UID property in a vCard or
// iCalendar item, unfolding continuation lines. It does not unescape the
// value or validate the item: it is the fallback [UIDFunc] for callers that
// have no real parser at hand. An item with no UID yields ErrInvalid.
func ScanUID(data []byte) (string, error) {
	var found []byte
	collecting := false
	for line := range bytes.Lines(data) {
		line = bytes.TrimRight(line, "\r\n")
		if collecting {
			if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
				found = append(found, line[1:]...)
				continue
			}
			return string(found), nil
		}
		if name, value, ok := bytes.Cut(line, []byte(":")); ok {
			// Parameters may follow the name: "UID;VALUE=TEXT:x".
			name, _, _ = bytes.Cut(name, []byte(";"))
			// vCard allows a group prefix: "item1.UID:x".
			if i := bytes.LastIndexByte(name, '.'); i >= 0 {
				name = name[i+1:]
			}
			if bytes.EqualFold(bytes.TrimSpace(name), []byte("UID")) {
				found = append([]byte(nil), value...)
				collecting = true
			}
		}
	}
	if collecting {
		return string(found), nil
	}
	return "", fmt.Errorf("%w: no UID property", ErrInvalid)
}
