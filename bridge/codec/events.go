package codec

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"

	"github.com/cradle-sync/cradle/formats/event"
	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/merge"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/schema"
)

// Events is the codec for calendar events (VEVENT with its overrides).
type Events struct {
	// UserEmail identifies the user among attendees.
	UserEmail string
}

// Tasks is the codec for to-dos (VTODO).
type Tasks struct{}

// Ext returns ".ics".
func (Events) Ext() string { return ".ics" }

// Ext returns ".ics".
func (Tasks) Ext() string { return ".ics" }

func readItem(b []byte, kind string) (*event.Item, error) {
	it, _, err := readItems(b, kind)
	return it, err
}

// readItems returns the file's first item of kind and the UIDs of any
// further ones.
func readItems(b []byte, kind string) (*event.Item, []string, error) {
	doc, err := ical.Read(bytes.NewReader(b))
	if err != nil {
		return nil, nil, err
	}
	items, problems := event.Items(doc, "item")
	var first *event.Item
	var rest []string
	for _, it := range items {
		if it.Kind != kind {
			continue
		}
		if first == nil {
			first = it
		} else {
			rest = append(rest, it.UID)
		}
	}
	if first != nil {
		return first, rest, nil
	}
	if len(problems) > 0 {
		return nil, nil, problems[0]
	}
	return nil, nil, fmt.Errorf("no %s in item", kind)
}

// warnRest says that items after the first in one vdir file will never
// reach the server: a vdir file is one item.
func warnRest(kind string, first *event.Item, rest []string) {
	if len(rest) > 0 {
		slog.Warn("file holds several items; only the first syncs, split it or use a single-file collection",
			"kind", kind, "uid", first.UID, "others", rest)
	}
}

func itemUID(it *event.Item) string {
	for _, c := range it.Components() {
		if u := strings.TrimSpace(c.Value("UID")); u != "" {
			return u
		}
	}
	return ""
}

func encodeItem(it *event.Item) ([]byte, error) {
	var b bytes.Buffer
	if err := ical.Encode(&b, it.Calendar); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func setUID(it *event.Item, uid string) {
	for _, c := range it.Components() {
		if c.Value("UID") == "" {
			c.Set("UID", uid)
		}
	}
	it.UID = uid
}

func version(v push.Version) event.Version {
	if v.Is16() {
		return event.V161
	}
	return event.V141
}

// UID returns the event's UID.
func (Events) UID(local []byte) (string, error) { return uidOf(local, "VEVENT") }

// UID returns the task's UID.
func (Tasks) UID(local []byte) (string, error) { return uidOf(local, "VTODO") }

func uidOf(local []byte, kind string) (string, error) {
	it, err := readItem(local, kind)
	if err != nil {
		return "", err
	}
	if u := itemUID(it); u != "" {
		return u, nil
	}
	return "", ErrNoUID
}

// ToEAS maps the event to EAS calendar data.
func (ev Events) ToEAS(local, _ []byte, v push.Version) (push.ItemData, error) {
	it, rest, err := readItems(local, "VEVENT")
	if err != nil {
		return push.ItemData{}, err
	}
	warnRest("VEVENT", it, rest)
	e, rep, err := event.ToEAS(it, event.Options{Version: version(v), UserEmail: ev.UserEmail})
	if err != nil {
		return push.ItemData{}, err
	}
	// What the server cannot hold stays in the file; the user must still
	// learn that other devices will not see it (RDATE, unsendable overrides).
	for _, w := range rep.Warnings() {
		slog.Warn("kept locally only", "detail", w)
	}
	return push.NewItemData(e)
}

// FromEAS applies the server's event onto local.
func (ev Events) FromEAS(data, _ push.ItemData, local []byte, uid string, _ push.Version) ([]byte, error) {
	var e schema.Event
	if err := data.Decode(&e); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	var base *event.Item
	if local != nil {
		b, err := readItem(local, "VEVENT")
		if err != nil {
			return nil, err
		}
		base = b
	}
	it, _, err := event.FromEAS(&e, base, event.Options{UserEmail: ev.UserEmail})
	if err != nil {
		return nil, err
	}
	if base == nil {
		setUID(it, uid)
	}
	return keepIfEqual(it, base, local)
}

// keepIfEqual encodes it, or returns local unchanged when it says the same
// as base: an unchanged item keeps the user's bytes.
func keepIfEqual(it, base *event.Item, local []byte) ([]byte, error) {
	out, err := encodeItem(it)
	if err != nil || base == nil {
		return out, err
	}
	if was, werr := encodeItem(base); werr == nil && bytes.Equal(was, out) {
		return local, nil
	}
	return out, nil
}

// ToEAS maps the task to EAS task data.
func (Tasks) ToEAS(local, _ []byte, v push.Version) (push.ItemData, error) {
	it, rest, err := readItems(local, "VTODO")
	if err != nil {
		return push.ItemData{}, err
	}
	warnRest("VTODO", it, rest)
	t, _, err := event.TaskToEAS(it, event.Options{Version: version(v)})
	if err != nil {
		return push.ItemData{}, err
	}
	return push.NewItemData(t)
}

// FromEAS applies the server's task onto local.
func (Tasks) FromEAS(data, _ push.ItemData, local []byte, uid string, _ push.Version) ([]byte, error) {
	var t schema.Task
	if err := data.Decode(&t); err != nil {
		return nil, fmt.Errorf("decode task: %w", err)
	}
	var base *event.Item
	if local != nil {
		b, err := readItem(local, "VTODO")
		if err != nil {
			return nil, err
		}
		base = b
	}
	it, _, err := event.TaskFromEAS(&t, base, event.Options{})
	if err != nil {
		return nil, err
	}
	if base == nil {
		setUID(it, uid)
	}
	return keepIfEqual(it, base, local)
}

// Merge merges the two edits of an event.
func (Events) Merge(base, local, remote []byte) ([]byte, bool, error) {
	return mergeItems(base, local, remote, "VEVENT")
}

// Merge merges the two edits of a task.
func (Tasks) Merge(base, local, remote []byte) ([]byte, bool, error) {
	return mergeItems(base, local, remote, "VTODO")
}

// mergeItems merges the master components property by property; overrides
// and alarms come from the side that changed them (remote when both did).
func mergeItems(base, local, remote []byte, kind string) ([]byte, bool, error) {
	l, err := readItem(local, kind)
	if err != nil {
		return nil, false, err
	}
	r, err := readItem(remote, kind)
	if err != nil {
		return nil, false, err
	}
	var b *event.Item
	if base != nil {
		b, _ = readItem(base, kind)
	}
	if l.Master == nil || r.Master == nil {
		out, err := encodeItem(r)
		return out, true, err
	}
	var bm *ical.Component
	if b != nil {
		bm = b.Master
	}
	merged, conflicts := merge.Components(bm, l.Master, r.Master)
	*l.Master = *merged
	if b != nil && !sameOverrides(b, l) && !sameOverrides(b, r) && !sameOverrides(l, r) {
		conflicts = append(conflicts, "RECURRENCE-ID")
	}
	if b != nil && sameOverrides(b, l) && !sameOverrides(b, r) {
		replaceOverrides(l, r)
	}
	if b == nil || len(conflicts) > 0 && !sameOverrides(l, r) {
		replaceOverrides(l, r)
	}
	out, err := encodeItem(l)
	return out, len(conflicts) > 0, err
}

func overridesText(it *event.Item) string {
	var b bytes.Buffer
	ical.Encode(&b, it.Overrides...)
	return b.String()
}

func sameOverrides(a, b *event.Item) bool { return overridesText(a) == overridesText(b) }

// replaceOverrides puts r's overrides in place of l's.
func replaceOverrides(l, r *event.Item) {
	var kids []*ical.Component
	for _, c := range l.Calendar.Children {
		if c.Name == l.Kind && c.Prop("RECURRENCE-ID") != nil {
			continue
		}
		kids = append(kids, c)
	}
	kids = append(kids, r.Overrides...)
	l.Calendar.Children = kids
	l.Overrides = r.Overrides
}

// MatchKey identifies an event by its UID.
func (Events) MatchKey(data push.ItemData, local []byte) string {
	if local != nil {
		u, err := uidOf(local, "VEVENT")
		if err != nil {
			return ""
		}
		return u
	}
	var e schema.Event
	if err := data.Decode(&e); err != nil || e.UID == nil {
		return ""
	}
	return *e.UID
}

// MatchKey identifies a task by subject and due date (EAS tasks have no UID).
func (Tasks) MatchKey(data push.ItemData, local []byte) string {
	var t *schema.Task
	if local != nil {
		it, err := readItem(local, "VTODO")
		if err != nil {
			return ""
		}
		if t, _, err = event.TaskToEAS(it, event.Options{Version: event.V141}); err != nil {
			return ""
		}
	} else {
		t = &schema.Task{}
		if err := data.Decode(t); err != nil {
			return ""
		}
	}
	if t.Subject == nil {
		return ""
	}
	k := strings.ToLower(strings.TrimSpace(*t.Subject))
	if t.UtcDueDate != nil {
		k += "|" + t.UtcDueDate.UTC().Format("20060102T150405Z")
	}
	return k
}
