package fakephone

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Content URIs the provider serves.
const (
	RawContactsURI = "content://com.android.contacts/raw_contacts"
	DataURI        = "content://com.android.contacts/data"
	CalendarsURI   = "content://com.android.calendar/calendars"
	EventsURI      = "content://com.android.calendar/events"
	RemindersURI   = "content://com.android.calendar/reminders"
	AttendeesURI   = "content://com.android.calendar/attendees"
)

var dataCols = func() []string {
	c := []string{"_id", "raw_contact_id", "mimetype", "is_primary", "is_super_primary", "data_version"}
	for i := 1; i <= 15; i++ {
		c = append(c, "data"+strconv.Itoa(i))
	}
	return c
}()

// schemas lists each table's columns in Android's order; integer columns
// are normalised on insert as SQLite's INTEGER affinity does.
var schemas = map[string]struct {
	cols []string
	ints []string
}{
	RawContactsURI: {
		cols: []string{"_id", "contact_id", "account_name", "account_type", "sourceid", "version", "dirty", "deleted",
			"display_name", "starred", "sync1", "sync2", "sync3", "sync4"},
		ints: []string{"_id", "contact_id", "version", "dirty", "deleted", "starred"},
	},
	DataURI: {cols: dataCols, ints: []string{"_id", "raw_contact_id", "is_primary", "is_super_primary", "data_version"}},
	CalendarsURI: {
		cols: []string{"_id", "name", "calendar_displayName", "account_name", "account_type", "visible", "sync_events",
			"calendar_access_level", "ownerAccount"},
		ints: []string{"_id", "visible", "sync_events", "calendar_access_level"},
	},
	EventsURI: {
		cols: []string{"_id", "calendar_id", "title", "description", "eventLocation", "dtstart", "dtend", "duration",
			"allDay", "eventTimezone", "eventEndTimezone", "rrule", "rdate", "exrule", "exdate", "hasAlarm",
			"hasAttendeeData", "uid2445", "_sync_id", "sync_data1", "dirty", "deleted", "eventStatus"},
		ints: []string{"_id", "calendar_id", "dtstart", "dtend", "allDay", "hasAlarm", "hasAttendeeData", "dirty",
			"deleted", "eventStatus"},
	},
	RemindersURI: {cols: []string{"_id", "event_id", "minutes", "method"}, ints: []string{"_id", "event_id", "minutes", "method"}},
	AttendeesURI: {
		cols: []string{"_id", "event_id", "attendeeName", "attendeeEmail", "attendeeRelationship", "attendeeType",
			"attendeeStatus"},
		ints: []string{"_id", "event_id", "attendeeRelationship", "attendeeType", "attendeeStatus"},
	},
}

type table struct {
	cols   []string
	index  map[string]int
	ints   map[string]bool
	rows   [][]val
	nextID int64
}

// Provider is the phone's contacts and calendar storage: one in-memory
// table per content URI, answering the `content` command as Android's
// ContactsProvider2 and CalendarProvider2 do for the columns Cradle uses.
// It is safe for concurrent use.
type Provider struct {
	mu     sync.Mutex
	tables map[string]*table
	sdk    int // API level deciding --bind parsing
	writes int // successful insert/update/delete commands
}

// NewProvider returns a provider with empty tables and one local calendar
// (_id 1, "Phone"), parsing --bind as API level 33 does.
func NewProvider() *Provider {
	p := &Provider{tables: map[string]*table{}, sdk: 33}
	for uri, s := range schemas {
		t := &table{cols: s.cols, index: map[string]int{}, ints: map[string]bool{}, nextID: 1}
		for i, c := range s.cols {
			t.index[c] = i
		}
		for _, c := range s.ints {
			t.ints[c] = true
		}
		p.tables[uri] = t
	}
	_, _ = p.Insert(CalendarsURI, map[string]string{"name": "Phone", "calendar_displayName": "Phone",
		"account_name": "Phone", "account_type": "LOCAL", "visible": "1", "sync_events": "1",
		"calendar_access_level": "700", "ownerAccount": "Phone"})
	return p
}

// Insert adds a row as `content insert` would and returns its _id. Missing
// columns are NULL unless the provider fills them in.
func (p *Provider) Insert(uri string, values map[string]string) (int64, error) {
	vals := map[string]val{}
	for k, v := range values {
		vals[k] = val{s: v}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.insert(uri, vals)
}

// Writes returns how many `content insert`, `update` and `delete`
// commands succeeded, whether or not they changed a row: a sync that
// changes nothing must not send any.
func (p *Provider) Writes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.writes
}

// countWrite counts a write command that succeeded. Callers hold mu.
func (p *Provider) countWrite(err error) {
	if err == nil {
		p.writes++
	}
}

// Delete removes the rows of uri whose columns match all of match, as the
// phone's own apps do (rows a sync adapter knows are only marked deleted),
// and returns how many it selected. It is not counted in Writes.
func (p *Provider) Delete(uri string, match map[string]string) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var w where
	for k, v := range match {
		var e where = cmpExpr{col: k, op: "=", lit: []val{{s: v}}}
		if w != nil {
			e = boolExpr{and: true, l: w, r: e}
		}
		w = e
	}
	return p.remove(uri, w)
}

// Rows returns the rows of uri whose columns match all of match (nil
// matches all), as column → value maps; NULL columns are absent.
func (p *Provider) Rows(uri string, match map[string]string) []map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.tables[uri]
	if t == nil {
		return nil
	}
	var out []map[string]string
rows:
	for _, r := range t.rows {
		m := map[string]string{}
		for i, c := range t.cols {
			if !r[i].null {
				m[c] = r[i].s
			}
		}
		for k, v := range match {
			if m[k] != v {
				continue rows
			}
		}
		out = append(out, m)
	}
	return out
}

// providerError is an exception thrown inside the provider; the content
// command prints it to stderr.
type providerError struct {
	class, msg string
}

func (e *providerError) Error() string { return e.class + ": " + e.msg }

func illegalArg(format string, a ...any) error {
	return &providerError{"java.lang.IllegalArgumentException", fmt.Sprintf(format, a...)}
}

func sqliteErr(format string, a ...any) error {
	return &providerError{"android.database.sqlite.SQLiteException", fmt.Sprintf(format, a...)}
}

func (p *Provider) table(uri string) (*table, error) {
	t := p.tables[uri]
	if t == nil {
		return nil, illegalArg("Unknown URL %s", uri)
	}
	return t, nil
}

func (t *table) normalise(col string, v val) val {
	if v.null || !t.ints[col] {
		return v
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(v.s), 10, 64); err == nil {
		return val{s: strconv.FormatInt(n, 10)}
	}
	return v
}

func (p *Provider) insert(uri string, vals map[string]val) (int64, error) {
	t, err := p.table(uri)
	if err != nil {
		return 0, err
	}
	for c := range vals {
		if _, ok := t.index[c]; !ok {
			return 0, sqliteErr("table has no column named %s (code 1 SQLITE_ERROR)", c)
		}
	}
	if err := p.validate(uri, vals, nil); err != nil {
		return 0, err
	}
	row := make([]val, len(t.cols))
	for i := range row {
		row[i] = val{null: true}
	}
	for c, v := range vals {
		row[t.index[c]] = t.normalise(c, v)
	}
	id := t.nextID
	t.nextID++
	row[t.index["_id"]] = val{s: strconv.FormatInt(id, 10)}
	set := func(col, v string) {
		if i, ok := t.index[col]; ok && row[i].null {
			row[i] = val{s: v}
		}
	}
	switch uri {
	case RawContactsURI:
		set("contact_id", strconv.FormatInt(id, 10))
		set("deleted", "0")
		set("dirty", "1")
		set("version", "1")
		set("starred", "0")
	case DataURI:
		set("is_primary", "0")
		set("is_super_primary", "0")
		set("data_version", "0")
	case EventsURI:
		set("deleted", "0")
		set("dirty", "1")
		set("hasAlarm", "0")
		set("hasAttendeeData", "0")
	}
	t.rows = append(t.rows, row)
	return id, nil
}

// validate enforces the checks Android's providers make before writing.
// old is the row being updated, nil for inserts.
func (p *Provider) validate(uri string, vals map[string]val, old func(string) val) error {
	get := func(c string) val {
		if v, ok := vals[c]; ok {
			return v
		}
		if old != nil {
			return old(c)
		}
		return val{null: true}
	}
	switch uri {
	case DataURI:
		if get("raw_contact_id").null {
			return illegalArg("raw_contact_id is required")
		}
		if get("mimetype").null {
			return illegalArg("mimetype is required")
		}
		if !p.exists(RawContactsURI, get("raw_contact_id").s) {
			return &providerError{"android.database.sqlite.SQLiteConstraintException", "FOREIGN KEY constraint failed"}
		}
	case EventsURI:
		if get("calendar_id").null {
			return illegalArg("New events must specify a calendar id")
		}
		if get("dtstart").null {
			return illegalArg("DTSTART cannot be empty.")
		}
		hasEnd, hasDur := !get("dtend").null, get("duration").s != ""
		if !hasEnd && !hasDur {
			return illegalArg("DTEND and DURATION cannot both be null for an event.")
		}
		if hasEnd && hasDur {
			return illegalArg("Cannot have both DTEND and DURATION in an event")
		}
		if old == nil && get("eventTimezone").null {
			return illegalArg("New events must include an eventTimezone")
		}
		if get("rrule").s != "" && !hasDur {
			return illegalArg("Recurring events must have a DURATION")
		}
		if !p.exists(CalendarsURI, get("calendar_id").s) {
			return illegalArg("Calendar %s does not exist", get("calendar_id").s)
		}
	case RemindersURI, AttendeesURI:
		if get("event_id").null || !p.exists(EventsURI, get("event_id").s) {
			return illegalArg("Reminders and attendees need an existing event_id")
		}
	}
	return nil
}

func (p *Provider) exists(uri, id string) bool {
	t := p.tables[uri]
	for _, r := range t.rows {
		if r[0].s == id {
			return true
		}
	}
	return false
}

// matching returns the indexes of rows selected by w.
func (t *table) matching(w where) ([]int, error) {
	var out []int
	for i, r := range t.rows {
		if w == nil {
			out = append(out, i)
			continue
		}
		ok, err := w.eval(func(c string) (val, bool) {
			j, found := t.index[c]
			if !found {
				return val{}, false
			}
			return r[j], true
		})
		if err != nil {
			return nil, sqliteErr("%v (code 1 SQLITE_ERROR)", err)
		}
		if ok {
			out = append(out, i)
		}
	}
	return out, nil
}

func (p *Provider) query(uri string, projection []string, w where, sortBy string) ([]string, [][]val, error) {
	t, err := p.table(uri)
	if err != nil {
		return nil, nil, err
	}
	if len(projection) == 0 {
		projection = t.cols
	}
	for _, c := range projection {
		if _, ok := t.index[c]; !ok {
			return nil, nil, illegalArg("Invalid column %s", c)
		}
	}
	idx, err := t.matching(w)
	if err != nil {
		return nil, nil, err
	}
	if sortBy != "" {
		col, dir, _ := strings.Cut(strings.TrimSpace(sortBy), " ")
		ci, ok := t.index[col]
		if !ok {
			return nil, nil, sqliteErr("no such column: %s (code 1 SQLITE_ERROR)", col)
		}
		desc := strings.EqualFold(strings.TrimSpace(dir), "DESC")
		sort.SliceStable(idx, func(a, b int) bool {
			c := compare(t.rows[idx[a]][ci].s, t.rows[idx[b]][ci].s)
			if desc {
				return c > 0
			}
			return c < 0
		})
	}
	var rows [][]val
	for _, i := range idx {
		r := make([]val, len(projection))
		for j, c := range projection {
			r[j] = t.rows[i][t.index[c]]
		}
		rows = append(rows, r)
	}
	return projection, rows, nil
}

func (p *Provider) update(uri string, vals map[string]val, w where) (int, error) {
	t, err := p.table(uri)
	if err != nil {
		return 0, err
	}
	for c := range vals {
		if _, ok := t.index[c]; !ok || c == "_id" {
			return 0, sqliteErr("no such column: %s (code 1 SQLITE_ERROR)", c)
		}
	}
	idx, err := t.matching(w)
	if err != nil {
		return 0, err
	}
	for _, i := range idx {
		row := t.rows[i]
		if err := p.validate(uri, vals, func(c string) val { return row[t.index[c]] }); err != nil {
			return 0, err
		}
	}
	for _, i := range idx {
		for c, v := range vals {
			t.rows[i][t.index[c]] = t.normalise(c, v)
		}
		if j, ok := t.index["dirty"]; ok {
			t.rows[i][j] = val{s: "1"}
		}
	}
	return len(idx), nil
}

// remove deletes rows. Like Android, deleting a raw contact or an event
// that a sync adapter knows (sourceid / _sync_id set) only marks it
// deleted; other rows are removed with their data, reminders and
// attendees.
func (p *Provider) remove(uri string, w where) (int, error) {
	t, err := p.table(uri)
	if err != nil {
		return 0, err
	}
	idx, err := t.matching(w)
	if err != nil {
		return 0, err
	}
	syncCol, children := "", []string(nil)
	switch uri {
	case RawContactsURI:
		syncCol, children = "sourceid", []string{DataURI}
	case EventsURI:
		syncCol, children = "_sync_id", []string{RemindersURI, AttendeesURI}
	}
	gone := map[int]bool{}
	var ids []string
	for _, i := range idx {
		r := t.rows[i]
		if syncCol != "" && !r[t.index[syncCol]].null {
			r[t.index["deleted"]] = val{s: "1"}
			r[t.index["dirty"]] = val{s: "1"}
			continue
		}
		gone[i] = true
		ids = append(ids, r[0].s)
	}
	kept := t.rows[:0]
	for i, r := range t.rows {
		if !gone[i] {
			kept = append(kept, r)
		}
	}
	t.rows = kept
	for _, child := range children {
		ct := p.tables[child]
		fk := "raw_contact_id"
		if child != DataURI {
			fk = "event_id"
		}
		set := map[string]bool{}
		for _, id := range ids {
			set[id] = true
		}
		kept := ct.rows[:0]
		for _, r := range ct.rows {
			if !set[r[ct.index[fk]].s] {
				kept = append(kept, r)
			}
		}
		ct.rows = kept
	}
	return len(idx), nil
}
