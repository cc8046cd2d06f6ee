package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/bridge/api"
)

var now = time.Date(2026, 3, 4, 12, 0, 0, 0, time.Local)

// texts lists the text of every label and the kind of every progress bar
// under o, in order, so a test can assert what the window shows.
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			if w.Visible() {
				out = append(out, w.Text)
			}
		case *widget.ProgressBarInfinite:
			out = append(out, "[progress]")
		case *fyne.Container:
			if w.Visible() {
				for _, c := range w.Objects {
					walk(c)
				}
			}
		}
	}
	walk(o)
	return out
}

func TestActivityShowsEachState(t *testing.T) {
	tests := []struct {
		name string
		st   api.Status
		want []string
	}{
		{
			name: "up to date",
			st: api.Status{Accounts: []api.Account{{Name: "work", State: "waiting", LastSync: now.Add(-time.Hour),
				Folders: []api.Folder{{Name: "Contacts", Kind: "contacts", State: "active", Items: 12, LastSync: now.Add(-time.Hour)}}}}},
			want: []string{"work: up to date, last sync 11:00", "    Contacts (contacts): 12 items, up to date, last sync 11:00"},
		},
		{
			name: "initial sync shows progress",
			st: api.Status{Accounts: []api.Account{{Name: "work", State: "syncing",
				Folders: []api.Folder{{Name: "Calendar", Kind: "calendar", State: "active", Items: 40}}}}},
			// A border container lists its centre (the bar) first.
			want: []string{"work: syncing…", "[progress]", "    Calendar (calendar): 40 items, not synced yet"},
		},
		{
			name: "offline",
			st: api.Status{Accounts: []api.Account{{Name: "work", State: "offline", NextRetry: now.Add(time.Minute),
				Folders: []api.Folder{{Name: "Tasks", Kind: "tasks", State: "active", Pending: 2, LastSync: now.Add(-2 * time.Minute)}}}}},
			want: []string{"work: server unreachable, retrying in 1m0s", "    Tasks (tasks): 0 items, 2 waiting to send, last sync 11:58"},
		},
		{
			name: "no accounts",
			st:   api.Status{},
			want: []string{"No accounts yet: use Accounts and settings… in the tray, or cradle ui setup."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			w := NewActivity(a, Env{Daemon: &fakeDaemon{}, Now: func() time.Time { return now }})
			w.showStatus(tt.st)
			got := texts(w.states)
			if len(got) != len(tt.want) {
				t.Fatalf("shows %q; want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("line %d = %q; want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestActivityProblemIsHighlighted(t *testing.T) {
	a := test.NewTempApp(t)
	w := NewActivity(a, Env{Daemon: &fakeDaemon{}, Now: func() time.Time { return now }})
	w.showStatus(api.Status{Accounts: []api.Account{{Name: "work", State: "auth-failed"}, {Name: "home", State: "waiting"}}})
	work, home := w.states.Objects[0].(*widget.Label), w.states.Objects[1].(*widget.Label)
	if work.Importance != widget.DangerImportance || home.Importance == widget.DangerImportance {
		t.Errorf("importance work %v, home %v; want only work marked", work.Importance, home.Importance)
	}
}

func TestActivityRecentChanges(t *testing.T) {
	a := test.NewTempApp(t)
	w := NewActivity(a, Env{Daemon: &fakeDaemon{}, Now: func() time.Time { return now }})
	hist := []api.Event{
		{Time: now.Add(-2 * time.Hour), Type: "change", Account: "work", Folder: "Contacts", Side: "server", Action: "add", Detail: "Alice"},
		{Time: now.Add(-time.Hour), Type: "status", Account: "work"},
	}
	w.showHistory(hist, nil)
	w.add(api.Event{Time: now.Add(-time.Minute), Type: "change", Account: "work", Folder: "Calendar", Side: "local", Action: "update", Detail: "Standup"})
	if w.list.Length() != 2 {
		t.Fatalf("list has %d rows; want 2 (status events are not changes)", w.list.Length())
	}
	row := w.list.CreateItem()
	w.list.UpdateItem(0, row)
	if got := row.(*widget.Label).Text; got != "11:59  work / Calendar: from this computer: update Standup" {
		t.Errorf("newest row = %q", got)
	}
	w.list.UpdateItem(1, row)
	if got := row.(*widget.Label).Text; got != "10:00  work / Contacts: from the server: add Alice" {
		t.Errorf("oldest row = %q", got)
	}
}

func TestActivityWithoutHistorySaysSo(t *testing.T) {
	a := test.NewTempApp(t)
	w := NewActivity(a, Env{Daemon: &fakeDaemon{}})
	_, err := w.history(t.Context())
	if !errors.Is(err, errNoHistory) {
		t.Fatalf("history from a daemon without a log: %v", err)
	}
	w.showHistory(nil, err)
	if !w.notice.Visible() || !strings.Contains(w.notice.Text, "keeps no history") {
		t.Errorf("notice %q visible %v", w.notice.Text, w.notice.Visible())
	}
	// A status update keeps the notice: it is still true.
	w.showStatus(api.Status{})
	if !w.notice.Visible() {
		t.Error("the no-history notice went away on a status update")
	}
}

func TestActivityHistoryFromDaemon(t *testing.T) {
	d := &fullDaemon{history: []api.Event{{Type: "conflict", Account: "work", Folder: "Contacts", UID: "u1"}}}
	w := NewActivity(test.NewTempApp(t), Env{Daemon: d})
	evs, err := w.history(t.Context())
	if err != nil || len(evs) != 1 {
		t.Fatalf("history = %v, %v", evs, err)
	}
	if c := d.Calls(); len(c) != 1 || c[0] != "Activity 200" {
		t.Errorf("calls %v", c)
	}
}

func TestActivitySyncNow(t *testing.T) {
	d := &fakeDaemon{}
	w := NewActivity(test.NewTempApp(t), Env{Daemon: d})
	w.bg = inline
	test.Tap(w.sync)
	if c := d.Calls(); len(c) != 1 || c[0] != `SyncNow ""` {
		t.Errorf("calls %v; want SyncNow for all accounts", c)
	}
}

func TestDrainTakesWhatIsQueued(t *testing.T) {
	ch := make(chan api.Event, 4)
	ch <- api.Event{UID: "b"}
	ch <- api.Event{UID: "c"}
	got := drain(ch, api.Event{UID: "a"})
	if len(got) != 3 || got[2].UID != "c" {
		t.Errorf("drain = %+v; want a, b, c", got)
	}
	close(ch)
	if got := drain(ch, api.Event{UID: "d"}); len(got) != 1 {
		t.Errorf("drain of a closed channel = %+v; want only the first", got)
	}
}
