package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/push/easclient"
)

const fp = "ab12cd34"

func newSetupWindow(t *testing.T, d uimodel.Daemon, s *fakeSetup) *Setup {
	t.Helper()
	w := NewSetup(test.NewTempApp(t), Env{Daemon: d, Setup: s})
	w.bg = inline
	return w
}

var serverFolders = []uimodel.ServerFolder{
	{ID: "c1", Name: "Contacts", Kind: "contacts"},
	{ID: "k1", Name: "Calendar", Kind: "calendar"},
	{ID: "t1", Name: "Tasks", Kind: "tasks"},
}

// TestSetupFlow walks the whole setup: autodiscover, an untrusted
// certificate trusted by the user, folder choices, save, reload.
func TestSetupFlow(t *testing.T) {
	s := &fakeSetup{
		discovered: "https://mail.example.com/Microsoft-Server-ActiveSync",
		probe:      map[string]error{"": fmt.Errorf("options: %w", &easclient.CertificateError{Host: "mail.example.com", Fingerprint: fp, Err: errors.New("x509: certificate signed by unknown authority")})},
		folders:    serverFolders,
	}
	d := &fullDaemon{}
	w := newSetupWindow(t, d, s)
	test.Type(w.email, "ann@example.com")
	test.Type(w.password, "secret")
	test.Tap(w.signIn)

	if !w.trustBox.Visible() || w.fingerprint.Text != "SHA-256 fingerprint: AB:12:CD:34" {
		t.Fatalf("after an untrusted certificate: trust box %v, %q; notice %q", w.trustBox.Visible(), w.fingerprint.Text, w.notice.Text)
	}
	if !strings.Contains(w.notice.Text, "not trusted") {
		t.Errorf("notice %q", w.notice.Text)
	}
	if w.url.Text != s.discovered {
		t.Errorf("URL field %q; want the discovered URL", w.url.Text)
	}
	test.Tap(w.trustBox.Objects[1].(*widget.Button))
	if n := len(s.probed); n != 2 || s.probed[1].PinnedCert != fp {
		t.Fatalf("probes %+v; want a second one pinned to %s", s.probed, fp)
	}

	// Folders page: contacts into a single file, tasks skipped.
	if len(w.placements) != 3 {
		t.Fatalf("%d folder rows; want 3", len(w.placements))
	}
	if !w.paths[0].Disabled() {
		t.Error("path entry enabled for the default folder")
	}
	w.placements[0].SetSelected(uimodel.Placements[uimodel.SingleFile])
	if w.paths[0].Disabled() {
		t.Error("path entry disabled for a single file")
	}
	w.paths[0].SetText("/home/ann/contacts.vcf")
	w.placements[2].SetSelected(uimodel.Placements[uimodel.Skip])
	w.window.SetSelected(uimodel.CalendarWindows[2][0])
	test.Tap(w.save)

	if len(s.saved) != 1 {
		t.Fatalf("saved %d accounts; message %q", len(s.saved), w.saved.Text)
	}
	want := config.Account{Name: "example.com", Email: "ann@example.com", URL: s.discovered, User: "ann@example.com",
		CalendarWindow: "1m", PinnedCert: fp, Folders: []config.Folder{
			{ID: "c1", Path: "/home/ann/contacts.vcf", Store: "file"}, {ID: "t1", Skip: true}}}
	got := s.saved[0]
	if fmt.Sprint(got) != fmt.Sprint(want) || s.savedPW != "secret" {
		t.Errorf("saved %+v (password %q)\nwant  %+v", got, s.savedPW, want)
	}
	if c := d.Calls(); len(c) != 1 || c[0] != "Reload" {
		t.Errorf("daemon calls %v; want Reload", c)
	}
	if !strings.Contains(w.saved.Text, "syncing it now") {
		t.Errorf("saved message %q", w.saved.Text)
	}
}

func TestSetupProblems(t *testing.T) {
	tests := []struct {
		name        string
		setup       *fakeSetup
		email, url  string
		want        string
		openServer  bool
		trustOffers bool
	}{
		{name: "wrong password", setup: &fakeSetup{discovered: "https://x/eas", probe: map[string]error{"": &easclient.AuthError{Command: "FolderSync"}}},
			email: "a@b.c", want: "The server rejected the user name or password."},
		{name: "autodiscover fails", setup: &fakeSetup{discoverErr: errors.New("autodiscover for a@b.c: no server answered")},
			email: "a@b.c", want: "could not find your server", openServer: true},
		{name: "missing password", setup: &fakeSetup{}, email: "", want: "Enter your e-mail address."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSetupWindow(t, &fakeDaemon{}, tt.setup)
			w.email.SetText(tt.email)
			w.password.SetText("pw")
			test.Tap(w.signIn)
			if !strings.Contains(w.notice.Text, tt.want) {
				t.Errorf("notice %q; want %q", w.notice.Text, tt.want)
			}
			if w.server.Open != tt.openServer {
				t.Errorf("server settings open = %v; want %v", w.server.Open, tt.openServer)
			}
			if w.trustBox.Visible() {
				t.Error("trust offered without a certificate problem")
			}
			if w.signIn.Disabled() {
				t.Error("sign in stays disabled after a failure")
			}
		})
	}
}

func TestSetupSaveWithoutReload(t *testing.T) {
	for _, tt := range []struct {
		name string
		d    uimodel.Daemon
		want string
	}{
		{"old daemon", &fakeDaemon{}, "Restart Cradle"},
		{"not running", &fullDaemon{reloadErr: fmt.Errorf("post: %w", client.ErrNotRunning)}, "Start Cradle to sync it."},
		{"unsupported", &fullDaemon{reloadErr: &client.Error{StatusCode: 404, Message: "no such endpoint"}}, "Restart Cradle"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &fakeSetup{folders: serverFolders}
			w := newSetupWindow(t, tt.d, s)
			w.email.SetText("a@b.c")
			w.url.SetText("https://mail.b.c/Microsoft-Server-ActiveSync")
			w.password.SetText("pw")
			test.Tap(w.signIn)
			test.Tap(w.save)
			if len(s.saved) != 1 || !strings.Contains(w.saved.Text, tt.want) {
				t.Errorf("saved %d; message %q; want %q", len(s.saved), w.saved.Text, tt.want)
			}
		})
	}
}

func TestSetupRejectsBadFolderPath(t *testing.T) {
	s := &fakeSetup{discovered: "https://x/eas", folders: serverFolders}
	w := newSetupWindow(t, &fakeDaemon{}, s)
	w.email.SetText("a@b.c")
	w.password.SetText("pw")
	test.Tap(w.signIn)
	w.placements[1].SetSelected(uimodel.Placements[uimodel.SingleFile])
	w.paths[1].SetText("/home/a/cal.vcf")
	test.Tap(w.save)
	if len(s.saved) != 0 || !strings.Contains(w.saved.Text, "must end in .ics") {
		t.Errorf("saved %d; message %q", len(s.saved), w.saved.Text)
	}
}

// A certificate problem met during autodiscover cannot be solved by a
// pin (it applies to the ActiveSync URL); the window asks for the URL.
func TestSetupUntrustedAutodiscover(t *testing.T) {
	s := &fakeSetup{discoverErr: fmt.Errorf("autodiscover for a@b.c: %w",
		&easclient.CertificateError{Host: "autodiscover.b.c", Fingerprint: fp, Err: errors.New("expired")})}
	w := newSetupWindow(t, &fakeDaemon{}, s)
	w.email.SetText("a@b.c")
	w.password.SetText("pw")
	test.Tap(w.signIn)
	if w.trustBox.Visible() || !w.server.Open || !strings.Contains(w.notice.Text, "Enter the server's ActiveSync URL") {
		t.Errorf("trust offered %v, server settings open %v, notice %q", w.trustBox.Visible(), w.server.Open, w.notice.Text)
	}
}
