// Package ical reads and writes iCalendar (RFC 5545) and vCalendar 1.0
// streams as they occur in the wild, and keeps everything it does not
// understand so that a read–modify–write cycle loses nothing.
//
// The reader is lenient where real producers are sloppy (byte-order marks,
// bare LF or mixed line endings, TAB folds, blank lines, lower-case names,
// components without a VCALENDAR wrapper, several VCALENDAR blocks, missing
// END lines, stray text lines, non-UTF-8 bytes, vCalendar 1.0 bare
// parameters and QUOTED-PRINTABLE) and reports each repair as an Issue with
// its line number. It never panics and never touches its input.
//
// The model is deliberately raw: a Prop keeps its value exactly as written
// (still escaped), parameters in order, and components in order, so the
// writer can reproduce a file property for property. Interpretation of
// dates, zones and recurrence lives in formats/tz and formats/event.
package ical
