// Package contact maps vCards to ActiveSync contacts (push/schema.Contact)
// and merges ActiveSync contacts back into local vCards.
//
// The mapping is a merge, not a rewrite: FromEAS applies the EAS fields to
// the local card they came from and keeps every property EAS cannot hold
// (X- properties, a sixth phone, a fourth e-mail address, groups and their
// labels, unknown parameters, photos over the Picture limit). Each call
// returns a Report saying, per vCard property, whether it was carried to
// EAS, kept only locally, or lost; Fidelity runs the whole file → EAS →
// file round trip and proves "lost" is empty.
//
// Conventions that differ between the two worlds:
//   - Dates: EAS Birthday/Anniversary are UTC dateTimes whose time SHOULD be
//     ignored (MS-ASCNTC 2.2.2.7). Cradle writes 11:59 UTC, which is the
//     same calendar day in every zone from UTC-11 to UTC+12, and reads a
//     value as the day of its nearest midnight, so a server that stored
//     local midnight (22:00Z the day before for UTC+2) still yields the
//     right day.
//   - Year-less dates (vCard 4.0 --MMDD, Apple's BDAY;X-APPLE-OMIT-YEAR=1604)
//     travel as year 1604, the year Apple and Outlook use for "no year";
//     1604 is a leap year, so 29 February survives.
//   - Countries are copied, never guessed: an address without a country
//     has no country on either side.
package contact
