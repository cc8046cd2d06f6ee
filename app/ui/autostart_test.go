package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

type fakeAutostart struct {
	on      bool
	readErr error
	setErr  error
	sets    []bool
}

func (f *fakeAutostart) Autostart() (bool, error) { return f.on, f.readErr }

func (f *fakeAutostart) SetAutostart(on bool) error {
	f.sets = append(f.sets, on)
	if f.setErr != nil {
		return f.setErr
	}
	f.on = on
	return nil
}

// The settings window's "start at login" box shows the real setting,
// switches it, and never claims a change that failed.
func TestSetupAutostartSwitch(t *testing.T) {
	as := &fakeAutostart{on: true}
	w := NewSetup(test.NewTempApp(t), Env{Daemon: &fakeDaemon{}, Setup: &fakeSetup{}, Autostart: as})
	if w.autostart == nil || !w.autostart.Checked {
		t.Fatal("switch missing or not showing the current setting (on)")
	}
	if len(as.sets) != 0 {
		t.Fatalf("showing the setting changed it: %v", as.sets)
	}
	test.Tap(w.autostart)
	if as.on || w.autostart.Checked {
		t.Fatalf("after a tap: setting %v, box %v; want both off", as.on, w.autostart.Checked)
	}

	as.setErr = errors.New("read-only home")
	test.Tap(w.autostart)
	if as.on || w.autostart.Checked {
		t.Fatalf("a failed change shows as done: setting %v, box %v", as.on, w.autostart.Checked)
	}
	if !strings.Contains(w.notice.Text, "read-only home") {
		t.Fatalf("failure not explained: %q", w.notice.Text)
	}

	broken := &fakeAutostart{readErr: errors.New("no cradle program beside cradle-ui")}
	w = NewSetup(test.NewTempApp(t), Env{Daemon: &fakeDaemon{}, Setup: &fakeSetup{}, Autostart: broken})
	if !w.autostart.Disabled() || !strings.Contains(w.autostart.Text, "unavailable") {
		t.Fatalf("unreadable setting: box enabled=%v text %q", !w.autostart.Disabled(), w.autostart.Text)
	}
	if w := NewSetup(test.NewTempApp(t), Env{Daemon: &fakeDaemon{}, Setup: &fakeSetup{}}); w.autostart != nil {
		t.Fatal("switch shown without an Autostart")
	}
}
