package schema

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func TestTaskXML(t *testing.T) {
	task := Task{
		Subject:    calPtr("Taxes"),
		Importance: calPtr(ImportanceHigh),
		UtcDueDate: NewTaskTime(time.Date(2026, 4, 30, 22, 0, 0, 0, time.UTC)),
		DueDate:    NewTaskTime(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)),
		Complete:   calPtr(Bool(false)),
		Categories: &TaskCategories{Category: []string{"Home"}},
	}
	out, err := xml.Marshal(&task)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{
		`<UtcDueDate xmlns="Tasks:">2026-04-30T22:00:00.000Z</UtcDueDate>`,
		`<Importance xmlns="Tasks:">2</Importance>`,
		`<Category xmlns="Tasks:">Home</Category>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %s in %s", want, s)
		}
	}
	var back Task
	if err := xml.Unmarshal(out, &back); err != nil || *back.Subject != "Taxes" || back.DueDate.Day() != 1 {
		t.Errorf("round trip: %+v %v", back, err)
	}
}
