package tray

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/cradle-sync/cradle/assets"
)

// entry is one line of the tray menu.
type entry int

const (
	entryStatus entry = iota // disabled line that repeats the tooltip's first line
	entrySync
	entryPause // "Pause syncing" or "Resume syncing"
	entryOpenContacts
	entryOpenCalendar
	entryExportContacts
	entryExportCalendar
	entryConflicts
	entryDevices
	entrySettings
	entryActivity
	entryQuit
	numEntries
)

// separator marks a divider line in menuOrder.
const separator entry = -1

// menuOrder is the menu from top to bottom.
var menuOrder = []entry{
	entryStatus, separator,
	entrySync, entryPause, separator,
	entryOpenContacts, entryOpenCalendar, entryExportContacts, entryExportCalendar, separator,
	entryConflicts, entryDevices, entrySettings, entryActivity, separator,
	entryQuit,
}

// Labels that never change. An ellipsis marks entries that open a window
// asking for more, as desktop guidelines have it.
var fixedLabels = [numEntries]string{
	entrySync:           "Sync now",
	entryOpenContacts:   "Open contacts folder",
	entryOpenCalendar:   "Open calendar folder",
	entryExportContacts: "Export contacts…",
	entryExportCalendar: "Export calendar…",
	entryDevices:        "Devices…",
	entrySettings:       "Accounts and settings…",
	entryActivity:       "Activity…",
	entryQuit:           "Quit Cradle",
}

// item is how one menu entry looks.
type item struct {
	label   string
	enabled bool
}

// view is everything the tray shows for a snapshot. It is comparable, so
// the tray only touches D-Bus for what changed.
type view struct {
	icon    string // assets state name
	title   string
	tooltip string
	items   [numEntries]item
}

// maxDetail bounds the engine's detail line, which may quote a server.
const maxDetail = 160

// render computes the view of s at time now (used only to phrase LastSync
// relative to today).
func render(s Snapshot, now time.Time) view {
	head := headline(s)
	v := view{
		icon:    iconState(s.State),
		title:   "Cradle: " + head,
		tooltip: tooltip(s, head, now),
	}
	for e := range numEntries {
		v.items[e] = item{label: fixedLabels[e], enabled: true}
	}
	v.items[entryStatus] = item{label: head + " · last sync " + lastSync(s.LastSync, now), enabled: false}
	// A paused engine syncs nothing; resuming is the way to sync.
	v.items[entrySync].enabled = s.State != Paused
	v.items[entryPause].label = "Pause syncing"
	if s.State == Paused {
		v.items[entryPause].label = "Resume syncing"
	}
	v.items[entryConflicts] = item{label: fmt.Sprintf("Conflicts (%d)…", max(s.Conflicts, 0)), enabled: s.Conflicts > 0}
	return v
}

func iconState(s State) string {
	switch s {
	case UpToDate:
		return assets.UpToDate
	case Syncing:
		return assets.Syncing
	case Attention:
		return assets.Attention
	case Paused:
		return assets.Paused
	default: // Offline, and Starting: nothing is known to be in step yet
		return assets.Offline
	}
}

// headline is the state in a few words, naming the most pressing problem
// when the user must act.
func headline(s Snapshot) string {
	switch s.State {
	case Starting:
		return "Starting…"
	case UpToDate:
		return "Up to date"
	case Syncing:
		return "Syncing…"
	case Offline:
		return "Offline, retrying"
	case Paused:
		return "Paused"
	case Attention:
		switch {
		case s.AuthFailed:
			return "Sign-in failed"
		case s.HeldDeletes > 0:
			return "Deletions held back"
		case s.Conflicts > 0:
			return plural(s.Conflicts, "conflict", "conflicts")
		}
		return "Needs attention"
	}
	return s.State.String()
}

func tooltip(s Snapshot, head string, now time.Time) string {
	lines := []string{head, "Last sync " + lastSync(s.LastSync, now)}
	if s.Waiting > 0 {
		lines = append(lines, plural(s.Waiting, "change", "changes")+" waiting to be sent")
	}
	if s.Conflicts > 0 {
		lines = append(lines, plural(s.Conflicts, "conflict", "conflicts")+" to resolve")
	}
	if s.HeldDeletes > 0 {
		lines = append(lines, plural(s.HeldDeletes, "deletion", "deletions")+" held back for you to confirm")
	}
	if s.AuthFailed && head != "Sign-in failed" {
		lines = append(lines, "Sign-in failed")
	}
	if d := cleanDetail(s.Detail); d != "" {
		lines = append(lines, d)
	}
	return strings.Join(lines, "\n")
}

// lastSync phrases t for "Last sync …": the time alone today, with the
// day otherwise, so it stays right without a ticking clock.
func lastSync(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	t = t.In(now.Location())
	day := t.Format(time.DateOnly)
	switch {
	case day == now.Format(time.DateOnly):
		return t.Format("15:04")
	case day == now.AddDate(0, 0, -1).Format(time.DateOnly):
		return t.Format("yesterday 15:04")
	case t.Year() == now.Year():
		return t.Format("2 Jan 15:04")
	}
	return t.Format("2 Jan 2006")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// cleanDetail makes the engine's detail safe for one tooltip line: no
// control characters or line breaks, at most maxDetail characters.
func cleanDetail(s string) string {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		if n == maxDetail {
			return strings.TrimSpace(b.String()) + "…"
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// actionFor is what clicking e asks of the Model while s is shown; false
// for entries that do nothing.
func actionFor(e entry, s Snapshot) (Action, bool) {
	switch e {
	case entrySync:
		return SyncNow, true
	case entryPause:
		if s.State == Paused {
			return Resume, true
		}
		return Pause, true
	case entryOpenContacts:
		return OpenContactsFolder, true
	case entryOpenCalendar:
		return OpenCalendarFolder, true
	case entryExportContacts:
		return ExportContacts, true
	case entryExportCalendar:
		return ExportCalendar, true
	case entryConflicts:
		return ShowConflicts, true
	case entryDevices:
		return ShowDevices, true
	case entrySettings:
		return ShowSettings, true
	case entryActivity:
		return ShowActivity, true
	case entryQuit:
		return Quit, true
	}
	return 0, false
}
