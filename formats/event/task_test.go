package event

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push/schema"
)

func TestTaskMapping(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:File taxes\r\n" +
		"DESCRIPTION:All receipts\\nin the box\r\nDTSTART;TZID=Europe/Berlin:20260420T090000\r\nDUE;TZID=Europe/Berlin:20260430T180000\r\n" +
		"PRIORITY:2\r\nCLASS:PRIVATE\r\nCATEGORIES:Home,Money\r\nPERCENT-COMPLETE:40\r\nX-APPLE-SORT-ORDER:7\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
	it := readItems(t, src)[0]
	opts := Options{Version: V141}
	task, rep, err := TaskToEAS(it, opts)
	if err != nil {
		t.Fatal(err)
	}
	berlin := mustLoad(t, "Europe/Berlin")
	due := time.Date(2026, 4, 30, 18, 0, 0, 0, berlin)
	if !task.UtcDueDate.Equal(due) || task.DueDate.UTC().Hour() != 18 || task.StartDate.UTC().Hour() != 9 {
		t.Errorf("dates: utc due %v, due %v, start %v", task.UtcDueDate, task.DueDate, task.StartDate)
	}
	if *task.Importance != schema.ImportanceHigh || *task.Sensitivity != schema.SensitivityPrivate || bool(*task.Complete) {
		t.Errorf("importance %v sensitivity %v complete %v", *task.Importance, *task.Sensitivity, *task.Complete)
	}
	if !bool(*task.ReminderSet) || !task.ReminderTime.Equal(due.Add(-time.Hour)) {
		t.Errorf("reminder %v", task.ReminderTime)
	}
	if got := strings.Join(task.Categories.Category, ","); got != "Home,Money" || *task.Body.Data != "All receipts\nin the box" {
		t.Errorf("categories %q body %q", got, *task.Body.Data)
	}
	kept := 0
	for _, p := range rep.Props {
		if p.Prop == "PERCENT-COMPLETE" || p.Prop == "X-APPLE-SORT-ORDER" {
			if p.Status != KeptLocally {
				t.Errorf("%s: %v", p.Prop, p.Status)
			}
			kept++
		}
	}
	if kept != 2 {
		t.Errorf("kept-locally reports: %d", kept)
	}
	// Server marks it done: merge writes STATUS/COMPLETED and keeps the rest.
	done := schema.Bool(true)
	task.Complete = &done
	task.DateCompleted = schema.NewTaskTime(time.Date(2026, 4, 25, 10, 0, 0, 0, time.UTC))
	merged, _, err := TaskFromEAS(task, it, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := merged.Calendar.String()
	for _, want := range []string{"STATUS:COMPLETED", "COMPLETED:20260425T100000Z", "X-APPLE-SORT-ORDER:7", "PERCENT-COMPLETE:40",
		"DUE;TZID=Europe/Berlin:20260430T180000", "TRIGGER:-PT1H"} {
		if !strings.Contains(out, want) {
			t.Errorf("merged task lacks %q:\n%s", want, out)
		}
	}
	// Unchanged on the server: the merge is byte-identical.
	task0, _, _ := TaskToEAS(it, opts)
	same, _, err := TaskFromEAS(task0, it, opts)
	if err != nil || same.Calendar.String() != it.Calendar.String() {
		t.Errorf("no-op merge changed the task: %v", err)
	}
	// A task first seen on the server.
	fresh, _, err := TaskFromEAS(task, nil, opts)
	if err != nil || fresh.Master.Value("SUMMARY") != "File taxes" || fresh.Master.Value("PRIORITY") != "1" || fresh.Master.Value("UID") == "" {
		t.Errorf("fresh task: %v\n%s", err, fresh.Calendar.String())
	}
}
