package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/bridge/api"
)

const (
	localCard  = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Alice Smith\r\nTEL;TYPE=CELL:+49 111\r\nEND:VCARD\r\n"
	serverCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Alice Smith\r\nTEL;TYPE=CELL:+49 222\r\nEND:VCARD\r\n"
)

func conflictDaemon() *fakeDaemon {
	return &fakeDaemon{conflicts: []api.Conflict{
		{ID: 7, Account: "work", Folder: "Contacts", Kind: "contacts", UID: "u1", Local: localCard, Server: serverCard, Created: now},
		{ID: 8, Account: "work", Folder: "Contacts", Kind: "contacts", UID: "u2", Local: localCard, Server: localCard, Created: now},
	}}
}

// rows reads the side-by-side grid back as [field, local, server] rows
// with a "!" before fields marked as differing.
func rows(w *Conflicts) [][3]string {
	var out [][3]string
	objs := w.fields.Objects
	for i := 3; i+2 < len(objs); i += 3 {
		l := objs[i].(*widget.Label)
		name := l.Text
		if objs[i+1].(*widget.Label).Importance == widget.WarningImportance {
			name = "!" + name
		}
		out = append(out, [3]string{name, objs[i+1].(*widget.Label).Text, objs[i+2].(*widget.Label).Text})
	}
	return out
}

func TestConflictsSideBySide(t *testing.T) {
	d := conflictDaemon()
	w := NewConflicts(test.NewTempApp(t), Env{Daemon: d})
	cs, err := d.Conflicts(t.Context())
	w.show(cs, err)
	if w.list.Length() != 2 {
		t.Fatalf("list has %d conflicts; want 2", w.list.Length())
	}
	if !w.keepLocal.Disabled() {
		t.Error("keep buttons enabled before a conflict is chosen")
	}
	w.list.Select(0)
	want := [][3]string{{"UID", "u1", "u1"}, {"Name", "Alice Smith", "Alice Smith"}, {"!Phone (cell)", "+49 111", "+49 222"}}
	if got := rows(w); !slices.Equal(got, want) {
		t.Errorf("fields %q; want %q", got, want)
	}
	if !strings.Contains(w.heading.Text, "u1 in work / Contacts changed on both sides") {
		t.Errorf("heading %q", w.heading.Text)
	}
	if w.keepLocal.Disabled() {
		t.Error("keep buttons disabled with a conflict chosen")
	}
}

func TestConflictsChoices(t *testing.T) {
	for _, tt := range []struct {
		button func(*Conflicts) *widget.Button
		keep   api.Keep
	}{
		{func(w *Conflicts) *widget.Button { return w.keepLocal }, api.KeepLocal},
		{func(w *Conflicts) *widget.Button { return w.keepServer }, api.KeepServer},
		{func(w *Conflicts) *widget.Button { return w.keepBoth }, api.KeepBoth},
	} {
		t.Run(string(tt.keep), func(t *testing.T) {
			d := conflictDaemon()
			w := NewConflicts(test.NewTempApp(t), Env{Daemon: d})
			cs, _ := d.Conflicts(t.Context())
			w.show(cs, nil)
			w.list.Select(1)
			test.Tap(tt.button(w))
			calls := d.Calls()
			if last := calls[len(calls)-1]; last != "ResolveConflict 8 "+string(tt.keep) {
				t.Errorf("last call %q; want ResolveConflict 8 %s", last, tt.keep)
			}
			if w.list.Length() != 1 || w.items[0].ID != 7 {
				t.Errorf("after resolving, list is %+v; want only conflict 7", w.items)
			}
			if !w.keepBoth.Disabled() {
				t.Error("buttons still enabled with nothing chosen")
			}
		})
	}
}

func TestConflictsEmptyAndUnreachable(t *testing.T) {
	w := NewConflicts(test.NewTempApp(t), Env{Daemon: &fakeDaemon{}})
	w.show(nil, nil)
	if !strings.HasPrefix(w.notice.Text, "No conflicts") {
		t.Errorf("empty: %q", w.notice.Text)
	}
	w.show(nil, errFake)
	if !strings.Contains(w.notice.Text, "Cradle is not running") {
		t.Errorf("unreachable: %q", w.notice.Text)
	}
}

func TestConflictsUnreadableVersion(t *testing.T) {
	d := &fakeDaemon{conflicts: []api.Conflict{{ID: 1, Kind: "calendar", Local: "garbage", Server: "garbage"}}}
	w := NewConflicts(test.NewTempApp(t), Env{Daemon: d})
	cs, _ := d.Conflicts(t.Context())
	w.show(cs, nil)
	w.list.Select(0)
	if !strings.Contains(w.notice.Text, "Cannot show the versions") {
		t.Errorf("notice %q", w.notice.Text)
	}
	// The user can still settle it without seeing the fields.
	if w.keepServer.Disabled() {
		t.Error("keep buttons disabled for an unreadable version")
	}
}
