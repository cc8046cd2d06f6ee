package uimodel

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
)

func TestRows(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.Local)
	synced := now.Add(-10 * time.Minute)
	tests := []struct {
		name        string
		st          api.Status
		summary     string
		problem     bool
		folderState string
		initial     bool
	}{
		{
			name:    "up to date",
			st:      api.Status{Accounts: []api.Account{{Name: "work", State: "waiting", LastSync: synced, Folders: []api.Folder{{Name: "Contacts", Kind: "contacts", State: "active", Items: 3, LastSync: synced}}}}},
			summary: "up to date, last sync 11:50", folderState: "up to date",
		},
		{
			name:    "initial sync",
			st:      api.Status{Accounts: []api.Account{{Name: "work", State: "syncing", Folders: []api.Folder{{Name: "Contacts", Kind: "contacts", State: "active"}}}}},
			summary: "syncing…", folderState: "not synced yet", initial: true,
		},
		{
			name:    "syncing again is not initial",
			st:      api.Status{Accounts: []api.Account{{Name: "work", State: "syncing", Folders: []api.Folder{{Name: "Contacts", State: "active", LastSync: synced}}}}},
			summary: "syncing…", folderState: "up to date",
		},
		{
			name:    "offline with retry",
			st:      api.Status{Accounts: []api.Account{{Name: "work", State: "offline", NextRetry: now.Add(90 * time.Second), Folders: []api.Folder{{Name: "Cal", State: "active", Pending: 2, LastSync: synced}}}}},
			summary: "server unreachable, retrying in 1m30s", problem: true, folderState: "2 waiting to send",
		},
		{
			name:    "auth failed",
			st:      api.Status{Accounts: []api.Account{{Name: "work", State: "auth-failed", Folders: []api.Folder{{Name: "Cal", State: "attention", Error: "120 deletions held back\nsecond line"}}}}},
			summary: "the server refused the password; set up the account again", problem: true, folderState: "needs attention: 120 deletions held back",
		},
		{
			name:    "paused",
			st:      api.Status{Paused: true, Accounts: []api.Account{{Name: "work", State: "waiting", Folders: []api.Folder{{Name: "Cal", State: "skipped"}}}}},
			summary: "paused", folderState: "not synced",
		},
		{
			name:    "conflicts",
			st:      api.Status{Accounts: []api.Account{{Name: "work", State: "error", Error: "boom", Folders: []api.Folder{{Name: "Cal", State: "active", Conflicts: 1, Pending: 1, LastSync: synced}}}}},
			summary: "error: boom", problem: true, folderState: "1 waiting to send, 1 conflicts",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := Rows(tt.st, now)
			if len(rows) != 1 || len(rows[0].Folders) != 1 {
				t.Fatalf("rows = %+v", rows)
			}
			r := rows[0]
			if r.Summary != tt.summary || r.Problem != tt.problem {
				t.Errorf("summary = %q, problem %v; want %q, %v", r.Summary, r.Problem, tt.summary, tt.problem)
			}
			f := r.Folders[0]
			if f.State != tt.folderState || f.InitialSync != tt.initial {
				t.Errorf("folder state = %q, initial %v; want %q, %v", f.State, f.InitialSync, tt.folderState, tt.initial)
			}
		})
	}
}

func TestWhen(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.Local)
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now.Add(-20 * time.Second), "just now"},
		{now.Add(-2 * time.Hour), "10:00"},
		{now.Add(-13 * time.Hour), "3 Mar 2026 23:00"},
	} {
		if got := When(tt.t, now); got != tt.want {
			t.Errorf("When(%v) = %q; want %q", tt.t, got, tt.want)
		}
	}
}

func TestRecentKeepsNewestShownEvents(t *testing.T) {
	r := NewRecent(3)
	base := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		r.Add(api.Event{Type: "change", UID: string(rune('a' + i)), Time: base.Add(time.Duration(i) * time.Minute)})
	}
	if r.Add(api.Event{Type: "status"}) {
		t.Error("a status event was kept")
	}
	got := r.Newest()
	var uids []string
	for _, ev := range got {
		uids = append(uids, ev.UID)
	}
	if strings.Join(uids, "") != "edc" {
		t.Errorf("kept %v; want e, d, c", uids)
	}
}

func TestDescribe(t *testing.T) {
	for _, tt := range []struct {
		ev   api.Event
		want string
	}{
		{api.Event{Type: "change", Account: "work", Folder: "Contacts", Side: "server", Action: "add", UID: "u1"}, "work / Contacts: from the server: add u1"},
		{api.Event{Type: "change", Account: "work", Folder: "Contacts", Side: "local", Action: "delete", Detail: "Alice Smith"}, "work / Contacts: from this computer: delete Alice Smith"},
		{api.Event{Type: "conflict", Account: "work", Folder: "Cal", UID: "ev1"}, "work / Cal: conflict on ev1; both sides changed it"},
		{api.Event{Type: "auth-failed", Account: "work"}, "work: the server refused the password"},
	} {
		if got := Describe(tt.ev); got != tt.want {
			t.Errorf("Describe(%+v) = %q; want %q", tt.ev, got, tt.want)
		}
	}
}
