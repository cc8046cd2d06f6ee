package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/engine"
)

// listenControl claims the control socket, refusing to start a second
// daemon next to a running one.
func listenControl() (func(ctx context.Context, b api.Backend) error, func(), error) {
	path, err := control.DefaultPath()
	if err != nil {
		return nil, nil, err
	}
	ln, err := control.Listen(path)
	var running *control.RunningError
	if errors.As(err, &running) {
		return nil, nil, fmt.Errorf("cradle is already running (pid %d, control socket %s)", running.PID, running.Path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("control socket: %w", err)
	}
	serve := func(ctx context.Context, b api.Backend) error { return control.Serve(ctx, ln, b) }
	return serve, func() { ln.Close() }, nil
}

// serveDaemon runs the engine, the device follower and the control
// socket until ctx ends or a client asks the daemon to quit. The socket
// and the tray see the engine and the devices as one backend, so the
// windows get activity, devices and reload from it.
func serveDaemon(ctx context.Context, e *env, eng *engine.Engine, serve func(context.Context, api.Backend) error, noTray bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var backend api.Backend = eng
	if dirs, err := config.DefaultDirs(); err == nil {
		d := withDevices(eng, dirs)
		backend = d
		wg.Go(func() { d.deviceFollower.Run(ctx) })
	} else {
		slog.Warn("devices not followed", "err", err)
	}
	wg.Go(func() {
		if err := serve(ctx, backend); err != nil {
			slog.Error("control socket stopped", "err", err)
		}
	})
	if !noTray {
		wg.Go(func() { runTray(ctx, backend, func() { eng.Quit(context.Background()) }) })
	}
	err := eng.Run(ctx)
	cancel()
	wg.Wait()
	return err
}

// daemonBackend reaches a running daemon over the control socket.
func daemonBackend(ctx context.Context) (api.Backend, bool) {
	c := client.New("")
	if _, err := c.Status(ctx); err != nil {
		return nil, false
	}
	return remote{c}, true
}

// daemonStatus asks a running daemon for its status; ok is false when no
// daemon runs.
func daemonStatus(ctx context.Context) (api.Status, bool, error) {
	c := client.New("")
	st, err := c.Status(ctx)
	if errors.Is(err, client.ErrNotRunning) {
		return api.Status{}, false, nil
	}
	if err != nil {
		return api.Status{}, false, err
	}
	return st, true, nil
}

// remote adapts the control client to api.Backend for commands that work
// the same against the daemon and against an engine opened in process.
type remote struct{ c *client.Client }

func (r remote) Status(ctx context.Context) (api.Status, error)    { return r.c.Status(ctx) }
func (r remote) SyncNow(ctx context.Context, account string) error { return r.c.SyncNow(ctx, account) }
func (r remote) SetPaused(ctx context.Context, p bool) error       { return r.c.SetPaused(ctx, p) }
func (r remote) Conflicts(ctx context.Context) ([]api.Conflict, error) {
	return r.c.Conflicts(ctx)
}
func (r remote) Conflict(ctx context.Context, id int64) (api.Conflict, error) {
	return r.c.Conflict(ctx, id)
}
func (r remote) ResolveConflict(ctx context.Context, id int64, k api.Keep) error {
	return r.c.ResolveConflict(ctx, id, k)
}
func (r remote) AllowMassDelete(ctx context.Context, account, folder string) error {
	return r.c.AllowMassDelete(ctx, account, folder)
}
func (r remote) Subscribe(ctx context.Context) <-chan api.Event {
	ch, err := r.c.Watch(ctx)
	if err != nil {
		out := make(chan api.Event)
		close(out)
		return out
	}
	return ch
}
func (r remote) Quit(ctx context.Context) error { return r.c.Quit(ctx) }

// The optional interfaces: a daemon that lacks one answers with an error
// matching client.ErrUnsupported.
var (
	_ api.ActivityLog   = remote{}
	_ api.DeviceBackend = remote{}
	_ api.Reloader      = remote{}
)

func (r remote) Activity(ctx context.Context, limit int) ([]api.Event, error) {
	return r.c.Activity(ctx, limit)
}
func (r remote) Devices(ctx context.Context) ([]api.Device, error) { return r.c.Devices(ctx) }
func (r remote) SyncDevice(ctx context.Context, name string) error { return r.c.SyncDevice(ctx, name) }
func (r remote) Reload(ctx context.Context) error                  { return r.c.Reload(ctx) }

// reloadDaemon asks a running daemon to re-read the configuration after
// a command changed it. running is false when no daemon answers; err
// matches client.ErrUnsupported when the daemon is too old to reload.
func reloadDaemon(ctx context.Context) (running bool, err error) {
	// The daemon waits for removed accounts' sessions to stop; a stuck
	// one must not hang the command.
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	b, ok := daemonBackend(ctx)
	if !ok {
		return false, nil
	}
	rl, ok := b.(api.Reloader)
	if !ok {
		return true, client.ErrUnsupported
	}
	return true, rl.Reload(ctx)
}

// tellReload reports to the user what reloadDaemon did; done says what
// a successful reload means for the account ("is syncing it").
func tellReload(e *env, running bool, err error, done string) {
	switch {
	case !running:
	case errors.Is(err, client.ErrUnsupported):
		fmt.Fprintln(e.stdout, "the running daemon is too old to reload its configuration; restart it for it to notice")
	case err != nil:
		fmt.Fprintf(e.stderr, "warning: the running daemon could not reload the configuration: %v; restart it for it to notice\n", err)
	default:
		fmt.Fprintf(e.stdout, "the running daemon %s\n", done)
	}
}
