package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/reconcile"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/bridge/store"
)

var _ api.Backend = (*Engine)(nil)

// Status returns a snapshot of every account and folder.
func (e *Engine) Status(ctx context.Context) (api.Status, error) {
	var st api.Status
	st.Paused = e.paused.Load()
	if !e.cfg.Local.Disabled {
		la := api.Account{Name: "local", State: "local"}
		for _, k := range []string{"contacts", "calendar"} {
			dir := e.localDir(k)
			la.Folders = append(la.Folders, api.Folder{ID: k, Name: "This computer", Kind: k, LocalPath: dir,
				Store: "vdir", Items: countFiles(dir), State: "active"})
		}
		st.Accounts = append(st.Accounts, la)
	}
	for _, a := range e.snapshot() {
		ss := a.sess.Status()
		aa := api.Account{Name: a.cfg.Name, URL: a.cfg.URL, User: a.cfg.User, State: ss.State.String(),
			Error: ss.Err, NextRetry: ss.NextRetry, LastSync: ss.LastSync}
		if ss.Heartbeat > 0 {
			aa.Heartbeat = ss.Heartbeat.String()
		}
		rows, err := e.db.Folders(ctx, a.id)
		if err != nil {
			return st, err
		}
		for _, r := range rows {
			if r.State == state.FolderRemoved {
				continue
			}
			f := api.Folder{ID: r.ServerID, Name: r.DisplayName, Kind: string(r.Kind), LocalPath: r.StorePath,
				Store: string(r.StoreKind), State: string(r.State)}
			if r.StoreKind == state.StoreNone {
				f.State = "skipped"
			}
			items, err := e.db.Items(ctx, r.ID)
			if err != nil {
				return st, err
			}
			f.Items = len(items)
			pend, err := e.db.Pending(ctx, r.ID)
			if err != nil {
				return st, err
			}
			f.Pending = len(pend)
			cs, err := e.db.Conflicts(ctx, r.ID, true)
			if err != nil {
				return st, err
			}
			f.Conflicts = len(cs)
			st.Conflicts += len(cs)
			a.mu.Lock()
			rt := a.folders[r.ServerID]
			a.mu.Unlock()
			if rt != nil {
				rt.mu.Lock()
				f.LastSync = rt.lastSync
				if rt.lastErr != nil {
					f.Error = folderProblem(rt.lastErr, r.StorePath)
					var md *reconcile.MassDeleteError
					if errors.As(rt.lastErr, &md) {
						f.State = "attention"
					} else {
						f.State = "error"
					}
				}
				rt.mu.Unlock()
			}
			aa.Folders = append(aa.Folders, f)
		}
		st.Accounts = append(st.Accounts, aa)
	}
	return st, nil
}

func countFiles(dir string) int {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !strings.Contains(e.Name(), reconcile.ConflictInfix) &&
			(strings.HasSuffix(e.Name(), ".vcf") || strings.HasSuffix(e.Name(), ".ics")) {
			n++
		}
	}
	return n
}

// SyncNow asks the account's session (or every session) to sync now.
func (e *Engine) SyncNow(ctx context.Context, name string) error {
	if name == "" {
		for _, a := range e.snapshot() {
			a.sess.SyncNow()
		}
		return nil
	}
	a, err := e.account(name)
	if err != nil {
		return err
	}
	a.sess.SyncNow()
	return nil
}

// SetPaused pauses or resumes syncing of every account.
func (e *Engine) SetPaused(ctx context.Context, paused bool) error {
	e.setPaused(paused)
	e.emit(api.Event{Type: "status", Detail: map[bool]string{true: "paused", false: "resumed"}[paused]})
	return nil
}

// Conflicts lists the open conflicts.
func (e *Engine) Conflicts(ctx context.Context) ([]api.Conflict, error) {
	var out []api.Conflict
	for _, a := range e.snapshot() {
		rows, err := e.db.Folders(ctx, a.id)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			cs, err := e.db.Conflicts(ctx, r.ID, true)
			if err != nil {
				return nil, err
			}
			for _, c := range cs {
				out = append(out, e.apiConflict(ctx, a, r, c, false))
			}
		}
	}
	return out, nil
}

func (e *Engine) apiConflict(ctx context.Context, a *account, r state.Folder, c state.Conflict, full bool) api.Conflict {
	ac := api.Conflict{ID: c.ID, Account: a.cfg.Name, Folder: r.ServerID, Kind: string(r.Kind),
		LocalCopyPath: c.LocalCopyPath, Created: c.Created}
	if it, err := e.db.Item(ctx, c.Item); err == nil {
		ac.UID = it.UID
		if r.StoreKind == state.StoreVdir {
			ac.ItemPath = filepath.Join(r.StorePath, it.LocalHref)
		} else {
			ac.ItemPath = r.StorePath
		}
	}
	if full {
		if b, err := os.ReadFile(c.LocalCopyPath); err == nil {
			ac.Local = string(b)
		}
		ac.Server = string(c.ServerVersion)
	}
	return ac
}

// Conflict returns one conflict with both versions.
func (e *Engine) Conflict(ctx context.Context, id int64) (api.Conflict, error) {
	a, r, c, err := e.findConflict(ctx, id)
	if err != nil {
		return api.Conflict{}, err
	}
	return e.apiConflict(ctx, a, r, c, true), nil
}

func (e *Engine) findConflict(ctx context.Context, id int64) (*account, state.Folder, state.Conflict, error) {
	for _, a := range e.snapshot() {
		rows, err := e.db.Folders(ctx, a.id)
		if err != nil {
			return nil, state.Folder{}, state.Conflict{}, err
		}
		for _, r := range rows {
			cs, err := e.db.Conflicts(ctx, r.ID, true)
			if err != nil {
				return nil, state.Folder{}, state.Conflict{}, err
			}
			for _, c := range cs {
				if c.ID == id {
					return a, r, c, nil
				}
			}
		}
	}
	return nil, state.Folder{}, state.Conflict{}, fmt.Errorf("no open conflict %d", id)
}

// ResolveConflict settles a conflict: keep the local version (written in
// place, then sent to the server), the server's (written in place), or
// both (the merged item stays and the local version becomes an item of its
// own, with a new UID).
func (e *Engine) ResolveConflict(ctx context.Context, id int64, keep api.Keep) error {
	a, r, c, err := e.findConflict(ctx, id)
	if err != nil {
		return err
	}
	a.mu.Lock()
	f := a.folders[r.ServerID]
	a.mu.Unlock()
	if f == nil {
		return fmt.Errorf("conflict %d: folder %s is not open", id, r.ServerID)
	}
	it, err := e.db.Item(ctx, c.Item)
	if err != nil {
		return fmt.Errorf("conflict %d: %w", id, err)
	}
	local, err := os.ReadFile(c.LocalCopyPath)
	if err != nil && keep != api.KeepServer {
		return fmt.Errorf("conflict %d: local copy: %w", id, err)
	}
	_, cur, err := f.st.Get(ctx, it.LocalHref)
	if err != nil {
		return fmt.Errorf("conflict %d: %w", id, err)
	}
	switch keep {
	case api.KeepLocal:
		_, err = f.st.Update(ctx, it.LocalHref, local, cur.Etag)
	case api.KeepServer:
		_, err = f.st.Update(ctx, it.LocalHref, c.ServerVersion, cur.Etag)
	case api.KeepBoth:
		newUID := it.UID + "-" + time.Now().UTC().Format("20060102150405")
		copyData := strings.Replace(string(local), "UID:"+it.UID, "UID:"+newUID, 1)
		_, err = f.st.Create(ctx, newUID, []byte(copyData))
	default:
		return fmt.Errorf("conflict %d: keep %q: want local, server or both", id, keep)
	}
	if err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("conflict %d: %w", id, err)
	}
	if err := e.db.ResolveConflict(ctx, id); err != nil {
		return err
	}
	if c.LocalCopyPath != "" {
		os.Remove(c.LocalCopyPath)
	}
	a.sess.SyncNow(r.ServerID)
	return nil
}

// AllowMassDelete lets the folder's next pass delete past the guard.
func (e *Engine) AllowMassDelete(ctx context.Context, name, folderID string) error {
	a, err := e.account(name)
	if err != nil {
		return err
	}
	a.mu.Lock()
	f := a.folders[folderID]
	a.mu.Unlock()
	if f == nil {
		return fmt.Errorf("account %s has no open folder %q", name, folderID)
	}
	f.rec.AllowMassDelete()
	a.sess.SyncNow(folderID)
	return nil
}

// Subscribe delivers engine events until ctx ends.
func (e *Engine) Subscribe(ctx context.Context) <-chan api.Event { return e.hub.subscribe(ctx) }

// Quit makes Run return.
func (e *Engine) Quit(ctx context.Context) error {
	e.quitMu.Do(func() { close(e.quit) })
	return nil
}
