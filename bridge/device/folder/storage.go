package folder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/device"
)

// maxFileBytes bounds one .vcf or .ics file read.
const maxFileBytes = 64 << 20

// Storage is opened storage. Each configured file is a collection (its
// ID is the configured relative path): a .vcf holds contacts, a .ics
// events and to-dos, a folder one item per .vcf/.ics file. Keys are UIDs
// for items of a file (a content hash for items without one) and file
// names in a folder. Writes replace the whole file atomically.
type Storage struct {
	root  string
	files []string
	mu    sync.Mutex
}

// Capabilities: files keep everything, UIDs included.
func (s *Storage) Capabilities() device.Capabilities {
	caps := device.Capabilities{KeepsUIDs: true, TwoWay: true}
	for _, f := range s.files {
		if strings.HasSuffix(strings.ToLower(f), ".ics") {
			caps.HasCalendar, caps.HasTasks = true, true
		}
	}
	return caps
}

// Close does nothing.
func (s *Storage) Close() error { return nil }

// kindOf says what a configured path holds; for a folder, by its first
// item file.
func (s *Storage) kindOf(rel string) (device.Kind, bool, error) {
	p := filepath.Join(s.root, rel)
	st, err := os.Stat(p)
	if err != nil {
		return "", false, fmt.Errorf("folder %s: %w", rel, device.ErrNotFound)
	}
	if !st.IsDir() {
		if strings.HasSuffix(strings.ToLower(rel), ".ics") {
			return device.Calendar, false, nil
		}
		return device.Contacts, false, nil
	}
	entries, _ := os.ReadDir(p)
	for _, e := range entries {
		if strings.HasSuffix(strings.ToLower(e.Name()), ".ics") {
			return device.Calendar, true, nil
		}
	}
	return device.Contacts, true, nil
}

// Collections lists the configured files that exist.
func (s *Storage) Collections(ctx context.Context) ([]device.Collection, error) {
	var out []device.Collection
	for _, f := range s.files {
		kind, _, err := s.kindOf(f)
		if err != nil {
			continue
		}
		out = append(out, device.Collection{ID: f, Kind: kind, Name: filepath.Base(f)})
	}
	return out, nil
}

func (s *Storage) configured(collection string) error {
	for _, f := range s.files {
		if f == collection {
			return nil
		}
	}
	return fmt.Errorf("folder collection %q: %w", collection, device.ErrNotFound)
}

func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes exceeds %d: %w", path, st.Size(), maxFileBytes, device.ErrInvalid)
	}
	return os.ReadFile(path)
}

// List returns the collection's items.
func (s *Storage) List(ctx context.Context, collection string) ([]device.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.configured(collection); err != nil {
		return nil, err
	}
	kind, isDir, err := s.kindOf(collection)
	if err != nil {
		return nil, err
	}
	cal := kind == device.Calendar
	p := filepath.Join(s.root, collection)
	if isDir {
		return s.listDir(p)
	}
	data, err := readBounded(p)
	if err != nil {
		return nil, fmt.Errorf("folder list: %w", err)
	}
	items, tzs := splitItems(data, cal)
	seen := map[string]bool{}
	var out []device.Record
	for _, it := range items {
		key := keyOf(it)
		if seen[key] {
			continue // a repeated UID: the first item wins, as in a lookup
		}
		seen[key] = true
		d, err := recordData(it, cal, tzs)
		if err != nil {
			continue
		}
		out = append(out, device.NewRecord(key, it.uid, d))
	}
	return out, nil
}

func (s *Storage) listDir(dir string) ([]device.Record, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("folder list: %w", err)
	}
	var out []device.Record
	for _, e := range entries {
		name := e.Name()
		lower := strings.ToLower(name)
		if e.IsDir() || atomicfile.IsTemp(name) || !(strings.HasSuffix(lower, ".vcf") || strings.HasSuffix(lower, ".ics")) {
			continue
		}
		data, err := readBounded(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		cal := strings.HasSuffix(lower, ".ics")
		items, tzs := splitItems(data, cal)
		if len(items) == 0 {
			continue
		}
		d, err := recordData(items[0], cal, tzs)
		if err != nil {
			continue
		}
		out = append(out, device.NewRecord(name, items[0].uid, d))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Put stores data. In a file, key "" appends (failing with ErrInvalid if
// the UID is already there) and a key replaces that item; the returned
// key is the item's UID (or content hash). In a folder the item is
// written to its own file named after the UID.
func (s *Storage) Put(ctx context.Context, collection, key string, data []byte) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.configured(collection); err != nil {
		return "", err
	}
	kind, isDir, err := s.kindOf(collection)
	if err != nil {
		return "", err
	}
	cal := kind == device.Calendar
	newItem, err := itemFromData(data, cal)
	if err != nil {
		return "", fmt.Errorf("folder put: %w", err)
	}
	p := filepath.Join(s.root, collection)
	if isDir {
		return s.putDir(p, key, cal, data, newItem)
	}
	old, err := readBounded(p)
	if err != nil {
		return "", fmt.Errorf("folder put: %w", err)
	}
	items, tzs := splitItems(old, cal)
	newKey := keyOf(newItem)
	replaced := false
	for i, it := range items {
		k := keyOf(it)
		switch {
		case key != "" && k == key && !replaced:
			items[i], replaced = newItem, true
		case k == newKey && k != key:
			return "", fmt.Errorf("folder put: item %s already in %s: %w", newKey, collection, device.ErrInvalid)
		}
	}
	if key != "" && !replaced {
		return "", fmt.Errorf("folder put %s: %w", key, device.ErrNotFound)
	}
	if key == "" {
		items = append(items, newItem)
	}
	if cal {
		_, newTZs := splitItems(data, true)
		tzs = mergeTimezones(tzs, newTZs)
	}
	if err := atomicfile.WriteFile(p, render(items, tzs, cal), 0o644); err != nil {
		return "", fmt.Errorf("folder put: %w", err)
	}
	return newKey, nil
}

func (s *Storage) putDir(dir, key string, cal bool, data []byte, it item) (string, error) {
	name := key
	if name == "" {
		base := it.uid
		if base == "" {
			base = keyOf(it)
		}
		base = strings.Map(func(r rune) rune {
			if r == '/' || r == '\\' || r == 0 || r == ':' {
				return '_'
			}
			return r
		}, base)
		ext := ".vcf"
		if cal {
			ext = ".ics"
		}
		name = base + ext
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return "", fmt.Errorf("folder put: %s exists: %w", name, device.ErrInvalid)
		}
	} else if strings.ContainsAny(key, `/\`) || key == "." || key == ".." {
		return "", fmt.Errorf("folder put %q: %w", key, device.ErrNotFound)
	} else if _, err := os.Stat(filepath.Join(dir, key)); err != nil {
		return "", fmt.Errorf("folder put %s: %w", key, device.ErrNotFound)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		return "", fmt.Errorf("folder put: %w", err)
	}
	return name, nil
}

// Delete removes the item.
func (s *Storage) Delete(ctx context.Context, collection, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.configured(collection); err != nil {
		return err
	}
	kind, isDir, err := s.kindOf(collection)
	if err != nil {
		return err
	}
	p := filepath.Join(s.root, collection)
	if isDir {
		if strings.ContainsAny(key, `/\`) || key == "" || key == "." || key == ".." {
			return fmt.Errorf("folder delete %q: %w", key, device.ErrNotFound)
		}
		if err := os.Remove(filepath.Join(p, key)); err != nil {
			if os.IsNotExist(err) {
				return fmt.Errorf("folder delete %s: %w", key, device.ErrNotFound)
			}
			return fmt.Errorf("folder delete: %w", err)
		}
		return nil
	}
	cal := kind == device.Calendar
	old, err := readBounded(p)
	if err != nil {
		return fmt.Errorf("folder delete: %w", err)
	}
	items, tzs := splitItems(old, cal)
	kept := items[:0]
	found := false
	for _, it := range items {
		if !found && keyOf(it) == key {
			found = true
			continue
		}
		kept = append(kept, it)
	}
	if !found {
		return fmt.Errorf("folder delete %s: %w", key, device.ErrNotFound)
	}
	if err := atomicfile.WriteFile(p, render(kept, tzs, cal), 0o644); err != nil {
		return fmt.Errorf("folder delete: %w", err)
	}
	return nil
}

// render writes a whole .vcf or .ics file.
func render(items []item, tzs []string, cal bool) []byte {
	var b strings.Builder
	if cal {
		b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cradle//folder//EN\r\n")
		for _, tz := range tzs {
			b.WriteString(tz)
		}
	}
	for _, it := range items {
		b.WriteString(it.text)
	}
	if cal {
		b.WriteString("END:VCALENDAR\r\n")
	}
	return []byte(b.String())
}

// mergeTimezones adds the VTIMEZONEs of add whose TZID is not yet in have.
func mergeTimezones(have, add []string) []string {
	ids := map[string]bool{}
	for _, tz := range have {
		ids[tzid(tz)] = true
	}
	for _, tz := range add {
		if id := tzid(tz); !ids[id] {
			ids[id] = true
			have = append(have, tz)
		}
	}
	return have
}

func tzid(vtimezone string) string {
	for _, l := range strings.Split(vtimezone, "\r\n") {
		if len(l) >= 5 && strings.EqualFold(l[:5], "TZID:") {
			return strings.TrimSpace(l[5:])
		}
	}
	return ""
}

var _ device.Device = (*Storage)(nil)
