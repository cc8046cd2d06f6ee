package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds the stem of a file name derived from a UID. With the
// hash suffix, a collision counter and the extension the name stays far
// below the 255-byte limit of common file systems, and the path below
// Windows' classic 260-character limit in typical folders.
const maxNameBytes = 100

// nameHashLen is the number of hex digits of the UID hash appended to a
// name that had to be altered, so two UIDs that sanitise alike stay apart.
const nameHashLen = 12

// FileStem returns the file name stem (without extension) under which a
// vdir stores the item with the given UID. The result is deterministic,
// non-empty, valid UTF-8, has no path separator, does not start with a dot
// (so it is neither hidden nor "." or "..") or end with a dot or space, is no
// Windows reserved device name, has no control, NUL or shell-hostile
// character, and is at most maxNameBytes+1+nameHashLen bytes long. A UID
// that is already such a name is used as is; any other gets a hash of the
// full UID appended, so distinct UIDs map to distinct stems.
func FileStem(uid string) string {
	var b strings.Builder
	altered := !utf8.ValidString(uid)
	for i, r := range uid {
		switch {
		case r == utf8.RuneError:
			altered = true
			b.WriteByte('_')
		case i == 0 && r == '.':
			altered = true
			b.WriteByte('_')
		case safeRune(r):
			b.WriteRune(r)
		default:
			altered = true
			b.WriteByte('_')
		}
	}
	stem := b.String()
	if trimmed := strings.TrimRight(stem, ". "); trimmed != stem {
		altered = true
		stem = trimmed
	}
	if isReserved(stem) {
		altered = true
		stem = "_" + stem
	}
	if len(stem) > maxNameBytes {
		altered = true
		cut := maxNameBytes
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		stem = stem[:cut]
	}
	if stem == "" {
		return ContentHash([]byte(uid))[:nameHashLen]
	}
	if altered {
		stem += "-" + ContentHash([]byte(uid))[:nameHashLen]
	}
	return stem
}

// safeRune allows letters and digits of any script plus a few punctuation
// marks common in UIDs that no mainstream file system or shell treats
// specially. Space is excluded: it is legal but trips up scripts.
func safeRune(r rune) bool {
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return true
	}
	switch r {
	case '-', '_', '.', '@', '+', '=', ',', '~':
		return true
	}
	return false
}

// isReserved reports whether Windows treats stem as a device name, which it
// does whatever the extension ("con.vcf" is the console).
func isReserved(stem string) bool {
	base, _, _ := strings.Cut(stem, ".")
	switch strings.ToUpper(base) {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) == 4 || (len(base) > 4 && !isASCII(base[3:])) {
		up := strings.ToUpper(base[:3])
		if up == "COM" || up == "LPT" {
			rest := base[3:]
			// COM0 and LPT0 are reserved on current Windows, as are the
			// superscript digits ¹²³.
			return (len(rest) == 1 && rest[0] >= '0' && rest[0] <= '9') ||
				rest == "¹" || rest == "²" || rest == "³"
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
