package schema

import "encoding/xml"

// Importance is a task's priority (MS-ASTASK 2.2.2.13).
type Importance int

// Importance values.
const (
	ImportanceLow    Importance = 0
	ImportanceNormal Importance = 1
	ImportanceHigh   Importance = 2
)

// Task is a task item as carried in a Sync ApplicationData (MS-ASTASK
// 2.2.2), in Tasks.xsd order; nil means absent.
//
// Each date exists twice: Utc* is the instant, the other the user's local
// wall time written with a Z (see TaskTime.Wall). Servers require both or
// neither.
type Task struct {
	XMLName        xml.Name        `xml:"AirSync: ApplicationData"`
	Body           *Body           `xml:"AirSyncBase: Body,omitempty"`
	Subject        *string         `xml:"Tasks: Subject,omitempty"`
	Importance     *Importance     `xml:"Tasks: Importance,omitempty"`
	UtcStartDate   *TaskTime       `xml:"Tasks: UtcStartDate,omitempty"`
	StartDate      *TaskTime       `xml:"Tasks: StartDate,omitempty"`
	UtcDueDate     *TaskTime       `xml:"Tasks: UtcDueDate,omitempty"`
	DueDate        *TaskTime       `xml:"Tasks: DueDate,omitempty"`
	Categories     *TaskCategories `xml:"Tasks: Categories,omitempty"`
	Recurrence     *TaskRecurrence `xml:"Tasks: Recurrence,omitempty"`
	Complete       *Bool           `xml:"Tasks: Complete,omitempty"`
	DateCompleted  *TaskTime       `xml:"Tasks: DateCompleted,omitempty"`
	Sensitivity    *Sensitivity    `xml:"Tasks: Sensitivity,omitempty"`
	ReminderTime   *TaskTime       `xml:"Tasks: ReminderTime,omitempty"`
	ReminderSet    *Bool           `xml:"Tasks: ReminderSet,omitempty"`
	OrdinalDate    *TaskTime       `xml:"Tasks: OrdinalDate,omitempty"`
	SubOrdinalDate *string         `xml:"Tasks: SubOrdinalDate,omitempty"`
}

// TaskCategories is the Tasks:Categories container.
type TaskCategories struct {
	Category []string `xml:"Tasks: Category"`
}

// TaskRecurrence is a task recurrence pattern (MS-ASTASK 2.2.2.18). Start
// is the first occurrence; Regenerate makes the next occurrence follow the
// completion of the previous one instead of the calendar; DeadOccur counts
// occurrences already done.
type TaskRecurrence struct {
	Type           RecurrenceType `xml:"Tasks: Type"`
	Start          *TaskTime      `xml:"Tasks: Start,omitempty"`
	Until          *TaskTime      `xml:"Tasks: Until,omitempty"`
	Occurrences    *int           `xml:"Tasks: Occurrences,omitempty"`
	Interval       *int           `xml:"Tasks: Interval,omitempty"`
	DayOfWeek      *DayOfWeek     `xml:"Tasks: DayOfWeek,omitempty"`
	DayOfMonth     *int           `xml:"Tasks: DayOfMonth,omitempty"`
	WeekOfMonth    *int           `xml:"Tasks: WeekOfMonth,omitempty"`
	MonthOfYear    *int           `xml:"Tasks: MonthOfYear,omitempty"`
	Regenerate     *Bool          `xml:"Tasks: Regenerate,omitempty"`
	DeadOccur      *Bool          `xml:"Tasks: DeadOccur,omitempty"`
	CalendarType   *int           `xml:"Tasks: CalendarType,omitempty"`
	IsLeapMonth    *Bool          `xml:"Tasks: IsLeapMonth,omitempty"`
	FirstDayOfWeek *int           `xml:"Tasks: FirstDayOfWeek,omitempty"`
}
