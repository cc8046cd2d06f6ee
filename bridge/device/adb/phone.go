package adb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/cradle-sync/cradle/bridge/device"
)

// Content URIs used.
const (
	rawContactsURI = "content://com.android.contacts/raw_contacts"
	dataURI        = "content://com.android.contacts/data"
	calendarsURI   = "content://com.android.calendar/calendars"
	eventsURI      = "content://com.android.calendar/events"
	remindersURI   = "content://com.android.calendar/reminders"
	attendeesURI   = "content://com.android.calendar/attendees"
)

// Collection IDs: the single address book, and one per Android calendar
// ("calendar/<_id>").
const (
	ContactsCollection = "contacts"
	calendarPrefix     = "calendar/"
)

// maxBatch bounds one shell command line: adbd limits an OPEN's service
// string to its maximum payload (4 KiB on Android before 7, 1 MiB after).
const maxBatch = 3500

// Phone is an Android phone opened through the adb server. Calls are
// serialised: the content providers are not transactional across `content`
// invocations, and a phone is slow enough that parallel shells gain little.
type Phone struct {
	c       client
	serial  string
	shellV2 bool
	sdk     int // Android API level, 0 if unknown
	d       dialect
	logger  *slog.Logger

	mu     sync.Mutex
	closed bool
}

// Capabilities: Android keeps UIDs (raw_contacts.sync1, events.uid2445),
// has calendars but no to-do provider, and is two-way.
func (p *Phone) Capabilities() device.Capabilities {
	return device.Capabilities{KeepsUIDs: true, HasCalendar: true, TwoWay: true,
		Drops: []string{"PHOTO", "CATEGORIES", "RDATE", "X-*"}}
}

// Close marks the phone closed; it holds no connection between calls.
func (p *Phone) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return nil
}

// run executes one shell command and fails on a non-zero exit status or
// on output on stderr, which is how `content` reports provider exceptions
// (its exit status stays 0).
func (p *Phone) run(ctx context.Context, command string) ([]byte, error) {
	if p.closed {
		return nil, fmt.Errorf("adb %s: %w", p.serial, device.ErrGone)
	}
	res, err := p.c.shell(ctx, p.serial, p.shellV2, command)
	if err != nil {
		return nil, fmt.Errorf("adb %s: %w", p.serial, err)
	}
	errText := strings.TrimSpace(string(res.stderr))
	if !p.shellV2 && bytes.Contains(res.stdout, []byte("Error while accessing provider")) {
		errText = strings.TrimSpace(string(res.stdout))
	}
	if res.exit != 0 || errText != "" {
		if len(errText) > 300 {
			errText = errText[:300]
		}
		return nil, fmt.Errorf("adb %s: %s: exit %d: %s", p.serial, firstWords(command), res.exit, errText)
	}
	return res.stdout, nil
}

// mutate runs insert/update/delete commands, which print nothing when
// they succeed: Content.java reports argument errors on stdout (usage and
// "[ERROR] …") with exit status 0.
func (p *Phone) mutate(ctx context.Context, command string) error {
	out, err := p.run(ctx, command)
	if err != nil {
		return err
	}
	if msg := strings.TrimSpace(string(out)); msg != "" {
		if i := strings.LastIndex(msg, "[ERROR]"); i >= 0 {
			msg = msg[i:]
		}
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return fmt.Errorf("adb %s: %s: %s", p.serial, firstWords(command), msg)
	}
	return nil
}

func firstWords(cmd string) string {
	f := strings.Fields(cmd)
	if len(f) > 4 {
		f = f[:4]
	}
	return strings.Join(f, " ")
}

// runAll runs commands joined with && in as few shell invocations as fit
// maxBatch.
func (p *Phone) runAll(ctx context.Context, cmds []string) error {
	for len(cmds) > 0 {
		n, size := 0, 0
		for n < len(cmds) && (n == 0 || size+len(cmds[n])+4 <= maxBatch) {
			size += len(cmds[n]) + 4
			n++
		}
		if err := p.mutate(ctx, strings.Join(cmds[:n], " && ")); err != nil {
			return err
		}
		cmds = cmds[n:]
	}
	return nil
}

func (p *Phone) query(ctx context.Context, cmd *contentCmd, cols []string) ([]Row, error) {
	out, err := p.run(ctx, cmd.projection(cols...).String())
	if err != nil {
		return nil, err
	}
	rows, err := ParseRows(out, cols)
	if err != nil {
		return nil, fmt.Errorf("adb %s: %w", p.serial, err)
	}
	return rows, nil
}

// Collections returns the address book and every calendar.
func (p *Phone) Collections(ctx context.Context) ([]device.Collection, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := []device.Collection{{ID: ContactsCollection, Kind: device.Contacts, Name: "Contacts"}}
	rows, err := p.query(ctx, p.d.content("query", calendarsURI), calendarCols)
	if err != nil {
		return nil, fmt.Errorf("list calendars: %w", err)
	}
	for _, r := range rows {
		out = append(out, device.Collection{ID: calendarPrefix + r.Value(0), Kind: device.Calendar, Name: r.Value(3)})
	}
	return out, nil
}

func calendarID(collection string) (int64, error) {
	s, ok := strings.CutPrefix(collection, calendarPrefix)
	if !ok {
		return 0, fmt.Errorf("collection %q: %w", collection, device.ErrNotFound)
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("collection %q: %w", collection, device.ErrNotFound)
	}
	return id, nil
}

func parseKey(key string) (int64, error) {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("key %q: %w", key, device.ErrNotFound)
	}
	return id, nil
}

// List returns the collection's items: contacts as vCard 4.0 keyed by
// raw contact _id, events as iCalendar keyed by event _id.
func (p *Phone) List(ctx context.Context, collection string) ([]device.Record, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if collection == ContactsCollection {
		return p.listContacts(ctx)
	}
	cal, err := calendarID(collection)
	if err != nil {
		return nil, err
	}
	return p.listEvents(ctx, cal)
}

func (p *Phone) listContacts(ctx context.Context) ([]device.Record, error) {
	raws, err := p.query(ctx, p.d.content("query", rawContactsURI).where("deleted=0"), rawContactCols)
	if err != nil {
		return nil, fmt.Errorf("list raw contacts: %w", err)
	}
	data, err := p.query(ctx, p.d.content("query", dataURI).where(mimeList()), dataCols)
	if err != nil {
		return nil, fmt.Errorf("list contact data: %w", err)
	}
	byRaw := map[string][]Row{}
	for _, d := range data {
		byRaw[d.Value(dRawID)] = append(byRaw[d.Value(dRawID)], d)
	}
	out := make([]device.Record, 0, len(raws))
	for _, r := range raws {
		c := contactFromRows(r.Value(1), byRaw[r.Value(0)])
		out = append(out, device.NewRecord(r.Value(0), c.UID, c.VCard()))
	}
	return out, nil
}

func (p *Phone) listEvents(ctx context.Context, cal int64) ([]device.Record, error) {
	evs, err := p.query(ctx, p.d.content("query", eventsURI).where("calendar_id="+idString(cal)+" AND deleted=0"), eventCols)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	if len(evs) == 0 {
		return nil, nil
	}
	rems, err := p.query(ctx, p.d.content("query", remindersURI), reminderCols)
	if err != nil {
		return nil, fmt.Errorf("list reminders: %w", err)
	}
	atts, err := p.query(ctx, p.d.content("query", attendeesURI), attendeeCols)
	if err != nil {
		return nil, fmt.Errorf("list attendees: %w", err)
	}
	for _, e := range evs {
		// Content.java before Android 8 printed INTEGER columns with
		// getInt, cutting millisecond times to 32 bits: no real event
		// time fits there, so such output cannot be trusted.
		if v := e.Int(eStart); v != 0 && v > -1<<31 && v < 1<<31 {
			return nil, fmt.Errorf("adb %s: phone prints 32-bit integers (dtstart=%d): %w", p.serial, v, device.ErrUnsupported)
		}
	}
	remBy, attBy := groupBy(rems, 1), groupBy(atts, 1)
	out := make([]device.Record, 0, len(evs))
	for _, e := range evs {
		it := itemFromRows(e, remBy[e.Value(eID)], attBy[e.Value(eID)])
		out = append(out, device.NewRecord(e.Value(eID), it.UID, it.ICalendar()))
	}
	return out, nil
}

func groupBy(rows []Row, col int) map[string][]Row {
	m := map[string][]Row{}
	for _, r := range rows {
		m[r.Value(col)] = append(m[r.Value(col)], r)
	}
	return m
}

// Put writes a contact (vCard) or event (iCalendar). A new item's UID is
// kept (one is made up when the data has none) and serves as the marker by
// which the new row's _id is found, since `content insert` prints nothing.
// An update rewrites the row and replaces all its data rows, reminders
// and attendees; the key stays the same. The writes are several `content`
// calls: if one fails midway, the item may be left partly written and the
// error says so — a retry of the same Put repairs it.
func (p *Phone) Put(ctx context.Context, collection, key string, data []byte) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if collection == ContactsCollection {
		c, err := device.ParseContact(data)
		if err != nil {
			return "", fmt.Errorf("put contact: %w", err)
		}
		return p.putContact(ctx, key, &c)
	}
	cal, err := calendarID(collection)
	if err != nil {
		return "", err
	}
	it, err := device.ParseCalendarItem(data)
	if err != nil {
		return "", fmt.Errorf("put event: %w", err)
	}
	if it.Component != "VEVENT" || it.Start.IsZero() {
		return "", fmt.Errorf("put event: need a VEVENT with DTSTART: %w", device.ErrInvalid)
	}
	return p.putEvent(ctx, cal, key, &it)
}

func newUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "cradle-" + hex.EncodeToString(b)
}

// findByMarker returns the highest _id whose column equals marker: the
// row just inserted, as _ids only grow.
func (p *Phone) findByMarker(ctx context.Context, uri, col, marker, extra string) (int64, error) {
	rows, err := p.query(ctx, p.d.content("query", uri).where(col+"="+sqlString(marker)+extra), []string{"_id"})
	if err != nil {
		return 0, err
	}
	var id int64
	for _, r := range rows {
		id = max(id, r.Int(0))
	}
	if id == 0 {
		return 0, fmt.Errorf("inserted row with %s=%q not found", col, marker)
	}
	return id, nil
}

func (p *Phone) exists(ctx context.Context, uri string, id int64, extra string) error {
	rows, err := p.query(ctx, p.d.content("query", uri).where("_id="+idString(id)+extra), []string{"_id"})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s/%d: %w", uri, id, device.ErrNotFound)
	}
	return nil
}

func (p *Phone) putContact(ctx context.Context, key string, c *device.Contact) (string, error) {
	if c.UID == "" {
		c.UID = newUID()
	}
	var id int64
	if key == "" {
		if err := p.mutate(ctx, p.d.content("insert", rawContactsURI).bindString("sync1", c.UID).String()); err != nil {
			return "", fmt.Errorf("insert raw contact: %w", err)
		}
		var err error
		if id, err = p.findByMarker(ctx, rawContactsURI, "sync1", c.UID, " AND deleted=0"); err != nil {
			return "", fmt.Errorf("insert raw contact: %w", err)
		}
	} else {
		var err error
		if id, err = parseKey(key); err != nil {
			return "", err
		}
		if err := p.exists(ctx, rawContactsURI, id, " AND deleted=0"); err != nil {
			return "", fmt.Errorf("update contact: %w", err)
		}
	}
	cmds := []string{}
	if key != "" {
		cmds = append(cmds,
			p.d.content("update", rawContactsURI).bindString("sync1", c.UID).where("_id="+idString(id)).String(),
			p.d.content("delete", dataURI).where("raw_contact_id="+idString(id)).String())
	}
	cmds = append(cmds, dataInserts(p.d, id, c)...)
	if err := p.runAll(ctx, cmds); err != nil {
		return "", fmt.Errorf("write contact %d (may be partly written): %w", id, err)
	}
	return idString(id), nil
}

func (p *Phone) putEvent(ctx context.Context, cal int64, key string, it *device.CalendarItem) (string, error) {
	if it.UID == "" {
		it.UID = newUID()
	}
	if key != "" && !p.d.nullType {
		// Without NULL binds an update cannot switch an event between
		// DTEND and DURATION (the provider refuses rows with both), so
		// older phones replace the event: the key changes.
		id, err := parseKey(key)
		if err != nil {
			return "", err
		}
		extra := " AND calendar_id=" + idString(cal) + " AND deleted=0"
		if err := p.exists(ctx, eventsURI, id, extra); err != nil {
			return "", fmt.Errorf("update event: %w", err)
		}
		if err := p.mutate(ctx, p.d.content("delete", eventsURI).where("_id="+idString(id)).String()); err != nil {
			return "", fmt.Errorf("update event %d: %w", id, err)
		}
		key = ""
	}
	var id int64
	if key == "" {
		cmd := p.d.content("insert", eventsURI)
		eventBinds(cmd, cal, it, false)
		if err := p.mutate(ctx, cmd.String()); err != nil {
			return "", fmt.Errorf("insert event: %w", err)
		}
		var err error
		if id, err = p.findByMarker(ctx, eventsURI, "uid2445", it.UID,
			" AND calendar_id="+idString(cal)+" AND deleted=0"); err != nil {
			return "", fmt.Errorf("insert event: %w", err)
		}
	} else {
		var err error
		if id, err = parseKey(key); err != nil {
			return "", err
		}
		if err := p.exists(ctx, eventsURI, id, " AND calendar_id="+idString(cal)+" AND deleted=0"); err != nil {
			return "", fmt.Errorf("update event: %w", err)
		}
	}
	var cmds []string
	if key != "" {
		cmd := p.d.content("update", eventsURI)
		eventBinds(cmd, cal, it, true)
		cmds = append(cmds, cmd.where("_id="+idString(id)).String(),
			p.d.content("delete", remindersURI).where("event_id="+idString(id)).String(),
			p.d.content("delete", attendeesURI).where("event_id="+idString(id)).String())
	}
	cmds = append(cmds, childInserts(p.d, id, it)...)
	if err := p.runAll(ctx, cmds); err != nil {
		return "", fmt.Errorf("write event %d (may be partly written): %w", id, err)
	}
	return idString(id), nil
}

// Delete removes a raw contact (with its data) or an event (with its
// reminders and attendees). A phone with a sync account may only mark the
// row deleted until its own sync adapter runs; List hides such rows.
func (p *Phone) Delete(ctx context.Context, collection, key string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, err := parseKey(key)
	if err != nil {
		return err
	}
	uri, extra := rawContactsURI, " AND deleted=0"
	if collection != ContactsCollection {
		cal, err := calendarID(collection)
		if err != nil {
			return err
		}
		uri, extra = eventsURI, " AND calendar_id="+idString(cal)+" AND deleted=0"
	}
	if err := p.exists(ctx, uri, id, extra); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if err := p.mutate(ctx, p.d.content("delete", uri).where("_id="+idString(id)).String()); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

var _ device.Device = (*Phone)(nil)
