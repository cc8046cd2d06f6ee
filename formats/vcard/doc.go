// Package vcard reads vCard 2.1, 3.0 and 4.0 files leniently and writes
// RFC 6350 (4.0) or RFC 2426 (3.0) output.
//
// The reader accepts what real exporters produce: vCard 2.1
// QUOTED-PRINTABLE with soft line breaks, CHARSET conversion (Shift_JIS,
// ISO-8859-x, Windows-125x), bare 2.1 parameters (TEL;CELL;VOICE), base64
// blocks without the terminating blank line, BOMs, any line ending, TAB
// folds, blank lines, lower-case names, nested or unterminated cards and
// stray non-property lines. Damage it repairs or skips is reported as a
// Warning naming the file and line; the card is kept.
//
// Values are stored in one canonical form whatever the source version:
// text as RFC 6350 escaped text (use Text, Components and List to read it),
// inline binary as bare base64 with ENCODING=b, and parameters with
// upper-case names. Everything else — unknown and X- properties, groups,
// unknown parameters — is kept as read, so a card written back loses
// nothing the reader understood.
package vcard
