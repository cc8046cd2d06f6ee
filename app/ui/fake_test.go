package ui

import (
	"context"
	"fmt"
	"io/fs"
	"sync"

	"golang.org/x/oauth2"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
)

// fakeDaemon serves fixed answers and records what it was asked.
type fakeDaemon struct {
	mu        sync.Mutex
	status    api.Status
	conflicts []api.Conflict
	err       error
	calls     []string
}

func (d *fakeDaemon) record(s string, args ...any) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, fmt.Sprintf(s, args...))
	return d.err
}

func (d *fakeDaemon) Calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...)
}

func (d *fakeDaemon) Status(context.Context) (api.Status, error) {
	return d.status, d.record("Status")
}

func (d *fakeDaemon) Watch(ctx context.Context) (<-chan api.Event, error) {
	if err := d.record("Watch"); err != nil {
		return nil, err
	}
	ch := make(chan api.Event)
	go func() { <-ctx.Done(); close(ch) }()
	return ch, nil
}

func (d *fakeDaemon) SyncNow(_ context.Context, account string) error {
	return d.record("SyncNow %q", account)
}

func (d *fakeDaemon) Conflicts(context.Context) ([]api.Conflict, error) {
	var list []api.Conflict
	for _, c := range d.conflicts {
		c.Local, c.Server = "", "" // the list omits the bodies, as the daemon may
		list = append(list, c)
	}
	return list, d.record("Conflicts")
}

func (d *fakeDaemon) Conflict(_ context.Context, id int64) (api.Conflict, error) {
	if err := d.record("Conflict %d", id); err != nil {
		return api.Conflict{}, err
	}
	for _, c := range d.conflicts {
		if c.ID == id {
			return c, nil
		}
	}
	return api.Conflict{}, fs.ErrNotExist
}

func (d *fakeDaemon) ResolveConflict(_ context.Context, id int64, keep api.Keep) error {
	return d.record("ResolveConflict %d %s", id, keep)
}

// fullDaemon also keeps history, follows devices and reloads.
type fullDaemon struct {
	fakeDaemon
	history   []api.Event
	devices   []api.Device
	reloadErr error
}

func (d *fullDaemon) Activity(_ context.Context, limit int) ([]api.Event, error) {
	return d.history, d.record("Activity %d", limit)
}

func (d *fullDaemon) Devices(context.Context) ([]api.Device, error) {
	return d.devices, d.record("Devices")
}

func (d *fullDaemon) SyncDevice(_ context.Context, name string) error {
	return d.record("SyncDevice %s", name)
}

func (d *fullDaemon) Reload(context.Context) error {
	if err := d.record("Reload"); err != nil {
		return err
	}
	return d.reloadErr
}

var (
	_ uimodel.ActivityLog = (*fullDaemon)(nil)
	_ uimodel.Devices     = (*fullDaemon)(nil)
	_ uimodel.Reloader    = (*fullDaemon)(nil)
)

// fakeSetup answers sign-ins from a table and records saves.
type fakeSetup struct {
	discovered  string
	discoverErr error
	// probe answers by pinned certificate ("" for none).
	probe map[string]error
	// folders is what a successful probe lists.
	folders []uimodel.ServerFolder
	probed  []config.Account
	saved   []config.Account
	savedPW string
	m365    *fakeM365
}

func (s *fakeSetup) Discover(_ context.Context, email, _ string) (string, error) {
	return s.discovered, s.discoverErr
}

func (s *fakeSetup) Probe(_ context.Context, acc config.Account, _ string) ([]uimodel.ServerFolder, error) {
	s.probed = append(s.probed, acc)
	if err := s.probe[acc.PinnedCert]; err != nil {
		return nil, err
	}
	return s.folders, nil
}

func (s *fakeSetup) Save(acc config.Account, pw string) error {
	s.saved = append(s.saved, acc)
	s.savedPW = pw
	return nil
}

// inline runs background work at once, so a tap's effect is visible when
// test.Tap returns.
func inline(work func() func()) { work()() }

var errFake = fmt.Errorf("dial unix /run/cradle/control.sock: connect: no such file or directory")

// fakeM365 answers Microsoft 365 sign-ins: it prompts with code, then
// waits for release (if set) or ctx, then answers err or folders.
type fakeM365 struct {
	code, verify string
	err          error
	release      chan struct{}
	// waiting, if set, is closed once the prompt has been shown.
	waiting  chan struct{}
	signedIn []config.Account
	savedTok *oauth2.Token
}

func (s *fakeSetup) SignInM365(ctx context.Context, acc config.Account, prompt func(code, verifyURL string)) (config.Account, *oauth2.Token, []uimodel.ServerFolder, error) {
	m := s.m365
	m.signedIn = append(m.signedIn, acc)
	acc.ClientID = "from-env"
	prompt(m.code, m.verify)
	if m.waiting != nil {
		close(m.waiting)
	}
	if m.release != nil {
		select {
		case <-m.release:
		case <-ctx.Done():
			return acc, nil, nil, fmt.Errorf("device code login: wait for sign-in: %w", ctx.Err())
		}
	}
	if m.err != nil {
		return acc, nil, nil, m.err
	}
	return acc, &oauth2.Token{AccessToken: "access-1", RefreshToken: "refresh-1"}, s.folders, nil
}

func (s *fakeSetup) SaveM365(acc config.Account, tok *oauth2.Token) error {
	s.saved = append(s.saved, acc)
	s.m365.savedTok = tok
	return nil
}
