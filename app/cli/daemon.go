package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

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

// serveDaemon runs the engine and the control socket until ctx ends or a
// client asks the daemon to quit.
func serveDaemon(ctx context.Context, e *env, eng *engine.Engine, serve func(context.Context, api.Backend) error, noTray bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := serve(ctx, eng); err != nil {
			slog.Error("control socket stopped", "err", err)
		}
	}()
	if dirs, err := config.DefaultDirs(); err == nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			followDevices(ctx, dirs, eng)
		}()
	}
	if !noTray {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runTray(ctx, eng, func() { eng.Quit(context.Background()) })
		}()
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
