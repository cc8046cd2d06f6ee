package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/api"
)

// pairStatus has a server account with two contacts folders and one
// calendar and tasks folder each, and "This computer".
var pairStatus = api.Status{Accounts: []api.Account{
	{Name: "work", Folders: []api.Folder{
		{ID: "c1", Name: "Contacts", Kind: "contacts", LocalPath: "/d/work/c1"},
		{ID: "c2", Name: "Friends", Kind: "contacts", LocalPath: "/d/work/c2"},
		{ID: "k1", Name: "Calendar", Kind: "calendar", LocalPath: "/d/work/k1"},
		{ID: "t1", Name: "Tasks", Kind: "tasks", LocalPath: "/d/work/t1"},
	}},
	{Name: "local", Folders: []api.Folder{{ID: "contacts", Name: "This computer", Kind: "contacts", LocalPath: "/d/local/contacts"}}},
}}

// pairRecorder stands in for cli.PairDevice: it records what it is
// asked to save in the daemon's call log, so the order with Reload shows.
type pairRecorder struct {
	d     *fakeDaemon
	saved []uimodel.Pairing
}

func (r *pairRecorder) pair(_ context.Context, device string, p uimodel.Pairing) error {
	r.saved = append(r.saved, p)
	return r.d.record("Pair %s", device)
}

// pairButton returns the pairing button of the device row at i.
func pairButton(t *testing.T, w *Devices, i int) *widget.Button {
	t.Helper()
	var found []*widget.Button
	for _, b := range buttons(w.rows) {
		if strings.HasSuffix(b.Text, "…") {
			found = append(found, b)
		}
	}
	if i >= len(found) {
		t.Fatalf("%d pairing buttons; want row %d", len(found), i)
	}
	return found[i]
}

// choose selects label in s, failing when s does not offer it.
func choose(t *testing.T, s *widget.Select, label string) {
	t.Helper()
	if !slices.Contains(s.Options, label) {
		t.Fatalf("no %q among %q", label, s.Options)
	}
	s.SetSelected(label)
}

func newPairingWindow(t *testing.T, d uimodel.Daemon, pair func(context.Context, string, uimodel.Pairing) error) *Devices {
	t.Helper()
	w := NewDevices(test.NewTempApp(t), Env{Daemon: d, Pair: pair})
	w.bg = inline
	w.load(t.Context())
	return w
}

func pairDevices() []api.Device {
	return []api.Device{
		{Name: "Pixel 7", Driver: "adb", State: "attached", Account: "work", Contacts: "/d/work/c1", Calendar: "/d/work/k1"},
		{Name: "Nokia", Driver: "gammu", State: "unpaired"},
	}
}

func TestDevicesPairingForm(t *testing.T) {
	d := &fullDaemon{fakeDaemon: fakeDaemon{status: pairStatus}, devices: pairDevices()}
	rec := &pairRecorder{d: &d.fakeDaemon}
	w := newPairingWindow(t, d, rec.pair)
	if b := pairButton(t, w, 0); b.Text != "Change pairing…" {
		t.Errorf("paired phone's button %q", b.Text)
	}
	if b := pairButton(t, w, 1); b.Text != "Pair…" {
		t.Errorf("unpaired phone's button %q", b.Text)
	}

	test.Tap(pairButton(t, w, 0))
	f := w.form
	if f == nil || w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no pairing form shown")
	}
	// The form starts at the device's pairing, with the choices of its
	// account from the daemon's status.
	if !slices.Equal(f.account.Options, []string{"work", "local"}) || f.account.Selected != "work" {
		t.Errorf("accounts %q, selected %q", f.account.Options, f.account.Selected)
	}
	wantStart := []struct {
		options  []string
		selected string
	}{
		{[]string{uimodel.NotPaired, "Contacts", "Friends"}, "Contacts"},
		{[]string{uimodel.NotPaired, "Calendar"}, "Calendar"},
		{[]string{uimodel.AsItIs, uimodel.NotPaired, "Tasks"}, uimodel.AsItIs},
	}
	for i, want := range wantStart {
		if s := f.kinds[i]; !slices.Equal(s.Options, want.options) || s.Selected != want.selected {
			t.Errorf("%s: options %q selected %q; want %q, %q", uimodel.PairKinds[i], s.Options, s.Selected, want.options, want.selected)
		}
	}
	w.savePairing(f)
	if len(rec.saved) != 0 || w.notice.Text != "Nothing to change for Pixel 7." {
		t.Errorf("unchanged form saved %+v; notice %q", rec.saved, w.notice.Text)
	}

	choose(t, f.kinds[0], "Friends")
	choose(t, f.kinds[1], uimodel.NotPaired)
	choose(t, f.kinds[2], "Tasks")
	w.savePairing(f)
	want := uimodel.Pairing{Account: "work", Contacts: uimodel.PairTarget{Path: "/d/work/c2"},
		Calendar: uimodel.PairTarget{Unpair: true}, Tasks: uimodel.PairTarget{Path: "/d/work/t1"}}
	if len(rec.saved) != 1 || rec.saved[0] != want {
		t.Fatalf("saved %+v; want %+v", rec.saved, want)
	}
	calls := d.Calls()
	if i := slices.Index(calls, "Pair Pixel 7"); i < 0 || i+2 >= len(calls) || calls[i+1] != "Reload" || calls[i+2] != "Devices" {
		t.Errorf("calls %q; want Pair, then Reload, then the list again", calls)
	}
	if w.notice.Text != uimodel.PairedNotice("Pixel 7", nil) {
		t.Errorf("notice %q", w.notice.Text)
	}

	// Another account offers its own folders and nothing of the old.
	choose(t, f.account, "local")
	if s := f.kinds[0]; !slices.Equal(s.Options, []string{uimodel.AsItIs + " (/d/work/c1)", uimodel.NotPaired, "This computer"}) {
		t.Errorf("local contacts options %q", s.Options)
	}
	if s := f.kinds[1]; !slices.Equal(s.Options, []string{uimodel.AsItIs + " (/d/work/k1)", uimodel.NotPaired}) {
		t.Errorf("local calendar options %q", s.Options)
	}
	w.savePairing(f)
	if len(rec.saved) != 1 || !strings.Contains(w.notice.Text, "Choose a folder of local") {
		t.Errorf("account change alone saved %+v; notice %q", rec.saved, w.notice.Text)
	}
}

func TestDevicesPairingErrors(t *testing.T) {
	tests := []struct {
		name      string
		daemon    func() uimodel.Daemon
		pairErr   error
		wantSaved bool
		want      string
	}{
		{
			name: "daemon unreachable",
			daemon: func() uimodel.Daemon {
				return &fullDaemon{fakeDaemon: fakeDaemon{err: errFake}, devices: pairDevices()}
			},
			want: "Cradle is not running or cannot be reached",
		},
		{
			name:   "no account to pair with",
			daemon: func() uimodel.Daemon { return &fullDaemon{devices: pairDevices()} },
			want:   "No account has a contacts, calendar or tasks folder to pair Pixel 7 with.",
		},
		{
			name: "saving fails",
			daemon: func() uimodel.Daemon {
				return &fullDaemon{fakeDaemon: fakeDaemon{status: pairStatus}, devices: pairDevices()}
			},
			pairErr:   errors.New("write devices.toml: permission denied"),
			wantSaved: true,
			want:      "Pair Pixel 7: write devices.toml: permission denied.",
		},
		{
			name: "daemon cannot reload",
			daemon: func() uimodel.Daemon {
				return &fullDaemon{fakeDaemon: fakeDaemon{status: pairStatus}, devices: pairDevices(), reloadErr: client.ErrUnsupported}
			},
			wantSaved: true,
			want:      "Restart Cradle so it follows the new pairing.",
		},
		{
			name: "reload failed",
			daemon: func() uimodel.Daemon {
				return &fullDaemon{fakeDaemon: fakeDaemon{status: pairStatus}, devices: pairDevices(), reloadErr: fmt.Errorf("read config.toml: bad")}
			},
			wantSaved: true,
			want:      "did not take it up (read config.toml: bad). Restart Cradle",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.daemon()
			var saved []string
			w := newPairingWindow(t, d, func(_ context.Context, device string, _ uimodel.Pairing) error {
				saved = append(saved, device)
				return tt.pairErr
			})
			test.Tap(pairButton(t, w, 0))
			if w.form != nil {
				choose(t, w.form.kinds[1], uimodel.NotPaired)
				w.savePairing(w.form)
			}
			if (len(saved) > 0) != tt.wantSaved {
				t.Errorf("saved %v; want saved %v", saved, tt.wantSaved)
			}
			if !strings.Contains(w.notice.Text, tt.want) {
				t.Errorf("notice %q; want %q", w.notice.Text, tt.want)
			}
		})
	}
}

func TestDevicesPairingHidden(t *testing.T) {
	w := newPairingWindow(t, &fullDaemon{devices: pairDevices()}, nil)
	for _, b := range buttons(w.rows) {
		if strings.Contains(b.Text, "air") {
			t.Errorf("button %q without Env.Pair", b.Text)
		}
	}
}
