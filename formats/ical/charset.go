package ical

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// stripBOM removes a UTF-8 BOM or converts a UTF-16 stream (recognised by
// its BOM) to UTF-8. It reports what it found.
func stripBOM(b []byte) ([]byte, string) {
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		return b[len(bomUTF8):], "UTF-8 BOM"
	case bytes.HasPrefix(b, bomUTF16LE), bytes.HasPrefix(b, bomUTF16BE):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(b); err == nil {
			return out, "UTF-16"
		}
	}
	return b, ""
}

// lookupCharset maps a CHARSET parameter value to a decoder, nil if unknown.
func lookupCharset(name string) encoding.Encoding {
	n := strings.ToLower(strings.Trim(name, `"' `))
	switch n {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return nil
	case "shift_jis", "shift-jis", "sjis", "x-sjis":
		return japanese.ShiftJIS
	case "iso-8859-1", "latin1", "latin-1":
		return charmap.Windows1252 // superset for the printable range, as browsers do
	}
	if e, err := htmlindex.Get(n); err == nil {
		return e
	}
	return nil
}

// decodeLine turns one physical line into valid UTF-8. Lines that are
// already UTF-8 are returned unchanged. Otherwise the declared charset is
// used if any; else a line holding well-formed multi-byte UTF-8 sequences
// is treated as damaged UTF-8 (bad bytes become U+FFFD); else a line whose
// bytes form Shift_JIS double-byte pairs with lead bytes 0x81–0x9F (which
// are not printable in Windows-1252) is Shift_JIS; anything else is read
// as Windows-1252, the usual "Latin-1" of Windows and Google exports.
func decodeLine(line []byte, declared encoding.Encoding) (string, string) {
	if utf8.Valid(line) {
		return string(line), ""
	}
	if declared != nil {
		if out, err := declared.NewDecoder().Bytes(line); err == nil {
			return string(out), "declared charset"
		}
	}
	if hasUTF8Sequence(line) {
		return strings.ToValidUTF8(string(line), "\uFFFD"), "damaged UTF-8"
	}
	if looksShiftJIS(line) {
		if out, err := japanese.ShiftJIS.NewDecoder().Bytes(line); err == nil && utf8.Valid(out) && !bytes.ContainsRune(out, utf8.RuneError) {
			return string(out), "Shift_JIS"
		}
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(line)
	if err != nil {
		return strings.ToValidUTF8(string(line), "\uFFFD"), "invalid bytes"
	}
	return string(out), "Windows-1252"
}

// hasUTF8Sequence reports whether b contains at least one complete,
// well-formed multi-byte UTF-8 sequence.
func hasUTF8Sequence(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && size > 1 {
			return true
		}
		i++
	}
	return false
}

func looksShiftJIS(b []byte) bool {
	pairs := 0
	for i := 0; i+1 < len(b); i++ {
		c := b[i]
		if c >= 0x81 && c <= 0x9F {
			t := b[i+1]
			if t < 0x40 || t == 0x7F || t > 0xFC {
				return false
			}
			pairs++
			i++
		} else if c >= 0xE0 && c <= 0xEF {
			i++
		}
	}
	return pairs > 0
}
