package schema

import (
	"fmt"
	"time"
)

// Layouts of the two MS-ASDTYPE date-time forms. Calendar elements use the
// compact form, Tasks elements the extended one; servers are not always
// consistent, so both types accept either when reading.
const (
	compactLayout  = "20060102T150405Z"
	extendedLayout = "2006-01-02T15:04:05.000Z"
)

// EventTime is a UTC instant written in the compact MS-ASDTYPE form
// (20060102T150405Z) used by Calendar elements.
type EventTime struct{ time.Time }

// TaskTime is an instant written in the extended MS-ASDTYPE form
// (2006-01-02T15:04:05.000Z) used by Tasks elements. The Tasks StartDate and
// DueDate elements hold local wall time in this same form, with a Z that
// does not mean UTC; read them with Wall.
type TaskTime struct{ time.Time }

// NewEventTime returns t as an EventTime (converted to UTC when written).
func NewEventTime(t time.Time) *EventTime { return &EventTime{t} }

// NewTaskTime returns t as a TaskTime.
func NewTaskTime(t time.Time) *TaskTime { return &TaskTime{t} }

// MarshalText writes the compact form in UTC.
func (t EventTime) MarshalText() ([]byte, error) {
	return []byte(t.UTC().Format(compactLayout)), nil
}

// UnmarshalText reads the compact or extended form.
func (t *EventTime) UnmarshalText(p []byte) error {
	v, err := parseEASTime(string(p))
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalText writes the extended form; the time is written as its UTC
// value, so callers encoding a local wall time pass it in time.UTC.
func (t TaskTime) MarshalText() ([]byte, error) {
	return []byte(t.UTC().Format(extendedLayout)), nil
}

// UnmarshalText reads the extended or compact form.
func (t *TaskTime) UnmarshalText(p []byte) error {
	v, err := parseEASTime(string(p))
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// Wall returns the wall-clock fields of t (as written, ignoring the Z) in
// loc: how Tasks StartDate/DueDate values are meant.
func (t TaskTime) Wall(loc *time.Location) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), u.Nanosecond(), loc)
}

var easLayouts = []string{
	compactLayout,
	extendedLayout,
	"2006-01-02T15:04:05Z",
	"20060102T150405",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.000",
}

func parseEASTime(s string) (time.Time, error) {
	if len(s) > 64 {
		return time.Time{}, fmt.Errorf("date-time %.20q…: too long", s)
	}
	for _, l := range easLayouts {
		if v, err := time.Parse(l, s); err == nil {
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("date-time %q: not an ActiveSync date-time", s)
}
