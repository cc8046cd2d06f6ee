// Package export writes local collections out as single files other
// programs import: contacts as vCard 3.0, vCard 4.0 or Google-style CSV, and
// events or tasks as one iCalendar file.
//
// Sources are [store.Store] values, so a vdir, a single file or any mix of
// them can be exported together. An export runs in two passes: the first
// reads every item once to learn its sort key (display name, start time),
// the date-range verdict, the time zones it needs and, for CSV, how many
// e-mail, phone, address and web columns the header must have; the second
// writes the items in that order. Parsed items are kept between the
// passes up to a memory budget and read again beyond it, so exporting an
// address book full of photos does not hold all of them at once.
//
// Items that cannot be read or parsed are skipped and listed in
// [Stats.Skipped] with their file and the reason; nothing is dropped
// without a trace.
package export
