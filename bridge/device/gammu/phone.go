package gammu

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cradle-sync/cradle/bridge/device"
)

// Collection IDs: the phone memory and SIM phonebooks, the calendar and
// the to-do list.
const (
	PhoneMemory = "ME"
	SIMMemory   = "SM"
	CalendarID  = "calendar"
	TodoID      = "todo"
)

// Phone is a phone opened through gammu. Keys are "ME:3" / "SM:12" for
// contacts and the location number for calendar and to-do entries. Calls
// are serialised: gammu opens the phone once per command and two at once
// would fight over the port.
type Phone struct {
	r       runner
	maxName int
	logger  *slog.Logger

	mu sync.Mutex
}

// Capabilities: no UIDs, calendar and to-dos, two-way; gammu drops UID,
// RRULE, VALARM (one alarm time survives), attendees and categories.
func (p *Phone) Capabilities() device.Capabilities {
	return device.Capabilities{HasCalendar: true, HasTasks: true, TwoWay: true, MaxNameLength: p.maxName,
		Drops: []string{"UID", "RRULE", "EXDATE", "VALARM", "ATTENDEE", "CATEGORIES", "PHOTO", "TZID", "NICKNAME"}}
}

// Close does nothing: gammu holds no connection between commands.
func (p *Phone) Close() error { return nil }

// Collections lists both phonebooks, the calendar and the to-do list.
// Whether the phone really has a calendar shows only when it is read.
func (p *Phone) Collections(ctx context.Context) ([]device.Collection, error) {
	return []device.Collection{
		{ID: PhoneMemory, Kind: device.Contacts, Name: "Phone"},
		{ID: SIMMemory, Kind: device.Contacts, Name: "SIM"},
		{ID: CalendarID, Kind: device.Calendar, Name: "Calendar"},
		{ID: TodoID, Kind: device.Tasks, Name: "To-do"},
	}, nil
}

// List reads a collection. Phonebooks are read with `gammu backup`,
// whose vCard 2.1 output carries each entry's memory and location;
// calendar and to-dos are parsed from getallcalendar / getalltodo.
func (p *Phone) List(ctx context.Context, collection string) ([]device.Record, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch collection {
	case PhoneMemory, SIMMemory:
		return p.listContacts(ctx, collection)
	case CalendarID, TodoID:
		notes, err := p.notes(ctx, collection)
		if err != nil {
			return nil, err
		}
		comp := "VEVENT"
		if collection == TodoID {
			comp = "VTODO"
		}
		out := make([]device.Record, 0, len(notes))
		for i := range notes {
			it := itemFromNote(&notes[i], comp)
			out = append(out, device.NewRecord(strconv.Itoa(notes[i].Location), "", it.ICalendar()))
		}
		return out, nil
	}
	return nil, fmt.Errorf("gammu list %q: %w", collection, device.ErrNotFound)
}

func (p *Phone) listContacts(ctx context.Context, memory string) ([]device.Record, error) {
	dir, err := os.MkdirTemp("", "cradle-gammu-")
	if err != nil {
		return nil, fmt.Errorf("gammu backup: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "phonebook.vcf")
	out, errOut, err := p.r.run(ctx, "", "backup", file, "-yes")
	if err != nil {
		return nil, err
	}
	if e := findError(strings.Split(out+errOut, "\n")); e != "" {
		return nil, fmt.Errorf("gammu backup: %s", e)
	}
	data, err := readBounded(file)
	if err != nil {
		return nil, fmt.Errorf("gammu backup: %w", err)
	}
	return parseBackup(data, memory)
}

// parseBackup turns gammu's phonebook backup (vCard 2.1 with
// X-GAMMU-MEMORY and X-GAMMU-LOCATION) into records of one memory, in
// location order.
func parseBackup(data []byte, memory string) ([]device.Record, error) {
	blocks, err := device.ParseBlocks(data, MaxOutput)
	if err != nil {
		return nil, fmt.Errorf("gammu backup: %w", err)
	}
	type entry struct {
		loc int
		rec device.Record
	}
	var entries []entry
	for _, b := range blocks {
		if b.Name != "VCARD" {
			continue
		}
		mem, _ := b.First("X-GAMMU-MEMORY")
		locLine, _ := b.First("X-GAMMU-LOCATION")
		loc, convErr := strconv.Atoi(strings.TrimSpace(locLine.Value))
		if strings.TrimSpace(mem.Value) != memory || convErr != nil {
			continue
		}
		c := device.ContactFromBlock(b)
		entries = append(entries, entry{loc, device.NewRecord(memory+":"+strconv.Itoa(loc), "", c.VCard())})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].loc < entries[j].loc })
	out := make([]device.Record, len(entries))
	for i, e := range entries {
		out[i] = e.rec
	}
	return out, nil
}

func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxOutput {
		return nil, fmt.Errorf("%s: %d bytes exceeds %d", path, st.Size(), MaxOutput)
	}
	return os.ReadFile(path)
}

func (p *Phone) notes(ctx context.Context, collection string) ([]Note, error) {
	cmd := "getallcalendar"
	if collection == TodoID {
		cmd = "getalltodo"
	}
	out, errOut, err := p.r.run(ctx, "", cmd)
	if err != nil {
		return nil, err
	}
	notes, other, err := ParseNotes(out)
	if err != nil {
		return nil, err
	}
	if e := findError(append(other, strings.Split(errOut, "\n")...)); e != "" {
		if strings.Contains(e, "not supported") || strings.Contains(e, "not implemented") {
			return nil, fmt.Errorf("gammu %s: %s: %w", cmd, e, device.ErrUnsupported)
		}
		return nil, fmt.Errorf("gammu %s: %s", cmd, e)
	}
	return notes, nil
}

// locations returns the set of used locations of a collection.
func (p *Phone) locations(ctx context.Context, collection string) (map[int]bool, error) {
	used := map[int]bool{}
	switch collection {
	case PhoneMemory, SIMMemory:
		out, errOut, err := p.r.run(ctx, "", "getallmemory", collection)
		if err != nil {
			return nil, err
		}
		var other []string
		for _, l := range strings.Split(out, "\n") {
			if rest, ok := strings.CutPrefix(l, "Memory "+collection+", Location "); ok {
				if n, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil {
					used[n] = true
				}
			} else if _, _, isField := splitField(l); !isField {
				other = append(other, l)
			}
		}
		if e := findError(append(other, strings.Split(errOut, "\n")...)); e != "" {
			return nil, fmt.Errorf("gammu getallmemory: %s", e)
		}
	default:
		notes, err := p.notes(ctx, collection)
		if err != nil {
			return nil, err
		}
		for _, n := range notes {
			used[n.Location] = true
		}
	}
	return used, nil
}

// parseKey splits a key into its location, checking the memory.
func parseKey(collection, key string) (int, error) {
	s := key
	if collection == PhoneMemory || collection == SIMMemory {
		mem, loc, ok := strings.Cut(key, ":")
		if !ok || mem != collection {
			return 0, fmt.Errorf("key %q: %w", key, device.ErrNotFound)
		}
		s = loc
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("key %q: %w", key, device.ErrNotFound)
	}
	return n, nil
}

// Put adds the item, after deleting the item at key when key is set
// (gammu has no per-entry update). The new key is the location gammu
// chose, found by comparing the used locations before and after.
func (p *Phone) Put(ctx context.Context, collection, key string, data []byte) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var file []byte
	var ext string
	switch collection {
	case PhoneMemory, SIMMemory:
		c, err := device.ParseContact(data)
		if err != nil {
			return "", fmt.Errorf("gammu put: %w", err)
		}
		file, ext = vcard21(&c, p.maxName), ".vcf"
	case CalendarID, TodoID:
		it, err := device.ParseCalendarItem(data)
		if err != nil {
			return "", fmt.Errorf("gammu put: %w", err)
		}
		want := "VEVENT"
		if collection == TodoID {
			want = "VTODO"
		}
		if it.Component != want || (want == "VEVENT" && it.Start.IsZero()) {
			return "", fmt.Errorf("gammu put: %s needs a %s with a start: %w", collection, want, device.ErrInvalid)
		}
		file, ext = vcalendar(&it), ".vcs"
	default:
		return "", fmt.Errorf("gammu put %q: %w", collection, device.ErrNotFound)
	}
	if key != "" {
		if err := p.delete(ctx, collection, key); err != nil {
			return "", fmt.Errorf("gammu update %s: %w", key, err)
		}
	}
	before, err := p.locations(ctx, collection)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "cradle-gammu-")
	if err != nil {
		return "", fmt.Errorf("gammu put: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "item"+ext)
	if err := os.WriteFile(path, file, 0o600); err != nil {
		return "", fmt.Errorf("gammu put: %w", err)
	}
	args := []string{"addnew", path}
	if ext == ".vcf" {
		args = append(args, "-memory", collection)
	}
	// Answer "yes" to adding the entries and "no" to setting the phone's
	// clock, which addnew offers with every import.
	out, errOut, err := p.r.runAsking(ctx, func(q string) string {
		if strings.Contains(q, "date/time") {
			return "no\n"
		}
		return "yes\n"
	}, args...)
	if err != nil {
		return "", err
	}
	if e := findError(strings.Split(out+errOut, "\n")); e != "" {
		return "", fmt.Errorf("gammu addnew: %s", e)
	}
	after, err := p.locations(ctx, collection)
	if err != nil {
		return "", err
	}
	var added []int
	for loc := range after {
		if !before[loc] {
			added = append(added, loc)
		}
	}
	if len(added) != 1 {
		return "", fmt.Errorf("gammu addnew: expected one new entry, found %d", len(added))
	}
	if collection == PhoneMemory || collection == SIMMemory {
		return collection + ":" + strconv.Itoa(added[0]), nil
	}
	return strconv.Itoa(added[0]), nil
}

// Delete removes the entry at key.
func (p *Phone) Delete(ctx context.Context, collection, key string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.delete(ctx, collection, key)
}

func (p *Phone) delete(ctx context.Context, collection, key string) error {
	loc, err := parseKey(collection, key)
	if err != nil {
		return err
	}
	used, err := p.locations(ctx, collection)
	if err != nil {
		return err
	}
	if !used[loc] {
		return fmt.Errorf("gammu delete %s: %w", key, device.ErrNotFound)
	}
	var args []string
	switch collection {
	case PhoneMemory, SIMMemory:
		args = []string{"deletememory", collection, strconv.Itoa(loc)}
	case CalendarID:
		args = []string{"deletecalendar", strconv.Itoa(loc)}
	case TodoID:
		args = []string{"deletetodo", strconv.Itoa(loc)}
	default:
		return fmt.Errorf("gammu delete %q: %w", collection, device.ErrNotFound)
	}
	out, errOut, err := p.r.run(ctx, "", args...)
	if err != nil {
		return err
	}
	if e := findError(strings.Split(out+errOut, "\n")); e != "" {
		return fmt.Errorf("gammu %s: %s", args[0], e)
	}
	return nil
}

var _ device.Device = (*Phone)(nil)
