// Package event maps iCalendar events and tasks to and from the ActiveSync
// calendar and task schemas (push/schema), property by property.
//
// ToEAS converts the components that share one UID (master, RECURRENCE-ID
// overrides, their zones) into a schema.Event. FromEAS goes back: without a
// base it builds fresh components; with a base it merges, replacing only
// the properties whose EAS value differs from what the base itself maps to,
// so X- properties, extra alarms, RDATEs, attachments and unknown
// parameters survive a round trip untouched. Every property is reported as
// carried (represented in EAS), kept locally (not representable, preserved
// in the file) or lost; Report.Warnings lists the kept-locally ones that
// make other devices show a different schedule (an RDATE, say), naming the
// item, for the caller to tell the user.
//
// Decisions where the two models disagree:
//
//   - An override whose RECURRENCE-ID is also an EXDATE (Apple iCal 1.x
//     writes modified instances so) goes as a modified exception: EAS can
//     say one thing per occurrence, and the override is what Occurrences
//     expands.
//   - Several overrides without their master go as a series Cradle makes
//     up: daily, every g days (g the greatest common divisor of the gaps
//     between their original starts), each instance either one of the
//     overrides or deleted. Merging the server's copy maps it back onto
//     the overrides. When no such series fits (different times of day, more
//     than 256 instances) only the first is sent and the report warns.
//   - AppointmentReplyTime, OnlineMeetingConfLink and
//     OnlineMeetingExternalLink are set by the server only (MS-ASCAL: a
//     request must not carry them). They are written as Exchange's own
//     iCalendar export writes them, X-MICROSOFT-CDO-REPLYTIME (UTC),
//     X-MICROSOFT-ONLINEMEETINGCONFLINK and
//     X-MICROSOFT-ONLINEMEETINGEXTERNALLINK, plus an RFC 7986
//     CONFERENCE;VALUE=URI for an http(s) external link; ToEAS keeps all of
//     them locally and never sends them.
//   - A Recurrence without the pattern fields MS-ASCAL requires for its
//     type (SOGo 5.8 answers a monthly-by-day rule as a bare Type 2) is
//     read as iCalendar reads a rule without its BY-part: like the first
//     instance.
package event
