package uimodel

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrNoDisplay says there is no graphical session to open a window in.
var ErrNoDisplay = errors.New("no display: DISPLAY and WAYLAND_DISPLAY are unset, so no window can open (the daemon itself runs headless; use the cradle commands, e.g. cradle status)")

// CheckDisplay reports ErrNoDisplay when goos is a Unix desktop (not
// windows, darwin, android or ios) and getenv finds neither DISPLAY nor
// WAYLAND_DISPLAY. Fyne's GLFW driver panics in that case, so this must
// be asked before the Fyne app is created.
func CheckDisplay(goos string, getenv func(string) string) error {
	switch goos {
	case "windows", "darwin", "android", "ios":
		return nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return ErrNoDisplay
	}
	return nil
}

// Sentence turns an error into a sentence for a dialog: first letter
// upper case, ending in a full stop. Go error strings are neither.
func Sentence(err error) string {
	s := strings.TrimSpace(err.Error())
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}
