package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
)

var _ api.Reloader = (*Engine)(nil)

// runState is what Run lends to accounts started while it is active.
type runState struct {
	ctx context.Context
	wg  *sync.WaitGroup
}

// lifecycle is an account's running goroutine, as Run or Reload started
// it. The zero value means not running.
type lifecycle struct {
	stop context.CancelFunc
	done chan struct{} // closed when run has returned
}

// snapshot returns the current accounts; callers iterate it without
// holding e.mu, so a concurrent Reload does not race with them.
func (e *Engine) snapshot() []*account {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*account(nil), e.accounts...)
}

// startLocked runs a in Run's context, if Run is active. Each account has
// its own child context so Reload can stop it alone.
func (e *Engine) startLocked(a *account) {
	if e.run == nil || a.life.done != nil {
		return
	}
	ctx, cancel := context.WithCancel(e.run.ctx)
	done := make(chan struct{})
	a.life = lifecycle{stop: cancel, done: done}
	e.run.wg.Add(1)
	go func() {
		defer e.run.wg.Done()
		defer close(done)
		defer cancel()
		a.run(ctx)
	}()
}

// Reload re-reads the configuration file and brings the running accounts
// in line with it: accounts that appeared are opened and, while Run is
// active, started; accounts that disappeared are stopped through their
// context and Reload waits (as long as ctx allows) until their sessions
// and watchers have returned; accounts whose settings changed (server,
// user, certificate, calendar window, folder mappings) are stopped and
// opened again with the new settings. Every other account keeps running
// untouched. A configuration that does not load changes nothing.
//
// Folder mappings apply to folders as the server lists them, so a
// changed mapping reaches folders that are new to Cradle; a folder that
// is already synced keeps its local path, as after a restart. Changes
// to "This computer" and to integrity_check need a restart.
//
// If a session does not stop before ctx ends, Reload returns an error
// without opening anything; that account is left stopping, and calling
// Reload again finishes the job.
//
// Reload is safe to call concurrently with everything else; concurrent
// Reloads run one after the other. Local files and the state of removed
// accounts are kept, so adding an account back resumes where it was.
func (e *Engine) Reload(ctx context.Context) error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	cfg, err := config.Load(e.opts.Dirs.Config)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	want := make(map[string]config.Account, len(cfg.Accounts))
	for _, ac := range cfg.Accounts {
		want[ac.Name] = ac
	}
	// Stop what goes away or changes first: an account's state rows
	// must not be used by its old and new incarnation at once.
	// Sessions a previous Reload could not wait out come first.
	stopping := e.lingering
	e.lingering = nil
	for _, a := range e.snapshot() {
		if ac, ok := want[a.cfg.Name]; !ok || !reflect.DeepEqual(ac, a.cfg) {
			stopping = append(stopping, a)
		}
	}
	e.mu.Lock()
	for _, a := range stopping {
		e.accounts = without(e.accounts, a)
	}
	e.mu.Unlock()
	var errs []error
	restarted := map[string]bool{}
	for _, a := range stopping {
		if err := a.halt(ctx); err != nil {
			errs = append(errs, err)
			e.lingering = append(e.lingering, a)
			continue
		}
		if _, ok := want[a.cfg.Name]; ok {
			restarted[a.cfg.Name] = true
		} else {
			a.log.Info("account removed from the configuration; stopped")
			e.emit(api.Event{Account: a.cfg.Name, Type: "status", Detail: "removed"})
		}
	}
	if len(errs) > 0 {
		// A session that would not stop still owns the account's state;
		// opening it again now would run two at once.
		return fmt.Errorf("reload: %w", errors.Join(errs...))
	}

	have := map[string]*account{}
	for _, a := range e.snapshot() {
		have[a.cfg.Name] = a
	}
	next := make([]*account, 0, len(cfg.Accounts))
	var started []*account
	for _, ac := range cfg.Accounts {
		if a := have[ac.Name]; a != nil {
			next = append(next, a)
			continue
		}
		a, err := e.openAccount(ctx, ac)
		if err != nil {
			errs = append(errs, fmt.Errorf("account %s: %w", ac.Name, err))
			continue
		}
		next = append(next, a)
		started = append(started, a)
	}
	e.mu.Lock()
	e.accounts = next
	for _, a := range started {
		e.startLocked(a)
	}
	e.mu.Unlock()
	for _, a := range started {
		detail := "added"
		if restarted[a.cfg.Name] {
			detail = "restarted"
		}
		a.log.Info("account loaded from the configuration", "how", detail)
		e.emit(api.Event{Account: a.cfg.Name, Type: "status", Detail: detail})
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	return nil
}

// halt stops the account's goroutine, if it runs, and waits for it to
// return or ctx to end.
func (a *account) halt(ctx context.Context) error {
	a.e.mu.Lock()
	life := a.life
	a.e.mu.Unlock()
	if life.done == nil {
		return nil
	}
	life.stop()
	select {
	case <-life.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("account %s still stopping: %w", a.cfg.Name, ctx.Err())
	}
}

func without(as []*account, a *account) []*account {
	out := as[:0:0]
	for _, x := range as {
		if x != a {
			out = append(out, x)
		}
	}
	return out
}
