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
// in the file) or lost.
package event
