package event

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/push/schema"
)

// wallUTC writes t's wall clock as UTC fields: the form of the Tasks
// StartDate and DueDate elements.
func wallUTC(t time.Time) *schema.TaskTime {
	return schema.NewTaskTime(time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC))
}

func importanceOf(prio int) (schema.Importance, bool) {
	switch {
	case prio >= 1 && prio <= 4:
		return schema.ImportanceHigh, true
	case prio == 5:
		return schema.ImportanceNormal, true
	case prio >= 6 && prio <= 9:
		return schema.ImportanceLow, true
	}
	return 0, false
}

// TaskToEAS maps a VTODO item to an ActiveSync task. Start and due dates
// are sent both as instants and as local wall time; PRIORITY 1–4/5/6–9
// become high/normal/low importance; COMPLETED or STATUS:COMPLETED set
// Complete and DateCompleted; the first alarm sets the reminder.
func TaskToEAS(it *Item, opts Options) (_ *schema.Task, _ Report, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("task %q: internal error: %v", it.UID, v)
		}
	}()
	c := newConverter(it, opts)
	t, err := c.taskToEAS()
	c.rep.sortProps()
	return t, *c.rep, err
}

func (c *converter) taskToEAS() (*schema.Task, error) {
	comp := c.it.primary()
	if comp == nil || c.it.Kind != "VTODO" {
		return nil, fmt.Errorf("task %q: no VTODO", c.it.UID)
	}
	c.comp = "VTODO"
	t := &schema.Task{}
	complete := schema.Bool(false)
	t.Complete = &complete
	var start, due *when
	var rrule *ical.Prop
	for _, p := range comp.Props {
		switch p.Name {
		case "SUMMARY":
			v := p.Text()
			t.Subject = &v
		case "DESCRIPTION":
			if t.Body != nil {
				c.status(p, KeptLocally, "second DESCRIPTION")
				continue
			}
			v := p.Text()
			t.Body = &schema.Body{Type: schema.BodyPlain, Data: &v}
		case "DTSTART", "DUE":
			w, err := c.parseWhen(p)
			if err != nil {
				c.status(p, KeptLocally, err.Error())
				continue
			}
			if p.Name == "DTSTART" {
				start = &w
				t.UtcStartDate, t.StartDate = schema.NewTaskTime(w.T), wallUTC(w.T.In(w.Zone.Loc))
			} else {
				due = &w
				t.UtcDueDate, t.DueDate = schema.NewTaskTime(w.T), wallUTC(w.T.In(w.Zone.Loc))
			}
		case "COMPLETED":
			w, err := c.parseWhen(p)
			if err != nil {
				c.status(p, KeptLocally, err.Error())
				continue
			}
			complete = true
			t.DateCompleted = schema.NewTaskTime(w.T)
		case "STATUS":
			if !strings.EqualFold(p.Value, "COMPLETED") {
				c.status(p, KeptLocally, "only COMPLETED maps to ActiveSync")
				continue
			}
			complete = true
		case "PRIORITY":
			n, err := strconv.Atoi(strings.TrimSpace(p.Value))
			imp, ok := importanceOf(n)
			if err != nil || !ok {
				c.status(p, KeptLocally, "undefined priority")
				continue
			}
			t.Importance = &imp
		case "CLASS":
			s, ok := map[string]schema.Sensitivity{"PUBLIC": schema.SensitivityNormal, "PRIVATE": schema.SensitivityPrivate,
				"CONFIDENTIAL": schema.SensitivityConfidential}[strings.ToUpper(p.Value)]
			if !ok {
				c.status(p, KeptLocally, "")
				continue
			}
			t.Sensitivity = &s
		case "CATEGORIES":
			if t.Categories == nil {
				t.Categories = &schema.TaskCategories{}
			}
			for _, v := range ical.SplitList(p.Value) {
				if v = strings.TrimSpace(ical.Unescape(v)); v != "" {
					t.Categories.Category = append(t.Categories.Category, v)
				}
			}
		case "RRULE":
			rrule = p
			continue
		default:
			c.status(p, KeptLocally, "")
			continue
		}
		c.status(p, Carried, "")
	}
	if complete && t.DateCompleted == nil {
		// ActiveSync requires a completion date with Complete=1.
		if ts := comp.Prop("LAST-MODIFIED"); ts != nil {
			if w, err := c.parseWhen(ts); err == nil {
				t.DateCompleted = schema.NewTaskTime(w.T)
			}
		}
	}
	anchor := due
	if anchor == nil {
		anchor = start
	}
	for _, ch := range comp.Children {
		if ch.Name == "VALARM" && t.ReminderTime == nil && anchor != nil {
			if m, ok := c.alarm(ch, *anchor); ok {
				rs := schema.Bool(true)
				t.ReminderSet, t.ReminderTime = &rs, schema.NewTaskTime(anchor.T.Add(-time.Duration(m)*time.Minute))
				continue
			}
		}
		c.keepComponent(ch, "")
	}
	if rrule != nil {
		first := start
		if first == nil {
			first = due
		}
		if first == nil {
			c.status(rrule, KeptLocally, "recurring task without start or due date")
		} else if r, err := toRecurrence(rrule.Value, *first, func(v string) (time.Time, error) {
			w, err := c.parseValue(&ical.Prop{Name: "UNTIL", Params: untilParams(*first)}, v)
			return w.T, err
		}); err != nil {
			c.status(rrule, KeptLocally, err.Error())
		} else {
			t.Recurrence = &schema.TaskRecurrence{
				Type: r.Type, Start: schema.NewTaskTime(first.T), Occurrences: r.Occurrences, Interval: r.Interval,
				DayOfWeek: r.DayOfWeek, DayOfMonth: r.DayOfMonth, WeekOfMonth: r.WeekOfMonth, MonthOfYear: r.MonthOfYear,
				FirstDayOfWeek: r.FirstDayOfWeek,
			}
			if r.Until != nil {
				t.Recurrence.Until = schema.NewTaskTime(r.Until.Time)
			}
			c.status(rrule, Carried, "")
		}
	}
	return t, nil
}

// TaskFromEAS turns an ActiveSync task into a VTODO: a new one when base is
// nil, else merged into a copy of base where only the properties whose
// EAS value changed are rewritten.
func TaskFromEAS(t *schema.Task, base *Item, opts Options) (_ *Item, _ Report, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("task from ActiveSync: internal error: %v", v)
		}
	}()
	if t == nil {
		return nil, Report{}, fmt.Errorf("task from ActiveSync: nil task")
	}
	c := newConverter(base, opts)
	fresh := c.freshTask(t)
	if base == nil {
		cal := &ical.Component{Name: "VCALENDAR"}
		cal.Add(&ical.Prop{Name: "VERSION", Value: "2.0"})
		cal.Add(&ical.Prop{Name: "PRODID", Value: "-//Cradle//Cradle ActiveSync bridge//EN"})
		cal.Children = append(cal.Children, fresh)
		return &Item{Kind: "VTODO", Master: fresh, Calendar: cal}, *c.rep, nil
	}
	t0, rep, err := TaskToEAS(base, opts)
	if err != nil {
		return nil, rep, fmt.Errorf("merge task %q: base: %w", base.UID, err)
	}
	it := cloneItem(base)
	target := it.primary()
	type group struct {
		now, was any
		props    []string
	}
	for _, g := range []group{
		{t.Subject, t0.Subject, []string{"SUMMARY"}},
		{bodyData(t.Body), bodyData(t0.Body), []string{"DESCRIPTION"}},
		{[]any{t.UtcStartDate}, []any{t0.UtcStartDate}, []string{"DTSTART"}},
		{[]any{t.UtcDueDate}, []any{t0.UtcDueDate}, []string{"DUE"}},
		{[]any{t.Complete, t.DateCompleted}, []any{t0.Complete, t0.DateCompleted}, []string{"STATUS", "COMPLETED"}},
		{t.Importance, t0.Importance, []string{"PRIORITY"}},
		{t.Sensitivity, t0.Sensitivity, []string{"CLASS"}},
		{t.Categories, t0.Categories, []string{"CATEGORIES"}},
		{t.Recurrence, t0.Recurrence, []string{"RRULE"}},
	} {
		if sameXML(g.now, g.was) {
			continue
		}
		var repl []*ical.Prop
		for _, n := range g.props {
			repl = append(repl, fresh.PropsNamed(n)...)
		}
		replaceProps(target, g.props, repl)
	}
	if !sameXML(t.ReminderTime, t0.ReminderTime) {
		var keep []*ical.Component
		for _, ch := range target.Children {
			if ch.Name != "VALARM" {
				keep = append(keep, ch)
			}
		}
		target.Children = append(keep, fresh.ChildrenNamed("VALARM")...)
	}
	return it, rep, nil
}

func bodyData(b *schema.Body) *string {
	if b == nil {
		return nil
	}
	return b.Data
}

func (c *converter) freshTask(t *schema.Task) *ical.Component {
	v := &ical.Component{Name: "VTODO"}
	// Tasks carry no UID in ActiveSync; a new VTODO needs one.
	v.Add(&ical.Prop{Name: "UID", Value: c.newUID(nil)})
	v.Add(&ical.Prop{Name: "DTSTAMP", Value: c.now.Format("20060102T150405Z")})
	add := func(name, val string) { v.Add(&ical.Prop{Name: name, Value: val}) }
	if t.Subject != nil {
		add("SUMMARY", ical.Escape(*t.Subject))
	}
	if t.Body != nil && t.Body.Data != nil {
		add("DESCRIPTION", ical.Escape(*t.Body.Data))
	}
	if t.UtcStartDate != nil {
		add("DTSTART", t.UtcStartDate.UTC().Format("20060102T150405Z"))
	}
	if t.UtcDueDate != nil {
		add("DUE", t.UtcDueDate.UTC().Format("20060102T150405Z"))
	}
	if t.Complete != nil && bool(*t.Complete) {
		add("STATUS", "COMPLETED")
		if t.DateCompleted != nil {
			add("COMPLETED", t.DateCompleted.UTC().Format("20060102T150405Z"))
		}
	}
	if t.Importance != nil {
		add("PRIORITY", map[schema.Importance]string{schema.ImportanceHigh: "1", schema.ImportanceNormal: "5", schema.ImportanceLow: "9"}[*t.Importance])
	}
	if t.Sensitivity != nil {
		if s, ok := sensitivityClass[*t.Sensitivity]; ok && s != "PERSONAL" {
			add("CLASS", s)
		}
	}
	if t.Categories != nil && len(t.Categories.Category) > 0 {
		vals := make([]string, len(t.Categories.Category))
		for i, s := range t.Categories.Category {
			vals[i] = ical.Escape(s)
		}
		add("CATEGORIES", strings.Join(vals, ","))
	}
	if r := t.Recurrence; r != nil {
		rec := &schema.Recurrence{Type: r.Type, Occurrences: r.Occurrences, Interval: r.Interval, WeekOfMonth: r.WeekOfMonth,
			DayOfWeek: r.DayOfWeek, MonthOfYear: r.MonthOfYear, DayOfMonth: r.DayOfMonth, CalendarType: r.CalendarType,
			FirstDayOfWeek: r.FirstDayOfWeek}
		if r.Until != nil {
			rec.Until = schema.NewEventTime(r.Until.Time)
		}
		if rule, err := fromRecurrence(rec, func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }); err == nil {
			add("RRULE", rule)
		} else {
			c.rep.notef("task recurrence not converted: %v", err)
		}
	}
	if t.ReminderSet != nil && bool(*t.ReminderSet) && t.ReminderTime != nil {
		a := &ical.Component{Name: "VALARM"}
		a.Add(&ical.Prop{Name: "ACTION", Value: "DISPLAY"})
		a.Add(&ical.Prop{Name: "DESCRIPTION", Value: "Reminder"})
		a.Add(&ical.Prop{Name: "TRIGGER", Params: []ical.Param{{Name: "VALUE", Values: []string{"DATE-TIME"}}},
			Value: t.ReminderTime.UTC().Format("20060102T150405Z")})
		v.Children = append(v.Children, a)
	}
	return v
}
