package engine_test

import (
	"context"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/session"
)

// reloadRig is a running engine whose configuration a test rewrites,
// with one in-process EAS server per account name.
type reloadRig struct {
	t      *testing.T
	dirs   config.Dirs
	srv    map[string]*eastest.Server
	e      *engine.Engine
	events <-chan api.Event
}

// newReloadRig starts a server for each account name and opens an
// engine configured with the first n of them.
func newReloadRig(t *testing.T, n int, names ...string) *reloadRig {
	root := t.TempDir()
	r := &reloadRig{t: t, dirs: config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")},
		srv: map[string]*eastest.Server{}}
	secrets := &secret.File{Path: filepath.Join(r.dirs.Data, "secrets.json")}
	for _, n := range names {
		r.srv[n] = eastest.Start(t, eastest.Config{})
		if err := secrets.Set(n, "pw-"+n); err != nil {
			t.Fatal(err)
		}
	}
	r.configure(names[:n]...)
	e, err := engine.Open(context.Background(), engine.Options{Dirs: r.dirs, Secrets: secrets,
		Backoff: session.BackoffPolicy{Initial: 50 * time.Millisecond, Max: time.Second, Factor: 2}})
	if err != nil {
		t.Fatal(err)
	}
	r.e = e
	return r
}

// run runs the engine until the test ends.
func (r *reloadRig) run() {
	ctx, cancel := context.WithCancel(context.Background())
	r.events = r.e.Subscribe(ctx)
	done := make(chan error, 1)
	go func() { done <- r.e.Run(ctx) }()
	r.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			r.t.Errorf("Run: %v", err)
		}
		r.e.Close()
	})
}

// configure writes a configuration with the named accounts, in order.
// mod, if set, adjusts each account.
func (r *reloadRig) configure(names ...string) {
	r.configureWith(nil, names...)
}

func (r *reloadRig) configureWith(mod func(*config.Account), names ...string) {
	r.t.Helper()
	var cfg config.Config
	for _, n := range names {
		ac := config.Account{Name: n, URL: r.srv[n].URL, User: "user-" + n}
		if mod != nil {
			mod(&ac)
		}
		cfg.Accounts = append(cfg.Accounts, ac)
	}
	if err := config.Save(r.dirs.Config, &cfg); err != nil {
		r.t.Fatal(err)
	}
}

func (r *reloadRig) reload() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.e.Reload(ctx); err != nil {
		r.t.Fatalf("Reload: %v", err)
	}
}

// addContact puts a contact in the named account's server folder.
func (r *reloadRig) addContact(account, name string) {
	r.t.Helper()
	d, err := push.NewItemData(&struct {
		XMLName   xml.Name `xml:"AirSync: ApplicationData"`
		FileAs    string   `xml:"Contacts: FileAs"`
		FirstName string   `xml:"Contacts: FirstName"`
	}{FileAs: name, FirstName: name})
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.srv[account].AddItem("contacts", d); err != nil {
		r.t.Fatal(err)
	}
}

// contacts counts the contacts the engine holds for an account; -1
// means the account is not in the status at all.
func (r *reloadRig) contacts(account string) int {
	st, err := r.e.Status(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	for _, a := range st.Accounts {
		if a.Name != account {
			continue
		}
		for _, f := range a.Folders {
			if f.Kind == "contacts" {
				return f.Items
			}
		}
		return 0
	}
	return -1
}

// until waits for cond, checking again at every engine event.
func (r *reloadRig) until(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.After(30 * time.Second)
	// Status also changes without an event (a folder's item count is
	// recorded before the change is announced).
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-r.events:
		case <-tick.C:
		case <-deadline:
			st, _ := r.e.Status(context.Background())
			r.t.Fatalf("%s: not within 30s; status %+v", what, st)
		}
	}
}

func (r *reloadRig) waitPinging(names ...string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, n := range names {
		if err := r.srv[n].WaitHeld(ctx, 1); err != nil {
			r.t.Fatalf("account %s: %v", n, err)
		}
	}
}

func count(srv *eastest.Server, cmd string) int {
	n := 0
	for _, q := range srv.Requests() {
		if q.Command == cmd {
			n++
		}
	}
	return n
}

func accountNames(t *testing.T, e *engine.Engine) []string {
	st, err := e.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range st.Accounts {
		if a.Name != config.LocalName {
			out = append(out, a.Name)
		}
	}
	return out
}

// An account added to the configuration of a running engine starts
// syncing on Reload, and one removed stops, while the account that stays
// is never restarted and keeps receiving pushes.
func TestReloadAddsAndRemovesAccounts(t *testing.T) {
	r := newReloadRig(t, 1, "a", "b")
	r.addContact("a", "Ada")
	r.addContact("b", "Bob")
	r.run()
	r.until("account a synced", func() bool { return r.contacts("a") == 1 })
	r.waitPinging("a")
	folderSyncsA := count(r.srv["a"], "FolderSync")

	r.configure("a", "b")
	r.reload()
	r.until("added account b synced", func() bool { return r.contacts("b") == 1 })
	r.waitPinging("b")
	if got := accountNames(t, r.e); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("accounts after adding b: %v", got)
	}

	r.configure("b")
	r.reload()
	// Reload returned once a's session had stopped: its Ping is gone.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.srv["a"].WaitReleased(ctx); err != nil {
		t.Fatalf("the removed account's Ping is still held: %v", err)
	}
	requestsA := len(r.srv["a"].Requests())
	r.addContact("a", "Ann")
	r.addContact("b", "Ben")
	r.until("b keeps receiving pushes", func() bool { return r.contacts("b") == 2 })
	if got := accountNames(t, r.e); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("accounts after removing a: %v", got)
	}
	if n := len(r.srv["a"].Requests()); n != requestsA {
		t.Errorf("the removed account sent %d more requests", n-requestsA)
	}
	if n := count(r.srv["a"], "FolderSync"); n != folderSyncsA {
		t.Errorf("account a was restarted while b was added and removed: %d FolderSyncs, want %d", n, folderSyncsA)
	}
	if n := count(r.srv["b"], "FolderSync"); n != 1 {
		t.Errorf("account b was restarted when a was removed: %d FolderSyncs, want 1", n)
	}
	// Its files stay: removing an account never deletes the user's data.
	if vcfs, _ := filepath.Glob(filepath.Join(r.dirs.Data, "accounts", "a", "contacts", "*", "*.vcf")); len(vcfs) != 1 {
		t.Errorf("account a's local contacts: %v, want the one synced file", vcfs)
	}

	// The activity log tells the story, oldest first.
	log, err := r.e.Activity(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	added := slices.IndexFunc(log, func(ev api.Event) bool { return ev.Account == "b" && ev.Detail == "added" })
	removed := slices.IndexFunc(log, func(ev api.Event) bool { return ev.Account == "a" && ev.Detail == "removed" })
	if added < 0 || removed < 0 || added > removed {
		t.Errorf("activity: added b at %d, removed a at %d, in %+v", added, removed, log)
	}
}

// Changed settings restart only the changed account; adding it back
// after removal resumes from its saved state instead of starting over.
func TestReloadRestartsChangedAccount(t *testing.T) {
	r := newReloadRig(t, 2, "a", "b")
	r.addContact("a", "Ada")
	r.addContact("b", "Bob")
	r.run()
	r.until("both synced", func() bool { return r.contacts("a") == 1 && r.contacts("b") == 1 })
	r.waitPinging("a", "b")
	syncsA, syncsB := count(r.srv["a"], "FolderSync"), count(r.srv["b"], "FolderSync")

	r.configureWith(func(ac *config.Account) {
		if ac.Name == "b" {
			ac.CalendarWindow = "1m"
		}
	}, "a", "b")
	r.reload()
	r.until("b restarted", func() bool { return count(r.srv["b"], "FolderSync") > syncsB })
	r.addContact("b", "Ben")
	r.until("restarted b syncs", func() bool { return r.contacts("b") == 2 })
	if n := count(r.srv["a"], "FolderSync"); n != syncsA {
		t.Errorf("unchanged account a was restarted (%d FolderSyncs, want %d)", n, syncsA)
	}
	log, _ := r.e.Activity(context.Background(), 0)
	if !slices.ContainsFunc(log, func(ev api.Event) bool { return ev.Account == "b" && ev.Detail == "restarted" }) {
		t.Errorf("no restarted event for b in %+v", log)
	}
	// The restarted account kept its sync state: nothing came twice.
	if vcfs, _ := filepath.Glob(filepath.Join(r.dirs.Data, "accounts", "b", "contacts", "*", "*.vcf")); len(vcfs) != 2 {
		t.Errorf("account b has %d contact files, want 2: %v", len(vcfs), vcfs)
	}
}

// A configuration that does not load leaves everything running.
func TestReloadBadConfigChangesNothing(t *testing.T) {
	r := newReloadRig(t, 1, "a")
	r.addContact("a", "Ada")
	r.run()
	r.until("a synced", func() bool { return r.contacts("a") == 1 })
	if err := os.WriteFile(filepath.Join(r.dirs.Config, config.FileName), []byte("[[account]]\nname = \"bad name!\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := r.e.Reload(context.Background())
	if err == nil {
		t.Fatal("Reload accepted an invalid configuration")
	}
	if got := accountNames(t, r.e); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("accounts after a failed reload: %v", got)
	}
	r.addContact("a", "Ann")
	r.until("a still syncs", func() bool { return r.contacts("a") == 2 })
}

// Without Run, Reload only opens the new accounts; a later sync pass
// (cradle sync --once) includes them.
func TestReloadWithoutRun(t *testing.T) {
	r := newReloadRig(t, 1, "a", "b")
	t.Cleanup(func() { r.e.Close() })
	r.addContact("b", "Bob")
	r.configure("a", "b")
	r.reload()
	if n := len(r.srv["b"].Requests()); n != 0 {
		t.Fatalf("Reload without Run contacted the server (%d requests)", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.e.SyncOnce(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if n := r.contacts("b"); n != 1 {
		t.Errorf("b has %d contacts after SyncOnce, want 1", n)
	}
	if err := r.e.SyncOnce(ctx, "c"); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SyncOnce of an unknown account: %v", err)
	}
}

// A Reload whose caller gives up before a removed session has stopped
// fails, and the next Reload waits for that session before it opens the
// account again, so one account never runs twice.
func TestReloadInterruptedFinishesNextTime(t *testing.T) {
	r := newReloadRig(t, 1, "a")
	r.addContact("a", "Ada")
	r.run()
	r.until("a synced", func() bool { return r.contacts("a") == 1 })
	r.waitPinging("a")

	r.configure()
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	err := r.e.Reload(gone)
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Reload: %v", err)
	}
	t.Logf("interrupted Reload: %v", err) // nil only if the session beat the check
	r.configure("a")
	r.reload()
	if got := accountNames(t, r.e); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("accounts: %v", got)
	}
	r.addContact("a", "Ann")
	r.until("a syncs again", func() bool { return r.contacts("a") == 2 })
	// One session at a time: the old one reported stopping before the
	// account was opened again.
	log, _ := r.e.Activity(context.Background(), 0)
	stopped := slices.IndexFunc(log, func(ev api.Event) bool { return ev.Account == "a" && ev.Detail == "stopped" })
	reopened := slices.IndexFunc(log, func(ev api.Event) bool {
		return ev.Account == "a" && (ev.Detail == "added" || ev.Detail == "restarted")
	})
	if stopped < 0 || reopened < stopped {
		t.Errorf("stopped at %d, reopened at %d in %+v", stopped, reopened, log)
	}
}
