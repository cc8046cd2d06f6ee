package schema

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// TimeZoneSize is the length in bytes of an encoded TIME_ZONE_INFORMATION
// blob as carried in Calendar:Timezone (MS-ASDTYPE 2.7).
const TimeZoneSize = 172

// maxTimeZoneText bounds the base64 text accepted by UnmarshalText; a valid
// blob is 232 characters, so anything much longer is garbage or hostile.
const maxTimeZoneText = 1024

// nameUnits is the size of each zone-name field in UTF-16 code units,
// including the terminating NUL.
const nameUnits = 32

// ErrTimeZoneSize reports a blob that is not exactly TimeZoneSize bytes.
var ErrTimeZoneSize = errors.New("timezone blob: wrong size")

// SystemTime is the Windows SYSTEMTIME structure as used in a time-zone
// blob. For a yearly transition rule Year is 0, Month is 1–12, DayOfWeek is
// 0 (Sunday)–6 and Day is the occurrence of that weekday in the month, 1–5,
// where 5 means the last one. Hour and Minute give the local wall-clock time
// of the transition. A zero Month means the zone has no such transition.
type SystemTime struct {
	Year         uint16
	Month        uint16
	DayOfWeek    uint16
	Day          uint16
	Hour         uint16
	Minute       uint16
	Second       uint16
	Milliseconds uint16
}

// IsZero reports whether s is the all-zero SYSTEMTIME (no transition).
func (s SystemTime) IsZero() bool { return s == SystemTime{} }

// TimeZone is the ActiveSync TIME_ZONE_INFORMATION blob (Calendar:Timezone):
// the zone's standard bias and the yearly standard/daylight transition rule.
//
// Biases are minutes, with UTC = local time + bias; so Europe/Berlin has
// Bias -60, StandardBias 0 and DaylightBias -60. The blob describes a single
// yearly rule, so historical changes of a zone's rules are not expressible.
//
// The zero TimeZone is the all-zero blob several servers send for "UTC or
// unknown"; IsZero reports it and consumers should treat it as UTC.
//
// In XML it is written as base64 text (MarshalText/UnmarshalText).
type TimeZone struct {
	Bias         int32
	StandardName string // at most 31 UTF-16 code units
	StandardDate SystemTime
	StandardBias int32
	DaylightName string // at most 31 UTF-16 code units
	DaylightDate SystemTime
	DaylightBias int32
}

// IsZero reports whether t is the all-zero blob (UTC or unknown zone).
func (t TimeZone) IsZero() bool { return t == TimeZone{} }

// HasDST reports whether t has a daylight-saving rule: both transitions set
// and a non-zero daylight bias.
func (t TimeZone) HasDST() bool {
	return t.StandardDate.Month != 0 && t.DaylightDate.Month != 0 && t.DaylightBias != t.StandardBias
}

// MarshalBinary encodes t as the 172-byte little-endian blob. Names longer
// than 31 UTF-16 code units are cut at a code-point boundary, since the
// fixed-size field cannot hold more; everything else is written verbatim.
func (t TimeZone) MarshalBinary() ([]byte, error) {
	b := make([]byte, TimeZoneSize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(t.Bias))
	putName(b[4:68], t.StandardName)
	putSystemTime(b[68:84], t.StandardDate)
	le.PutUint32(b[84:], uint32(t.StandardBias))
	putName(b[88:152], t.DaylightName)
	putSystemTime(b[152:168], t.DaylightDate)
	le.PutUint32(b[168:], uint32(t.DaylightBias))
	return b, nil
}

// UnmarshalBinary decodes a 172-byte blob. Any other length is an error
// wrapping ErrTimeZoneSize; names end at the first NUL, and invalid UTF-16
// is replaced by U+FFFD rather than rejected.
func (t *TimeZone) UnmarshalBinary(b []byte) error {
	if len(b) != TimeZoneSize {
		return fmt.Errorf("%w: %d bytes, want %d", ErrTimeZoneSize, len(b), TimeZoneSize)
	}
	le := binary.LittleEndian
	*t = TimeZone{
		Bias:         int32(le.Uint32(b[0:])),
		StandardName: getName(b[4:68]),
		StandardDate: getSystemTime(b[68:84]),
		StandardBias: int32(le.Uint32(b[84:])),
		DaylightName: getName(b[88:152]),
		DaylightDate: getSystemTime(b[152:168]),
		DaylightBias: int32(le.Uint32(b[168:])),
	}
	return nil
}

// MarshalText encodes t as standard base64 of the binary blob.
func (t TimeZone) MarshalText() ([]byte, error) {
	b, err := t.MarshalBinary()
	if err != nil {
		return nil, err
	}
	out := make([]byte, base64.StdEncoding.EncodedLen(len(b)))
	base64.StdEncoding.Encode(out, b)
	return out, nil
}

// UnmarshalText decodes base64 text (surrounding and embedded whitespace
// ignored, padding optional). Text longer than 1024 bytes is rejected
// before decoding. An empty element decodes to the zero (UTC) zone.
func (t *TimeZone) UnmarshalText(p []byte) error {
	if len(p) > maxTimeZoneText {
		return fmt.Errorf("timezone blob: %d bytes of text exceeds %d", len(p), maxTimeZoneText)
	}
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, string(p))
	if s == "" {
		*t = TimeZone{}
		return nil
	}
	s = strings.TrimRight(s, "=")
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("timezone blob: %w", err)
	}
	return t.UnmarshalBinary(b)
}

func putName(dst []byte, s string) {
	units := utf16.Encode([]rune(s))
	if len(units) > nameUnits-1 {
		units = units[:nameUnits-1]
		// Do not leave half a surrogate pair behind.
		if last := units[len(units)-1]; last >= 0xD800 && last < 0xDC00 {
			units = units[:len(units)-1]
		}
	}
	for i, u := range units {
		binary.LittleEndian.PutUint16(dst[2*i:], u)
	}
}

func getName(src []byte) string {
	units := make([]uint16, 0, nameUnits)
	for i := 0; i+1 < len(src); i += 2 {
		u := binary.LittleEndian.Uint16(src[i:])
		if u == 0 {
			break
		}
		units = append(units, u)
	}
	return string(utf16.Decode(units))
}

func putSystemTime(dst []byte, s SystemTime) {
	for i, v := range [8]uint16{s.Year, s.Month, s.DayOfWeek, s.Day, s.Hour, s.Minute, s.Second, s.Milliseconds} {
		binary.LittleEndian.PutUint16(dst[2*i:], v)
	}
}

func getSystemTime(src []byte) SystemTime {
	var v [8]uint16
	for i := range v {
		v[i] = binary.LittleEndian.Uint16(src[2*i:])
	}
	return SystemTime{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]}
}
