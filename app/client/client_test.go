package client_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

var (
	created = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	status  = api.Status{Accounts: []api.Account{{
		Name: "work", URL: "https://mail.example.com/Microsoft-Server-ActiveSync", User: "ann",
		State: "waiting", LastSync: created, Heartbeat: "9m",
		Folders: []api.Folder{{ID: "7", Name: "Contacts", Kind: "contacts", LocalPath: "/c", Store: "vdir", Items: 3, State: "active"}},
	}}}
	conflict1 = api.Conflict{ID: 1, Account: "work", Folder: "7", Kind: "contacts", UID: "u1",
		ItemPath: "/c/u1.vcf", LocalCopyPath: "/c/u1.conflict.vcf", Local: "BEGIN:VCARD\r\nEND:VCARD\r\n", Created: created}
	conflict2 = api.Conflict{ID: 2, Account: "work", Folder: "7", Kind: "contacts", UID: "u2", Created: created}
)

// daemon serves a fresh fake backend through srv (a default Server if
// nil) and returns the backend and a client for it.
func daemon(t *testing.T, srv *control.Server) (*controltest.Backend, *client.Client) {
	t.Helper()
	b := controltest.NewBackend(status, conflict1, conflict2)
	if srv == nil {
		srv = &control.Server{}
	}
	srv.Backend = b
	c := client.New(controltest.Start(t, srv))
	t.Cleanup(c.Close)
	return b, c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRoutes(t *testing.T) {
	wantStatus := status
	wantStatus.Conflicts = 2
	for _, tc := range []struct {
		name  string
		call  func(context.Context, *client.Client) (any, error)
		want  any
		calls []string
	}{
		{"status", func(ctx context.Context, c *client.Client) (any, error) { return c.Status(ctx) },
			wantStatus, []string{"Status"}},
		{"sync one", func(ctx context.Context, c *client.Client) (any, error) { return nil, c.SyncNow(ctx, "work & play") },
			nil, []string{"SyncNow work & play"}},
		{"sync all", func(ctx context.Context, c *client.Client) (any, error) { return nil, c.SyncNow(ctx, "") },
			nil, []string{"SyncNow "}},
		{"pause", func(ctx context.Context, c *client.Client) (any, error) { return nil, c.SetPaused(ctx, true) },
			nil, []string{"SetPaused true"}},
		{"resume", func(ctx context.Context, c *client.Client) (any, error) { return nil, c.SetPaused(ctx, false) },
			nil, []string{"SetPaused false"}},
		{"conflicts", func(ctx context.Context, c *client.Client) (any, error) { return c.Conflicts(ctx) },
			[]api.Conflict{conflict1, conflict2}, []string{"Conflicts"}},
		{"conflict", func(ctx context.Context, c *client.Client) (any, error) { return c.Conflict(ctx, 1) },
			conflict1, []string{"Conflict 1"}},
		{"resolve", func(ctx context.Context, c *client.Client) (any, error) {
			return nil, c.ResolveConflict(ctx, 2, api.KeepBoth)
		}, nil, []string{"ResolveConflict 2 both"}},
		{"allow mass delete", func(ctx context.Context, c *client.Client) (any, error) {
			return nil, c.AllowMassDelete(ctx, "work", "7/x?y")
		}, nil, []string{"AllowMassDelete work 7/x?y"}},
		{"quit", func(ctx context.Context, c *client.Client) (any, error) { return nil, c.Quit(ctx) },
			nil, []string{"Quit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, c := daemon(t, nil)
			got, err := tc.call(ctxT(t), c)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if calls := b.Calls(); !reflect.DeepEqual(calls, tc.calls) {
				t.Errorf("backend calls = %q, want %q", calls, tc.calls)
			}
		})
	}
}

func TestActionsTakeEffect(t *testing.T) {
	b, c := daemon(t, nil)
	ctx := ctxT(t)
	if err := c.SetPaused(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := c.ResolveConflict(ctx, 1, api.KeepLocal); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Paused || st.Conflicts != 1 {
		t.Errorf("status after pause and resolve: paused %t, conflicts %d", st.Paused, st.Conflicts)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-b.Quitting():
	default:
		t.Error("Quit answered before the backend was asked to quit")
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fail     error
		call     func(context.Context, *client.Client) error
		code     int
		msg      string
		notExist bool
	}{
		{"unknown conflict", nil, func(ctx context.Context, c *client.Client) error {
			_, err := c.Conflict(ctx, 99)
			return err
		}, 404, "conflict 99", true},
		{"resolve unknown conflict", nil, func(ctx context.Context, c *client.Client) error {
			return c.ResolveConflict(ctx, 99, api.KeepServer)
		}, 404, "conflict 99", true},
		{"bad keep", nil, func(ctx context.Context, c *client.Client) error {
			return c.ResolveConflict(ctx, 1, "mine")
		}, 400, `keep must be local, server or both, not "mine"`, false},
		{"bad id", nil, func(ctx context.Context, c *client.Client) error {
			_, err := c.Conflict(ctx, -4)
			return err
		}, 400, `bad conflict id "-4"`, false},
		{"missing folder", nil, func(ctx context.Context, c *client.Client) error {
			return c.AllowMassDelete(ctx, "work", "")
		}, 400, "account and folder are required", false},
		{"backend failure", errors.New("database is locked"), func(ctx context.Context, c *client.Client) error {
			_, err := c.Status(ctx)
			return err
		}, 500, "status: database is locked", false},
		{"backend not found", fs.ErrNotExist, func(ctx context.Context, c *client.Client) error {
			return c.SyncNow(ctx, "nope")
		}, 404, `sync "nope"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, c := daemon(t, nil)
			b.FailWith(tc.fail)
			err := tc.call(ctxT(t), c)
			var e *client.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not a *client.Error", err)
			}
			if e.StatusCode != tc.code || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("got %d %q, want %d containing %q", e.StatusCode, e.Message, tc.code, tc.msg)
			}
			if errors.Is(err, fs.ErrNotExist) != tc.notExist {
				t.Errorf("errors.Is(err, fs.ErrNotExist) = %t", !tc.notExist)
			}
		})
	}
}

func TestNotRunning(t *testing.T) {
	staleDir, err := os.MkdirTemp("", "cradle")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(staleDir)
	stale := filepath.Join(staleDir, "control.sock")
	dead, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	dead.SetUnlinkOnClose(false)
	dead.Close()

	for name, path := range map[string]string{
		"no socket":    controltest.SocketPath(t),
		"stale socket": stale,
	} {
		t.Run(name, func(t *testing.T) {
			c := client.New(path)
			ctx := ctxT(t)
			if _, err := c.Status(ctx); !errors.Is(err, client.ErrNotRunning) {
				t.Errorf("Status: %v, want ErrNotRunning", err)
			}
			if err := c.Quit(ctx); !errors.Is(err, client.ErrNotRunning) {
				t.Errorf("Quit: %v, want ErrNotRunning", err)
			}
			if _, err := c.Watch(ctx); !errors.Is(err, client.ErrNotRunning) {
				t.Errorf("Watch: %v, want ErrNotRunning", err)
			}
		})
	}
}

func TestNewDefaultPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CRADLE_DATA_DIR", dir)
	if got, want := client.New("").Path(), filepath.Join(dir, "control.sock"); got != want {
		t.Errorf("Path() = %s, want %s", got, want)
	}
}

func TestPeerUIDRejected(t *testing.T) {
	for name, peerUID := range map[string]func(net.Conn) (int, error){
		"other user": func(net.Conn) (int, error) { return os.Getuid() + 1, nil },
		"unknown":    func(net.Conn) (int, error) { return 0, errors.New("no credentials") },
	} {
		t.Run(name, func(t *testing.T) {
			var asked atomic.Int32
			b, c := daemon(t, &control.Server{PeerUID: func(conn net.Conn) (int, error) {
				asked.Add(1)
				return peerUID(conn)
			}})
			ctx := ctxT(t)
			_, err := c.Status(ctx)
			var e *client.Error
			if !errors.As(err, &e) || e.StatusCode != http.StatusForbidden {
				t.Fatalf("Status: %v, want 403", err)
			}
			if err := c.Quit(ctx); err == nil {
				t.Error("Quit allowed")
			}
			if _, err := c.Watch(ctx); err == nil {
				t.Error("Watch allowed")
			}
			if asked.Load() == 0 {
				t.Error("the peer uid was never asked for")
			}
			if calls := b.Calls(); len(calls) > 0 {
				t.Errorf("refused peer reached the backend: %q", calls)
			}
		})
	}
}

func TestReadOnlyPeer(t *testing.T) {
	b, c := daemon(t, &control.Server{Permit: func(uid int) control.Perm {
		if uid == os.Getuid() {
			return control.PermRead
		}
		return 0
	}})
	ctx := ctxT(t)
	if _, err := c.Status(ctx); err != nil {
		t.Errorf("Status: %v", err)
	}
	if _, err := c.Conflicts(ctx); err != nil {
		t.Errorf("Conflicts: %v", err)
	}
	for name, write := range map[string]func() error{
		"sync":    func() error { return c.SyncNow(ctx, "") },
		"pause":   func() error { return c.SetPaused(ctx, true) },
		"resolve": func() error { return c.ResolveConflict(ctx, 1, api.KeepLocal) },
		"allow":   func() error { return c.AllowMassDelete(ctx, "a", "f") },
		"quit":    func() error { return c.Quit(ctx) },
	} {
		var e *client.Error
		if err := write(); !errors.As(err, &e) || e.StatusCode != http.StatusForbidden {
			t.Errorf("%s by a read-only peer: %v, want 403", name, err)
		}
	}
	if calls := b.Calls(); !reflect.DeepEqual(calls, []string{"Status", "Conflicts"}) {
		t.Errorf("backend calls = %q", calls)
	}
}

func TestConcurrentRequests(t *testing.T) {
	b, c := daemon(t, nil)
	ctx := ctxT(t)
	events, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				var err error
				switch (w + i) % 4 {
				case 0:
					_, err = c.Status(ctx)
				case 1:
					err = c.SyncNow(ctx, "work")
				case 2:
					_, err = c.Conflict(ctx, 1)
				case 3:
					err = c.SetPaused(ctx, i%2 == 0)
				}
				if err != nil {
					errs <- err
				}
				b.Publish(api.Event{Type: "change", UID: "x"})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(b.Calls()); n != workers*rounds {
		t.Errorf("backend saw %d calls, want %d", n, workers*rounds)
	}
	select {
	case <-events:
	case <-ctx.Done():
		t.Error("watcher got no event")
	}
}
