// Package tz resolves the time-zone identifiers found in iCalendar files and
// ActiveSync items to *time.Location values, and converts between zones and
// the ActiveSync TIME_ZONE_INFORMATION blob (schema.TimeZone).
//
// Real files name zones in many ways: IANA names, Windows zone names
// ("W. Europe Standard Time"), Outlook display names ("(UTC+01:00)
// Amsterdam, Berlin, …"), vendor-prefixed Olson names
// ("/softwarestudio.org/Olson_20011030_5/Europe/Berlin"), free text with a
// GMT offset, or a custom name whose only meaning is the file's own
// VTIMEZONE rules. A Resolver tries these in order of reliability and says
// which one it used.
package tz

//go:generate go run gen_windowszones.go -in cldr/windowsZones.xml -out windowszones_gen.go

// windowsZone is one Windows time zone with its CLDR IANA equivalents.
type windowsZone struct {
	name    string   // Windows registry key name, e.g. "W. Europe Standard Time"
	display string   // Windows display name, e.g. "(UTC+01:00) Amsterdam, Berlin, …"
	iana    []string // IANA names; the first is CLDR's golden zone
}
