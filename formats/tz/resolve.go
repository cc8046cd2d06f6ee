package tz

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Windows desktops have no zoneinfo; embed it.

	"github.com/cradle-sync/cradle/formats/ical"
)

// Method says how a TZID was resolved, from most to least reliable.
type Method int

// Resolution methods.
const (
	MethodIANA      Method = iota + 1 // TZID is an IANA name
	MethodVendor                      // IANA name behind a vendor prefix or with '_' for '/'
	MethodWindows                     // Windows zone name via CLDR
	MethodDisplay                     // Outlook display name
	MethodVTimezone                   // the file's VTIMEZONE rules matched an IANA zone
	MethodRules                       // the file's VTIMEZONE rules used directly
	MethodOffset                      // a "GMT+0100"-style offset, fixed
	MethodUTC                         // UTC / GMT / Z
)

var methodNames = map[Method]string{
	MethodIANA: "IANA", MethodVendor: "vendor-prefixed IANA", MethodWindows: "Windows name",
	MethodDisplay: "Outlook display name", MethodVTimezone: "VTIMEZONE rules matched",
	MethodRules: "VTIMEZONE rules", MethodOffset: "fixed offset", MethodUTC: "UTC",
}

// String names the method for reports.
func (m Method) String() string {
	if s, ok := methodNames[m]; ok {
		return s
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Zone is a resolved time zone.
type Zone struct {
	// Loc is the location to interpret wall times in. For MethodRules it is
	// synthesised from the VTIMEZONE and named after the TZID.
	Loc *time.Location
	// IANA is the IANA name when one is known ("" for MethodRules and
	// MethodOffset).
	IANA   string
	Method Method
}

// ErrUnknownZone is returned (wrapped) when nothing identifies a TZID.
var ErrUnknownZone = errors.New("tz: unknown time zone")

// Resolver resolves the TZIDs of one calendar file. It is safe for
// concurrent use; results are cached per TZID.
type Resolver struct {
	vtz   map[string]*ical.Component
	year  int
	mu    sync.Mutex
	cache map[string]result
}

type result struct {
	z   Zone
	err error
}

// NewResolver returns a Resolver that knows the VTIMEZONE components found
// (at any depth) in cals. Rule matching compares zones over the three
// years around the median DTSTART year of the file's events and tasks.
func NewResolver(cals ...*ical.Component) *Resolver {
	r := &Resolver{vtz: map[string]*ical.Component{}, cache: map[string]result{}}
	var years []int
	var walk func(c *ical.Component)
	walk = func(c *ical.Component) {
		if c.Name == "VEVENT" || c.Name == "VTODO" {
			if t, err := parseWall(c.Value("DTSTART")); err == nil {
				years = append(years, t.Year())
			}
		}
		if c.Name == "VTIMEZONE" {
			id := normTZID(c.Value("TZID"))
			if _, dup := r.vtz[id]; !dup && id != "" {
				r.vtz[id] = c
			}
			return
		}
		for _, ch := range c.Children {
			walk(ch)
		}
	}
	for _, c := range cals {
		walk(c)
	}
	r.year = time.Now().Year()
	if len(years) > 0 {
		sort.Ints(years)
		r.year = years[len(years)/2]
	}
	return r
}

// VTimezone returns the file's VTIMEZONE for tzid, if any.
func (r *Resolver) VTimezone(tzid string) *ical.Component { return r.vtz[normTZID(tzid)] }

func normTZID(s string) string {
	return strings.TrimSpace(strings.Trim(ical.Unescape(strings.TrimSpace(s)), `"`))
}

// Resolve maps a TZID parameter value to a Zone. Order: the name itself
// (IANA, vendor prefix, Windows name, Outlook display name); else the
// file's VTIMEZONE for the TZID, matched against the CLDR zones over the
// years around the file's events, or used directly; finally a GMT±hhmm
// offset in the name.
func (r *Resolver) Resolve(tzid string) (Zone, error) {
	id := normTZID(tzid)
	r.mu.Lock()
	if res, ok := r.cache[id]; ok {
		r.mu.Unlock()
		return res.z, res.err
	}
	r.mu.Unlock()
	z, err := r.resolve(id)
	r.mu.Lock()
	r.cache[id] = result{z, err}
	r.mu.Unlock()
	return z, err
}

func (r *Resolver) resolve(id string) (Zone, error) {
	// A name that identifies a zone wins over the file's VTIMEZONE, as in
	// Thunderbird and Google: producers that write a known name copy its
	// rules, often truncated or stale, while custom names carry the rules.
	if z, ok := ByName(id); ok {
		return z, nil
	}
	if vtz := r.vtz[id]; vtz != nil {
		own, err := FromVTimezone(vtz)
		if err != nil {
			return Zone{}, fmt.Errorf("%w: %q: %v", ErrUnknownZone, id, err)
		}
		if z, ok := r.matchRules(own); ok {
			return z, nil
		}
		return Zone{Loc: own, Method: MethodRules}, nil
	}
	if off, ok := offsetInName(id); ok {
		return fixedZone(off), nil
	}
	return Zone{}, fmt.Errorf("%w: %q (no VTIMEZONE in file)", ErrUnknownZone, id)
}

// matchRules finds an IANA zone whose offsets agree with loc around the
// resolver's year, trying every CLDR golden zone, then every CLDR zone.
func (r *Resolver) matchRules(loc *time.Location) (Zone, bool) {
	for _, n := range windows().allIANA {
		c, ok := loadIANA(n)
		if !ok {
			continue
		}
		if sameRules(c, loc, r.year-1, r.year+1) {
			return Zone{Loc: c, IANA: n, Method: MethodVTimezone}, true
		}
	}
	return Zone{}, false
}

// ByName resolves a zone from its name alone: UTC aliases, IANA names,
// vendor-prefixed or underscore-mangled IANA names, Windows zone names and
// Outlook display names.
func ByName(name string) (Zone, bool) {
	name = normTZID(name)
	if name == "" {
		return Zone{}, false
	}
	switch strings.ToUpper(name) {
	case "UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT", "UNIVERSAL", "ZULU", "COORDINATED UNIVERSAL TIME", "(UTC) COORDINATED UNIVERSAL TIME":
		return Zone{Loc: time.UTC, IANA: "Etc/UTC", Method: MethodUTC}, true
	}
	if loc, ok := loadIANA(name); ok {
		return Zone{Loc: loc, IANA: name, Method: MethodIANA}, true
	}
	if n, ok := vendorIANA(name); ok {
		loc, _ := loadIANA(n)
		return Zone{Loc: loc, IANA: n, Method: MethodVendor}, true
	}
	if n, ok := WindowsToIANA(name); ok {
		loc, _ := loadIANA(n)
		return Zone{Loc: loc, IANA: n, Method: MethodWindows}, loc != nil
	}
	if wz, ok := matchDisplay(name); ok {
		loc, _ := loadIANA(wz.iana[0])
		return Zone{Loc: loc, IANA: wz.iana[0], Method: MethodDisplay}, loc != nil
	}
	return Zone{}, false
}

// loadIANA loads an IANA zone, refusing names time.LoadLocation would
// treat specially ("Local", "") or read from odd paths.
func loadIANA(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.ContainsAny(name, " \\") || len(name) > 64 {
		return nil, false
	}
	if v, ok := locCache.Load(name); ok {
		return v.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	// Only names that load are cached, so the cache is bounded by the
	// tz database (about 600 names).
	locCache.Store(name, loc)
	return loc, true
}

// locCache holds loaded IANA zones: loading one unzips it from the
// embedded database, and rule matching tries hundreds.
var locCache sync.Map

// vendorIANA strips vendor prefixes such as
// "/softwarestudio.org/Olson_20011030_5/Europe/Berlin" or
// "/mozilla.org/20070129_1/America/New_York" and repairs "Europe_Berlin".
func vendorIANA(name string) (string, bool) {
	if strings.Contains(name, "/") {
		parts := strings.Split(strings.Trim(name, "/"), "/")
		for k := 3; k >= 1; k-- {
			if len(parts) < k || (k == len(parts) && !strings.HasPrefix(name, "/")) {
				continue
			}
			cand := strings.Join(parts[len(parts)-k:], "/")
			if _, ok := loadIANA(cand); ok && cand != name {
				return cand, true
			}
		}
	}
	if strings.Contains(name, "_") {
		for i := 0; i < len(name); i++ {
			if name[i] != '_' {
				continue
			}
			cand := name[:i] + "/" + name[i+1:]
			if _, ok := loadIANA(cand); ok {
				return cand, true
			}
		}
	}
	return "", false
}

// offsetInName finds a UTC offset in free text: "GMT+0100", "UTC-05:00",
// "GMT +0100 (Standard) / GMT +0200 (Daylight)" (the first one wins, the
// standard offset by convention) or a bare "+0100".
func offsetInName(s string) (int, bool) {
	up := strings.ToUpper(s)
	for _, pre := range []string{"GMT", "UTC"} {
		if i := strings.Index(up, pre); i >= 0 {
			rest := strings.TrimSpace(s[i+len(pre):])
			end := 0
			for end < len(rest) && strings.IndexByte("+-0123456789:.", rest[end]) >= 0 {
				end++
			}
			if off, ok := parseOffset(rest[:end]); ok {
				return off, true
			}
		}
	}
	return parseOffset(s)
}

func fixedZone(off int) Zone {
	return Zone{Loc: time.FixedZone(offsetName(off), off), Method: MethodOffset}
}
