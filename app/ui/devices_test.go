package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/bridge/api"
)

// buttons finds the buttons under o.
func buttons(o fyne.CanvasObject) []*widget.Button {
	var out []*widget.Button
	switch w := o.(type) {
	case *widget.Button:
		out = append(out, w)
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, buttons(c)...)
		}
	}
	return out
}

func TestDevices(t *testing.T) {
	d := &fullDaemon{devices: []api.Device{
		{Name: "Pixel 7", Driver: "adb", State: "attached", Account: "work", Contacts: "c1", Calendar: "k1", LastReconcile: now.Add(-3 * 60 * 60 * 1e9), SafeToUnplug: true},
		{Name: "Nokia", Driver: "gammu", State: "unpaired"},
	}}
	w := NewDevices(test.NewTempApp(t), Env{Daemon: d, Now: func() time.Time { return now }})
	w.bg = inline
	w.load(t.Context())
	got := strings.Join(texts(w.rows), "|")
	for _, want := range []string{
		"Pixel 7 (adb): attached", "paired with work: contacts c1, calendar k1; last brought in step 09:00", "Safe to unplug",
		"Nokia (gammu): attached, not paired", "not paired; last brought in step never",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("window lacks %q:\n%s", want, got)
		}
	}
	bs := buttons(w.rows)
	if len(bs) != 2 || bs[0].Disabled() || !bs[1].Disabled() {
		t.Fatalf("want Sync now enabled for the paired phone only; got %d buttons", len(bs))
	}
	test.Tap(bs[0])
	if c := d.Calls(); c[len(c)-1] != "SyncDevice Pixel 7" {
		t.Errorf("calls %v", c)
	}
	if w.notice.Text != "Pixel 7 is being brought in step." {
		t.Errorf("notice %q", w.notice.Text)
	}
}

func TestDevicesFromOldDaemon(t *testing.T) {
	w := NewDevices(test.NewTempApp(t), Env{Daemon: &fakeDaemon{}})
	w.bg = inline
	w.load(t.Context())
	if !strings.Contains(w.notice.Text, "does not follow phones") {
		t.Errorf("notice %q", w.notice.Text)
	}
}
