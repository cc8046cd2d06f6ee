package devicesync

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/formats/merge"
)

// parseEvent reads data holding one iCalendar object and returns it with
// its main component: the first VEVENT or VTODO without a RECURRENCE-ID
// (the master of a recurring event), else the first VEVENT or VTODO.
// Devices hold one component per item; a local item may carry exceptions
// and time zones beside it, which stay untouched.
func parseEvent(name string, data []byte) (*ical.Document, *ical.Component, error) {
	doc, err := ical.Read(bytes.NewReader(data))
	if err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", name, err)
	}
	var first, master *ical.Component
	for _, cal := range doc.Calendars {
		for _, c := range cal.Children {
			if c.Name != "VEVENT" && c.Name != "VTODO" {
				continue
			}
			if first == nil {
				first = c
			}
			if master == nil && c.Prop("RECURRENCE-ID") == nil {
				master = c
			}
		}
	}
	if master == nil {
		master = first
	}
	if master == nil {
		return nil, nil, fmt.Errorf("parse %s: no VEVENT or VTODO", name)
	}
	return doc, master, nil
}

func encodeEvent(doc *ical.Document) ([]byte, error) {
	var b bytes.Buffer
	if err := ical.Encode(&b, doc.Calendars...); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// eventWithUID is withUID for iCalendar: the main component's UID, or a
// new one added to it (and to its exceptions, which share it).
func eventWithUID(name string, data []byte) (uid string, out []byte, err error) {
	doc, main, err := parseEvent(name, data)
	if err != nil {
		return "", nil, err
	}
	if uid := strings.TrimSpace(main.Value("UID")); uid != "" {
		return uid, data, nil
	}
	if uid, err = newUID(); err != nil {
		return "", nil, err
	}
	for _, cal := range doc.Calendars {
		for _, c := range cal.Children {
			if (c.Name == "VEVENT" || c.Name == "VTODO") && strings.TrimSpace(c.Value("UID")) == "" {
				c.Set("UID", uid)
			}
		}
	}
	if out, err = encodeEvent(doc); err != nil {
		return "", nil, fmt.Errorf("encode %s: %w", name, err)
	}
	return uid, out, nil
}

// mergeDeviceEventEdit is mergeDeviceEdit for iCalendar: the device's
// edit of the main component (deviceBase → deviceNow) is merged onto the
// local item's main component. Properties the device never keeps (RRULE
// on gammu, categories, VTIMEZONEs) are absent from both device
// renderings and so survive locally, as do the local item's exceptions.
func mergeDeviceEventEdit(name string, deviceBase, local, deviceNow []byte) ([]byte, error) {
	ldoc, l, err := parseEvent(name+" (local)", local)
	if err != nil {
		return nil, err
	}
	_, r, err := parseEvent(name+" (device)", deviceNow)
	if err != nil {
		return nil, err
	}
	var b *ical.Component
	if len(deviceBase) > 0 {
		if _, b, err = parseEvent(name+" (base)", deviceBase); err != nil {
			return nil, err
		}
	}
	merged, _ := merge.Components(b, l, r)
	if !replaceComponent(ldoc, l, merged) {
		return nil, errors.New("merge " + name + ": main component lost")
	}
	out, err := encodeEvent(ldoc)
	if err != nil {
		return nil, fmt.Errorf("encode merged %s: %w", name, err)
	}
	return out, nil
}

func replaceComponent(doc *ical.Document, old, repl *ical.Component) bool {
	for _, cal := range doc.Calendars {
		for i, c := range cal.Children {
			if c == old {
				cal.Children[i] = repl
				return true
			}
		}
	}
	return false
}

// sameEvent is sameContact for events and to-dos: two renderings are one
// item edited when they keep the summary or the start. An entry that
// changed both, at a key gammu reused, is taken for a new item.
func sameEvent(before, after []byte) bool {
	a, errA := device.ParseCalendarItem(before)
	b, errB := device.ParseCalendarItem(after)
	if errA != nil || errB != nil {
		return true // cannot tell: treat as an edit, which loses nothing locally
	}
	if s := foldSummary(a.Summary); s != "" && s == foldSummary(b.Summary) {
		return true
	}
	as, bs := a.Start, b.Start
	if as.IsZero() && bs.IsZero() {
		as, bs = a.Due, b.Due
	}
	return !as.IsZero() && as.Equal(bs)
}

func foldSummary(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
