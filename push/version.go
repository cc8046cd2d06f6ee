package push

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is an ActiveSync protocol version, stored as major*10+minor so that
// versions order numerically (Version141 > Version140). Only single-digit
// minor versions exist in EAS.
type Version uint16

// Protocol versions Cradle can speak, oldest first.
const (
	Version121 Version = 121
	Version140 Version = 140
	Version141 Version = 141
	Version160 Version = 160
	Version161 Version = 161
)

// Supported lists the versions Negotiate may pick, most preferred first.
var Supported = []Version{Version161, Version160, Version141, Version140, Version121}

// ErrNoCommonVersion is returned by Negotiate when the server announces no
// version Cradle speaks.
var ErrNoCommonVersion = errors.New("push: no common protocol version")

// String returns the wire form, e.g. "14.1". The zero Version is "".
func (v Version) String() string {
	if v == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d", v/10, v%10)
}

// Is16 reports whether v follows the 16.x write rules: a Change replaces the
// whole item and empty elements are rejected.
func (v Version) Is16() bool { return v >= Version160 }

// ParseVersion parses a version such as "14.1". It accepts any
// "major.minor" with a single-digit minor, so unknown versions a server
// announces (2.5, 12.0) still parse and can be ignored by Negotiate.
func ParseVersion(s string) (Version, error) {
	s = strings.TrimSpace(s)
	major, minor, ok := strings.Cut(s, ".")
	if !ok || len(minor) != 1 {
		return 0, fmt.Errorf("push: invalid protocol version %q", s)
	}
	ma, err := strconv.ParseUint(major, 10, 8)
	if err != nil || ma == 0 {
		return 0, fmt.Errorf("push: invalid protocol version %q", s)
	}
	mi := minor[0]
	if mi < '0' || mi > '9' {
		return 0, fmt.Errorf("push: invalid protocol version %q", s)
	}
	return Version(ma)*10 + Version(mi-'0'), nil
}

// ParseVersions parses the comma-separated MS-ASProtocolVersions header.
// Entries that do not parse are skipped: one odd token from a server must
// not hide the versions that follow it.
func ParseVersions(header string) []Version {
	var vs []Version
	for _, f := range strings.Split(header, ",") {
		if v, err := ParseVersion(f); err == nil {
			vs = append(vs, v)
		}
	}
	return vs
}

// Negotiate returns the highest version in Supported that the server lists.
// It returns an error wrapping ErrNoCommonVersion if there is none.
func Negotiate(server []Version) (Version, error) {
	for _, want := range Supported {
		for _, v := range server {
			if v == want {
				return v, nil
			}
		}
	}
	return 0, fmt.Errorf("%w: server offers %v", ErrNoCommonVersion, server)
}
