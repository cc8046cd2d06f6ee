package tray

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/assets"
)

var berlin = time.FixedZone("CET", 3600)

// now is a fixed moment for phrasing times: 2 March 2026, 15:30 local.
var now = time.Date(2026, 3, 2, 15, 30, 0, 0, berlin)

func TestRender(t *testing.T) {
	tests := []struct {
		name      string
		s         Snapshot
		icon      string
		title     string
		status    string
		pause     string
		conflicts item
		sync      bool
		tipHas    []string
		tipLacks  []string
	}{
		{
			name: "starting", s: Snapshot{},
			icon: assets.Offline, title: "Cradle: Starting…", status: "Starting… · last sync never",
			pause: "Pause syncing", conflicts: item{"Conflicts (0)…", false}, sync: true,
			tipHas: []string{"Last sync never"}, tipLacks: []string{"waiting"},
		},
		{
			name: "up to date", s: Snapshot{State: UpToDate, LastSync: now.Add(-time.Hour)},
			icon: assets.UpToDate, title: "Cradle: Up to date", status: "Up to date · last sync 14:30",
			pause: "Pause syncing", conflicts: item{"Conflicts (0)…", false}, sync: true,
			tipHas: []string{"Up to date\nLast sync 14:30"},
		},
		{
			name: "syncing with waiting changes", s: Snapshot{State: Syncing, Waiting: 3, LastSync: now},
			icon: assets.Syncing, title: "Cradle: Syncing…", status: "Syncing… · last sync 15:30",
			pause: "Pause syncing", conflicts: item{"Conflicts (0)…", false}, sync: true,
			tipHas: []string{"3 changes waiting to be sent"},
		},
		{
			name: "offline with detail", s: Snapshot{State: Offline, Waiting: 1, Detail: "server unreachable,\nretrying in 2 min"},
			icon: assets.Offline, title: "Cradle: Offline, retrying", status: "Offline, retrying · last sync never",
			pause: "Pause syncing", conflicts: item{"Conflicts (0)…", false}, sync: true,
			tipHas: []string{"1 change waiting to be sent", "server unreachable, retrying in 2 min"},
		},
		{
			name: "conflicts", s: Snapshot{State: Attention, Conflicts: 2},
			icon: assets.Attention, title: "Cradle: 2 conflicts", status: "2 conflicts · last sync never",
			pause: "Pause syncing", conflicts: item{"Conflicts (2)…", true}, sync: true,
			tipHas: []string{"2 conflicts to resolve"},
		},
		{
			name: "sign-in failure outranks conflicts", s: Snapshot{State: Attention, Conflicts: 1, AuthFailed: true},
			icon: assets.Attention, title: "Cradle: Sign-in failed", status: "Sign-in failed · last sync never",
			pause: "Pause syncing", conflicts: item{"Conflicts (1)…", true}, sync: true,
			tipHas: []string{"1 conflict to resolve"}, tipLacks: []string{"Sign-in failed\nLast sync never\n1 conflict to resolve\nSign-in failed"},
		},
		{
			name: "mass-delete guard", s: Snapshot{State: Attention, HeldDeletes: 40},
			icon: assets.Attention, title: "Cradle: Deletions held back", status: "Deletions held back · last sync never",
			pause: "Pause syncing", conflicts: item{"Conflicts (0)…", false}, sync: true,
			tipHas: []string{"40 deletions held back for you to confirm"},
		},
		{
			name: "paused", s: Snapshot{State: Paused, Waiting: 2},
			icon: assets.Paused, title: "Cradle: Paused", status: "Paused · last sync never",
			pause: "Resume syncing", conflicts: item{"Conflicts (0)…", false}, sync: false,
			tipHas: []string{"2 changes waiting"},
		},
		{
			name: "paused while a sign-in failure is pending", s: Snapshot{State: Paused, AuthFailed: true},
			icon: assets.Paused, title: "Cradle: Paused", status: "Paused · last sync never",
			pause: "Resume syncing", conflicts: item{"Conflicts (0)…", false}, sync: false,
			tipHas: []string{"Paused\nLast sync never\nSign-in failed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := render(tt.s, now)
			if v.icon != tt.icon {
				t.Errorf("icon %q, want %q", v.icon, tt.icon)
			}
			if v.title != tt.title {
				t.Errorf("title %q, want %q", v.title, tt.title)
			}
			if got := v.items[entryStatus]; got != (item{tt.status, false}) {
				t.Errorf("status line %+v, want %q disabled", got, tt.status)
			}
			if got := v.items[entryPause]; got != (item{tt.pause, true}) {
				t.Errorf("pause entry %+v, want %q enabled", got, tt.pause)
			}
			if got := v.items[entryConflicts]; got != tt.conflicts {
				t.Errorf("conflicts entry %+v, want %+v", got, tt.conflicts)
			}
			if got := v.items[entrySync].enabled; got != tt.sync {
				t.Errorf("Sync now enabled = %v, want %v", got, tt.sync)
			}
			for _, s := range tt.tipHas {
				if !strings.Contains(v.tooltip, s) {
					t.Errorf("tooltip %q lacks %q", v.tooltip, s)
				}
			}
			for _, s := range tt.tipLacks {
				if strings.Contains(v.tooltip, s) {
					t.Errorf("tooltip %q has %q", v.tooltip, s)
				}
			}
		})
	}
}

func TestRenderLabelsEveryEntry(t *testing.T) {
	v := render(Snapshot{State: UpToDate}, now)
	seen := map[string]entry{}
	for _, e := range menuOrder {
		if e == separator {
			continue
		}
		l := v.items[e].label
		if l == "" {
			t.Errorf("entry %d has no label", e)
		}
		if strings.Contains(l, "_") {
			t.Errorf("label %q has an underscore, which dbusmenu reads as a mnemonic", l)
		}
		if other, dup := seen[l]; dup {
			t.Errorf("entries %d and %d share the label %q", other, e, l)
		}
		seen[l] = e
	}
	if len(seen) != int(numEntries) {
		t.Errorf("menu shows %d entries, want all %d", len(seen), numEntries)
	}
}

func TestLastSync(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		t, now time.Time
		want   string
	}{
		{time.Time{}, now, "never"},
		{now.Add(-time.Minute), now, "15:29"},
		{utc("2026-03-01T23:30:00Z"), now, "00:30"},                             // yesterday in UTC, today in Berlin
		{utc("2026-03-01T12:00:00Z"), now, "yesterday 13:00"},                   // local time, not UTC
		{utc("2026-02-28T12:00:00Z"), now, "28 Feb 13:00"},                      // across a month end
		{utc("2026-02-28T12:00:00Z"), now.AddDate(0, 0, -1), "yesterday 13:00"}, // 1 March: yesterday is 28 Feb
		{utc("2025-12-31T22:00:00Z"), now, "31 Dec 2025"},
	}
	for _, tt := range tests {
		if got := lastSync(tt.t, tt.now); got != tt.want {
			t.Errorf("lastSync(%v, %v) = %q, want %q", tt.t, tt.now, got, tt.want)
		}
	}
}

func TestCleanDetail(t *testing.T) {
	long := strings.Repeat("é", maxDetail+10)
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"  two\n\nlines\t\x00here  ", "two lines here"},
		{"bell\x07ring", "bell ring"},
		{long, strings.Repeat("é", maxDetail) + "…"},
		{strings.Repeat("é", maxDetail), strings.Repeat("é", maxDetail)},
	}
	for _, tt := range tests {
		if got := cleanDetail(tt.in); got != tt.want {
			t.Errorf("cleanDetail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestActionFor(t *testing.T) {
	seen := map[Action]entry{}
	for e := range numEntries {
		a, ok := actionFor(e, Snapshot{State: UpToDate})
		if e == entryStatus {
			if ok {
				t.Errorf("status line triggers %v", a)
			}
			continue
		}
		if !ok {
			t.Errorf("entry %d (%q) does nothing", e, fixedLabels[e])
			continue
		}
		if other, dup := seen[a]; dup {
			t.Errorf("entries %d and %d both ask for %v", other, e, a)
		}
		seen[a] = e
	}
	if a, _ := actionFor(entryPause, Snapshot{State: Paused}); a != Resume {
		t.Errorf("pause entry while paused asks for %v, want resume", a)
	}
	// Every action but Resume (the paused face of the pause entry) has
	// its own entry.
	for a := range actionNames {
		if _, ok := seen[a]; !ok && a != Resume {
			t.Errorf("no menu entry asks for %v", a)
		}
	}
}

func TestStrings(t *testing.T) {
	if got := Attention.String(); got != "needs attention" {
		t.Errorf("Attention = %q", got)
	}
	if got := State(99).String(); got != "State(99)" {
		t.Errorf("State(99) = %q", got)
	}
	if got := SyncNow.String(); got != "sync-now" {
		t.Errorf("SyncNow = %q", got)
	}
	if got := Action(0).String(); got != "Action(0)" {
		t.Errorf("Action(0) = %q", got)
	}
}
