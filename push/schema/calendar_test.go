package schema

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func calPtr[T any](v T) *T { return &v }

func TestEventXML(t *testing.T) {
	dow := Monday | Wednesday
	e := Event{
		TimeZone:    &berlin,
		AllDayEvent: calPtr(Bool(false)),
		Subject:     calPtr("Standup"),
		StartTime:   NewEventTime(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)),
		UID:         calPtr("abc"),
		Location:    calPtr(""),
		Recurrence:  &Recurrence{Type: RecurWeekly, Interval: calPtr(1), DayOfWeek: &dow},
		Exceptions: &EventExceptions{Exception: []EventException{
			{Deleted: calPtr(Bool(true)), ExceptionStartTime: NewEventTime(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC))},
		}},
	}
	out, err := xml.Marshal(&e)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{
		`<StartTime xmlns="Calendar:">20260302T080000Z</StartTime>`,
		`<Location xmlns="Calendar:"></Location>`, // empty element kept: clears on 14.x
		`<DayOfWeek xmlns="Calendar:">10</DayOfWeek>`,
		`<AllDayEvent xmlns="Calendar:">0</AllDayEvent>`,
		`<ExceptionStartTime xmlns="Calendar:">20260304T080000Z</ExceptionStartTime>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %s in\n%s", want, s)
		}
	}
	if strings.Contains(s, "Sensitivity") {
		t.Error("absent field written")
	}
	// Schema order: Timezone before AllDayEvent before Subject before StartTime before UID.
	order := []string{"<Timezone", "<AllDayEvent", "<Location", "<Subject", "<StartTime", "<UID", "<Recurrence", "<Exceptions"}
	last := -1
	for _, tag := range order {
		i := strings.Index(s, tag)
		if i < last {
			t.Errorf("%s out of schema order", tag)
		}
		last = i
	}
	var back Event
	if err := xml.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if *back.TimeZone != berlin || !back.StartTime.Equal(e.StartTime.Time) || *back.Recurrence.DayOfWeek != dow ||
		back.Location == nil || *back.Location != "" || !bool(*back.Exceptions.Exception[0].Deleted) {
		t.Errorf("round trip = %+v", back)
	}
}

func TestEventTimeForms(t *testing.T) {
	for _, in := range []string{"20260302T080000Z", "2026-03-02T08:00:00.000Z", "2026-03-02T08:00:00Z"} {
		var et EventTime
		if err := et.UnmarshalText([]byte(in)); err != nil || !et.Equal(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("%s → %v, %v", in, et, err)
		}
	}
	var et EventTime
	if err := et.UnmarshalText([]byte("yesterday")); err == nil {
		t.Error("garbage accepted")
	}
	tt := TaskTime{time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	if b, _ := tt.MarshalText(); string(b) != "2026-03-02T08:00:00.000Z" {
		t.Errorf("task time = %s", b)
	}
	berlinLoc, _ := time.LoadLocation("Europe/Berlin")
	if w := tt.Wall(berlinLoc); w.Hour() != 8 || w.Location() != berlinLoc {
		t.Errorf("Wall = %v", w)
	}
}
