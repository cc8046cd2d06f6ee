// Package engine runs Cradle: one push session per account, one reconciler
// and one file watcher per synced folder, all recorded in the state
// database. It implements api.Backend for the control socket.
//
// Ownership: the Engine owns the database and the accounts; each account
// owns its session, its folders and their watchers, and everything an
// account starts stops when the context given to Run ends, or earlier
// when Reload finds the account gone from the configuration (each
// account runs in its own child of Run's context).
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/session"
)

// Options configure an Engine. Zero values are production defaults; tests
// shorten the timings.
type Options struct {
	Dirs    config.Dirs
	Secrets secret.Store
	Logger  *slog.Logger
	// HTTP, if set, sends every account's requests (tests).
	HTTP      easclient.Doer
	Heartbeat session.HeartbeatPolicy
	Backoff   session.BackoffPolicy
	PingGrace time.Duration
	// Debounce is the quiet time after a local file change before it is
	// sent; 0 means 300 ms.
	Debounce time.Duration
	// IntegrityInterval, if set, overrides the configuration's
	// integrity_check (tests).
	IntegrityInterval time.Duration
}

// Engine is the running sync engine. Create it with Open; Run runs it.
type Engine struct {
	opts Options
	log  *slog.Logger
	db   *state.DB
	cfg  *config.Config
	hub  eventHub

	integrity time.Duration // full comparison with the server every this long; 0 = off

	paused      atomic.Bool
	pauseMu     sync.Mutex
	pauseChange chan struct{} // closed and replaced whenever paused changes
	quit        chan struct{}
	quitMu      sync.Once

	reloadMu sync.Mutex // one Reload at a time; guards lingering
	// lingering are accounts Reload stopped but could not wait for; the
	// next Reload waits for them before opening anything.
	lingering []*account

	mu       sync.Mutex // guards accounts and run
	accounts []*account
	run      *runState // set while Run is active
}

// Open loads the configuration and the state database and prepares every
// account; it starts nothing.
func Open(ctx context.Context, o Options) (*Engine, error) {
	if o.Dirs == (config.Dirs{}) {
		d, err := config.DefaultDirs()
		if err != nil {
			return nil, err
		}
		o.Dirs = d
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Debounce <= 0 {
		o.Debounce = 300 * time.Millisecond
	}
	if o.Heartbeat == (session.HeartbeatPolicy{}) {
		// CRADLE_MAX_HEARTBEAT caps the Ping heartbeat (e.g. "30s"): end-to-end
		// tests run the real binary against a server that keeps serving an
		// abandoned Ping until its heartbeat ends.
		if v := os.Getenv("CRADLE_MAX_HEARTBEAT"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 10*time.Second {
				return nil, fmt.Errorf("CRADLE_MAX_HEARTBEAT %q: want a duration of at least 10s", v)
			}
			p := session.DefaultHeartbeat
			p.Max, p.Initial, p.Min, p.Step = d, min(p.Initial, d), min(p.Min, d/2), min(p.Step, d/4)
			o.Heartbeat = p
		}
	}
	if err := os.MkdirAll(o.Dirs.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if o.Secrets == nil {
		o.Secrets = secret.Open(o.Dirs.Data)
	}
	cfg, err := config.Load(o.Dirs.Config)
	if err != nil {
		return nil, err
	}
	db, err := state.Open(ctx, filepath.Join(o.Dirs.Data, "state.db"))
	if err != nil {
		return nil, err
	}
	e := &Engine{opts: o, log: o.Logger, db: db, cfg: cfg, quit: make(chan struct{})}
	e.integrity, _ = cfg.IntegrityInterval() // validated by Load
	if o.IntegrityInterval > 0 {
		e.integrity = o.IntegrityInterval
	}
	if err := e.openLocal(); err != nil {
		db.Close()
		return nil, err
	}
	for _, ac := range cfg.Accounts {
		a, err := e.openAccount(ctx, ac)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("account %s: %w", ac.Name, err)
		}
		e.accounts = append(e.accounts, a)
	}
	return e, nil
}

// Close releases the database. Call it after Run has returned.
func (e *Engine) Close() error { return e.db.Close() }

// DB exposes the state database to the CLI's read-only commands.
func (e *Engine) DB() *state.DB { return e.db }

// pauseState returns whether syncing is paused and a channel closed at the
// next change.
func (e *Engine) pauseState() (bool, <-chan struct{}) {
	e.pauseMu.Lock()
	defer e.pauseMu.Unlock()
	if e.pauseChange == nil {
		e.pauseChange = make(chan struct{})
	}
	return e.paused.Load(), e.pauseChange
}

// setPaused records the new state and wakes everyone waiting for a change.
func (e *Engine) setPaused(p bool) {
	e.pauseMu.Lock()
	defer e.pauseMu.Unlock()
	if e.paused.Load() == p && e.pauseChange != nil {
		return
	}
	e.paused.Store(p)
	if e.pauseChange != nil {
		close(e.pauseChange)
	}
	e.pauseChange = make(chan struct{})
}

// Run runs every account until ctx ends or Quit is called. Accounts
// that Reload adds while Run is active start at once; Run returns after
// every account it ran, Reload's included, has stopped.
func (e *Engine) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	e.mu.Lock()
	e.run = &runState{ctx: ctx, wg: &wg}
	for _, a := range e.accounts {
		e.startLocked(a)
	}
	e.mu.Unlock()
	select {
	case <-ctx.Done():
	case <-e.quit:
		cancel()
	}
	// Cleared before Wait so Reload cannot Add to a group being waited on.
	e.mu.Lock()
	e.run = nil
	e.mu.Unlock()
	wg.Wait()
	return nil
}

// SyncOnce runs one full pass of every account (or the named one) and
// returns the first error; nil means every folder converged.
func (e *Engine) SyncOnce(ctx context.Context, name string) error {
	var errs []error
	found := name == ""
	for _, a := range e.snapshot() {
		if name != "" && a.cfg.Name != name {
			continue
		}
		found = true
		if err := a.syncAll(ctx); err != nil {
			errs = append(errs, fmt.Errorf("account %s: %w", a.cfg.Name, err))
		}
	}
	if !found {
		return fmt.Errorf("no account named %q", name)
	}
	return errors.Join(errs...)
}

func (e *Engine) account(name string) (*account, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.accounts {
		if a.cfg.Name == name {
			return a, nil
		}
	}
	return nil, fmt.Errorf("no account named %q", name)
}

// localDir is where "This computer" keeps a kind of collection.
func (e *Engine) localDir(kind string) string {
	switch kind {
	case "contacts":
		if e.cfg.Local.Contacts != "" {
			return e.cfg.Local.Contacts
		}
	case "calendar":
		if e.cfg.Local.Calendar != "" {
			return e.cfg.Local.Calendar
		}
	}
	return filepath.Join(e.opts.Dirs.Data, "local", kind)
}

func (e *Engine) openLocal() error {
	if e.cfg.Local.Disabled {
		return nil
	}
	for _, k := range []string{"contacts", "calendar"} {
		if err := os.MkdirAll(e.localDir(k), 0o700); err != nil {
			return fmt.Errorf("local %s: %w", k, err)
		}
	}
	return nil
}
