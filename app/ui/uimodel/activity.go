package uimodel

import (
	"fmt"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
)

// FolderRow is one line of the activity window: a folder and how it
// stands.
type FolderRow struct {
	Account string
	Name    string
	Kind    string
	// State is the folder's state in words ("up to date", "3 waiting",
	// "needs attention: …").
	State     string
	Items     int
	Pending   int
	Conflicts int
	LastSync  time.Time
	// InitialSync is set while the folder's first sync runs: it has never
	// finished a sync and its account is syncing now.
	InitialSync bool
}

// AccountRow is one account and its folders.
type AccountRow struct {
	Name string
	// Summary is the account's state in plain words.
	Summary string
	// Problem is set when the user has to act or wait for the server.
	Problem bool
	Folders []FolderRow
}

// Rows sums st up for the activity window, in the daemon's order.
// now is used for "retrying in …".
func Rows(st api.Status, now time.Time) []AccountRow {
	out := make([]AccountRow, 0, len(st.Accounts))
	for _, a := range st.Accounts {
		row := AccountRow{Name: a.Name}
		row.Summary, row.Problem = accountSummary(a, st.Paused, now)
		busy := a.State == "syncing" || a.State == "connecting"
		for _, f := range a.Folders {
			row.Folders = append(row.Folders, FolderRow{
				Account: a.Name, Name: f.Name, Kind: f.Kind,
				State: folderState(f), Items: f.Items, Pending: f.Pending, Conflicts: f.Conflicts,
				LastSync:    f.LastSync,
				InitialSync: busy && f.LastSync.IsZero() && f.State == "active",
			})
		}
		out = append(out, row)
	}
	return out
}

func accountSummary(a api.Account, paused bool, now time.Time) (string, bool) {
	last := ""
	if !a.LastSync.IsZero() {
		last = ", last sync " + When(a.LastSync, now)
	}
	if paused && a.State != "local" {
		return "paused" + last, false
	}
	switch a.State {
	case "waiting":
		return "up to date" + last, false
	case "syncing":
		return "syncing…", false
	case "connecting":
		return "connecting…", false
	case "local":
		return "on this computer only", false
	case "offline":
		s := "server unreachable"
		if wait := a.NextRetry.Sub(now).Round(time.Second); wait > 0 {
			s += fmt.Sprintf(", retrying in %s", wait)
		} else {
			s += ", retrying now"
		}
		return s + last, true
	case "auth-failed":
		return "the server refused the password; set up the account again", true
	case "error":
		return "error: " + oneLine(a.Error), true
	case "stopped":
		return "stopped", false
	}
	return a.State, false
}

func folderState(f api.Folder) string {
	switch f.State {
	case "skipped":
		return "not synced"
	case "paused":
		return "paused"
	case "error":
		return "error: " + oneLine(f.Error)
	case "attention":
		if f.Error != "" {
			return "needs attention: " + oneLine(f.Error)
		}
		return "needs attention"
	}
	var parts []string
	if f.Pending > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting to send", f.Pending))
	}
	if f.Conflicts > 0 {
		parts = append(parts, fmt.Sprintf("%d conflicts", f.Conflicts))
	}
	if len(parts) == 0 {
		if f.LastSync.IsZero() {
			return "not synced yet"
		}
		return "up to date"
	}
	return strings.Join(parts, ", ")
}

// When says when t was, relative to now, as the windows show it: the
// clock time today, else the date.
func When(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	t, now = t.Local(), now.Local()
	if d := now.Sub(t); d >= 0 && d < time.Minute {
		return "just now"
	}
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return t.Format("15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// oneLine keeps the first line of a message, bounded, since server
// messages can be long.
func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	const max = 160
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}

// Recent keeps the newest events worth showing in the activity window:
// changes, conflicts and problems, not the status pings between them.
// The zero value keeps nothing; use NewRecent.
type Recent struct {
	max    int
	events []api.Event // oldest first
}

// NewRecent returns a list that keeps at most max events.
func NewRecent(max int) *Recent { return &Recent{max: max} }

// Shown reports whether ev is an event the list keeps.
func Shown(ev api.Event) bool {
	switch ev.Type {
	case "change", "conflict", "auth-failed", "mass-delete", "error", "device":
		return true
	}
	return false
}

// Add keeps ev if it is Shown, dropping the oldest event beyond max, and
// reports whether it was kept.
func (r *Recent) Add(ev api.Event) bool {
	if !Shown(ev) || r.max <= 0 {
		return false
	}
	r.events = append(r.events, ev)
	if over := len(r.events) - r.max; over > 0 {
		r.events = append(r.events[:0], r.events[over:]...)
	}
	return true
}

// Newest returns the kept events, newest first.
func (r *Recent) Newest() []api.Event {
	out := make([]api.Event, len(r.events))
	for i, ev := range r.events {
		out[len(out)-1-i] = ev
	}
	return out
}

// Describe says what ev was in one line: which item, which side, what
// happened.
func Describe(ev api.Event) string {
	where := ev.Account
	if ev.Folder != "" {
		where += " / " + ev.Folder
	}
	item := ev.UID
	if ev.Detail != "" {
		item = oneLine(ev.Detail)
	}
	switch ev.Type {
	case "change":
		side := "changed"
		switch ev.Side {
		case "server":
			side = "from the server:"
		case "local":
			side = "from this computer:"
		}
		action := ev.Action
		if action == "" {
			action = "changed"
		}
		return strings.TrimSpace(fmt.Sprintf("%s: %s %s %s", where, side, action, item))
	case "conflict":
		return fmt.Sprintf("%s: conflict on %s; both sides changed it", where, item)
	case "auth-failed":
		return where + ": the server refused the password"
	case "mass-delete":
		return fmt.Sprintf("%s: many deletions held back for you to confirm (%s)", where, item)
	case "error":
		return fmt.Sprintf("%s: error: %s", where, item)
	case "device":
		return fmt.Sprintf("%s: phone %s", where, item)
	}
	return fmt.Sprintf("%s: %s %s", where, ev.Type, item)
}
