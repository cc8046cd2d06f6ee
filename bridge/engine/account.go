package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/codec"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/reconcile"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/bridge/watch"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/session"
)

// account runs one ActiveSync account.
type account struct {
	e      *Engine
	cfg    config.Account
	log    *slog.Logger
	client *easclient.Client
	sess   *session.Session
	// id and deviceID never change once the account is open; the rest
	// of row is guarded by mu.
	id       state.AccountID
	deviceID string
	// life is guarded by e.mu: Run and Reload start and stop the
	// account under it.
	life lifecycle

	mu      sync.Mutex // guards the fields below
	row     state.Account
	folders map[string]*folder // by server folder id
	runCtx  context.Context    // set while run is active: watchers live in it
}

// folder is one synced folder at run time.
type folder struct {
	row      state.Folder
	st       store.Store
	own      *store.WriteLog
	rec      *reconcile.Folder
	watching bool

	mu       sync.Mutex
	lastSync time.Time
	lastErr  error
}

func newDeviceID() string {
	var b [12]byte
	rand.Read(b[:])
	return "cradle" + hex.EncodeToString(b[:])
}

func (e *Engine) openAccount(ctx context.Context, ac config.Account) (*account, error) {
	row, err := e.db.Account(ctx, ac.Name)
	if errors.Is(err, state.ErrNotFound) {
		row, err = e.db.CreateAccount(ctx, state.Account{Name: ac.Name, URL: ac.URL, User: ac.User,
			DeviceID: newDeviceID(), DeviceType: "Cradle", FolderSyncKey: "0", PolicyKey: "0"})
	}
	if err != nil {
		return nil, err
	}
	if row.URL != ac.URL || row.User != ac.User {
		row.URL, row.User = ac.URL, ac.User
		if err := e.db.UpdateAccount(ctx, row); err != nil {
			return nil, err
		}
	}
	a := &account{e: e, cfg: ac, row: row, id: row.ID, deviceID: row.DeviceID, folders: map[string]*folder{},
		log: e.log.With("account", ac.Name)}
	policy := row.PolicyKey
	if policy == "0" {
		policy = ""
	}
	var ver push.Version
	if row.ProtocolVersion != "" {
		ver, _ = push.ParseVersion(row.ProtocolVersion)
	}
	_ = ver // the version is negotiated again on start: servers get upgraded
	doer := e.opts.HTTP
	if doer == nil {
		// Certificates are verified; a self-signed server works only with
		// the fingerprint the user chose to trust (pinned_cert).
		doer = &http.Client{Transport: easclient.PinnedTransport(ac.PinnedCert)}
	}
	c, err := easclient.New(easclient.Config{
		URL: ac.URL, User: ac.User, DeviceID: row.DeviceID, DeviceType: row.DeviceType,
		Auth: e.authorizer(ac, a.log), HTTP: doer, PolicyKey: policy,
		Logger: a.log,
	})
	if err != nil {
		return nil, err
	}
	a.client = c
	a.sess = session.New(session.Options{
		Client: c, Syncer: a, Store: heartbeatStore{db: e.db, account: ac.Name},
		Heartbeat: e.opts.Heartbeat, Backoff: e.opts.Backoff, PingGrace: e.opts.PingGrace, Logger: a.log,
	})
	return a, nil
}

// run keeps the account's session going until ctx ends, pausing when the
// user pauses.
func (a *account) run(ctx context.Context) {
	a.mu.Lock()
	a.runCtx = ctx
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.runCtx = nil
		a.mu.Unlock()
	}()
	// The helpers below are waited for, so everything the account
	// reports (its final "stopped" included) comes before run returns.
	var helpers sync.WaitGroup
	defer helpers.Wait()
	sub, unsub := a.sess.Subscribe()
	defer unsub() // ends the status forwarder; runs before Wait
	helpers.Go(func() {
		last := ""
		for st := range sub {
			if s := st.State.String(); s != last {
				last = s
				ev := api.Event{Account: a.cfg.Name, Type: "status", Detail: s}
				if st.State == session.AuthFailed {
					ev.Type = "auth-failed"
					ev.Detail = st.Err
				}
				a.e.emit(ev)
			}
		}
	})
	if iv := a.e.integrity; iv > 0 {
		helpers.Go(func() { a.checkIntegrity(ctx, iv) })
	}
	for ctx.Err() == nil {
		// Pausing and resuming are events, not something to poll for:
		// an idle daemon must not wake up on a timer.
		paused, changed := a.e.pauseState()
		if paused {
			select {
			case <-ctx.Done():
				return
			case <-changed:
				continue
			}
		}
		sctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-sctx.Done():
			case <-changed: // paused (a resume cannot come first)
				cancel()
			}
		}()
		err := a.sess.Run(sctx)
		cancel()
		if errors.Is(err, easclient.ErrRemoteWipe) {
			a.log.Error("the server asked to wipe this device; Cradle never does that. Syncing of this account stopped.")
			a.e.emit(api.Event{Account: a.cfg.Name, Type: "error", Detail: err.Error()})
			<-ctx.Done()
			return
		}
	}
}

// checkIntegrity compares every folder in full with the server every
// interval, until ctx ends. The first check waits one interval: at start
// the session already syncs everything from its keys.
func (a *account) checkIntegrity(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if a.e.paused.Load() {
			continue
		}
		a.mu.Lock()
		fs := make([]*folder, 0, len(a.folders))
		for _, f := range a.folders {
			fs = append(fs, f)
		}
		a.mu.Unlock()
		for _, f := range fs {
			if err := f.rec.Verify(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				a.log.Warn("integrity check failed", "folder", f.row.DisplayName, "err", err)
				continue
			}
			a.log.Info("integrity check done", "folder", f.row.DisplayName)
		}
	}
}

// syncAll is one full pass, for `cradle sync --once`.
func (a *account) syncAll(ctx context.Context) error {
	fs, err := a.Folders(ctx, false)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range fs {
		if err := a.SyncFolder(ctx, f.ID); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func kindOf(t push.FolderType) state.Kind {
	switch t.Class() {
	case push.ClassContacts:
		return state.KindContacts
	case push.ClassCalendar:
		return state.KindCalendar
	case push.ClassTasks:
		return state.KindTasks
	}
	return ""
}

// Folders implements session.Syncer: it brings the folder list up to date
// with FolderSync and returns the folders to watch.
func (a *account) Folders(ctx context.Context, refresh bool) ([]push.PingFolder, error) {
	a.mu.Lock()
	key := a.row.FolderSyncKey
	a.mu.Unlock()
	if key == "" {
		key = "0"
	}
	resp, err := a.client.FolderSync(ctx, key)
	if push.IsInvalidSyncKey(err) {
		key = "0"
		resp, err = a.client.FolderSync(ctx, key)
	}
	if err != nil {
		return nil, err
	}
	if resp.Changes != nil {
		if err := a.applyHierarchy(ctx, resp.Changes); err != nil {
			return nil, err
		}
	}
	if err := a.saveKeys(ctx, resp.SyncKey); err != nil {
		return nil, err
	}
	rows, err := a.e.db.Folders(ctx, a.id)
	if err != nil {
		return nil, err
	}
	var out []push.PingFolder
	for _, r := range rows {
		if r.State == state.FolderRemoved || r.StoreKind == state.StoreNone {
			continue
		}
		f, err := a.openFolder(ctx, r)
		if err != nil {
			a.log.Error("cannot open local collection", "folder", r.DisplayName, "path", r.StorePath, "err", err)
			continue
		}
		out = append(out, push.PingFolder{ID: f.row.ServerID, Class: classOf(r.Kind)})
	}
	return out, nil
}

// saveKeys records what the account learned from the server: the
// FolderSync key, the negotiated version and the policy key (provisioning
// may have happened inside any command), so a restart neither lists the
// folders from scratch nor provisions again.
func (a *account) saveKeys(ctx context.Context, folderKey string) error {
	a.mu.Lock()
	row := a.row
	a.mu.Unlock()
	db, name := a.e.db, a.cfg.Name
	if folderKey != "" && folderKey != row.FolderSyncKey {
		if err := db.SetSyncKey(ctx, name, "", folderKey); err != nil {
			return err
		}
		row.FolderSyncKey = folderKey
	}
	if k := a.client.PolicyKey(); k != "" && k != row.PolicyKey {
		if err := db.SetPolicyKey(ctx, name, k); err != nil {
			return err
		}
		row.PolicyKey = k
	}
	if v := a.client.Version().String(); v != "" && v != row.ProtocolVersion {
		row.ProtocolVersion = v
		if err := db.UpdateAccount(ctx, row); err != nil {
			return err
		}
	}
	a.mu.Lock()
	a.row = row
	a.mu.Unlock()
	return nil
}

func classOf(k state.Kind) string {
	switch k {
	case state.KindContacts:
		return push.ClassContacts
	case state.KindCalendar:
		return push.ClassCalendar
	}
	return push.ClassTasks
}

func (a *account) applyHierarchy(ctx context.Context, ch *push.FolderChanges) error {
	for _, f := range append(append([]push.Folder(nil), ch.Add...), ch.Update...) {
		kind := kindOf(f.Type)
		if kind == "" {
			continue
		}
		row, err := a.e.db.FolderByServerID(ctx, a.id, f.ServerID)
		if errors.Is(err, state.ErrNotFound) {
			row = state.Folder{Account: a.id, ServerID: f.ServerID, Kind: kind, SyncKey: "0", State: state.FolderActive}
		} else if err != nil {
			return err
		}
		row.ParentID, row.DisplayName = f.ParentID, f.DisplayName
		a.mapFolder(&row)
		if _, err := a.e.db.PutFolder(ctx, row); err != nil {
			return err
		}
	}
	for _, d := range ch.Delete {
		row, err := a.e.db.FolderByServerID(ctx, a.id, d.ServerID)
		if errors.Is(err, state.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		// Local files are kept: a folder removed on the server is the
		// user's to clean up.
		row.State = state.FolderRemoved
		if _, err := a.e.db.PutFolder(ctx, row); err != nil {
			return err
		}
		a.mu.Lock()
		delete(a.folders, d.ServerID)
		a.mu.Unlock()
	}
	return nil
}

// mapFolder applies the configuration (or the default vdir) to a folder.
func (a *account) mapFolder(row *state.Folder) {
	days, _ := a.cfg.WindowDays()
	row.WindowDays = days
	if m, ok := a.cfg.Folder(row.ServerID); ok {
		if m.Skip {
			row.StoreKind, row.StorePath = state.StoreNone, ""
			return
		}
		if m.Path != "" {
			row.StorePath = m.Path
			row.StoreKind = state.StoreVdir
			if m.Store == "file" {
				row.StoreKind = state.StoreFile
			}
			return
		}
	}
	if row.StorePath == "" {
		name := slug(row.DisplayName)
		if name == "" {
			name = store.FileStem(row.ServerID)
		}
		row.StorePath = filepath.Join(a.e.opts.Dirs.Data, "accounts", a.cfg.Name, string(row.Kind), name)
		row.StoreKind = state.StoreVdir
	}
}

// slug turns a folder's display name into a readable directory name
// ("Personal Address Book" → "personal-address-book"); names with nothing
// usable left fall back to a sanitised server id.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r > 127 && unicode.IsLetter(r):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 64 {
		s = s[:64]
	}
	return store.FileStem(s)
}

func codecFor(k state.Kind) reconcile.Codec {
	switch k {
	case state.KindCalendar:
		return codec.Events{}
	case state.KindTasks:
		return codec.Tasks{}
	}
	return codec.Contacts{}
}

// openFolder returns the folder's runtime, creating it (store, reconciler,
// watcher) on first use.
func (a *account) openFolder(ctx context.Context, r state.Folder) (*folder, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f := a.folders[r.ServerID]; f != nil && f.row.StorePath == r.StorePath && f.row.StoreKind == r.StoreKind {
		f.row = r
		a.startWatchLocked(f)
		return f, nil
	}
	cd := codecFor(r.Kind)
	own := store.NewWriteLog()
	opts := store.Options{UID: cd.UID, Log: own}
	var st store.Store
	var err error
	conflictDir := r.StorePath
	if r.StoreKind == state.StoreFile {
		if err := os.MkdirAll(filepath.Dir(r.StorePath), 0o700); err != nil {
			return nil, err
		}
		st, err = store.OpenFile(r.StorePath, opts)
		conflictDir = filepath.Dir(r.StorePath)
	} else {
		st, err = store.OpenVdir(r.StorePath, cd.Ext(), opts)
		if err == nil {
			if v, ok := st.(*store.Vdir); ok {
				if n, _ := v.DisplayName(); n == "" && r.DisplayName != "" {
					v.SetDisplayName(r.DisplayName)
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	f := &folder{row: r, st: st, own: own}
	f.rec = &reconcile.Folder{
		DB: a.e.db, ID: r.ID, Store: st, Codec: cd, Client: a.client, UIDSeed: a.deviceID,
		ConflictDir: func(string) string { return conflictDir },
		Log:         a.log.With("folder", r.DisplayName),
		OnChange: func(c reconcile.Change) {
			a.e.emit(api.Event{Account: a.cfg.Name, Folder: r.ServerID, Type: changeType(c.Kind), Side: c.Side, Action: c.Kind, UID: c.UID, Time: c.Time})
		},
	}
	a.folders[r.ServerID] = f
	a.startWatchLocked(f)
	return f, nil
}

func changeType(kind string) string {
	if kind == "conflict" {
		return "conflict"
	}
	return "change"
}

// startWatchLocked starts the folder's file watcher in the account's run
// context; a local change asks the session to sync that folder.
func (a *account) startWatchLocked(f *folder) {
	if f.watching || a.runCtx == nil {
		return
	}
	ctx := a.runCtx
	o := watch.Options{Debounce: a.e.opts.Debounce, Own: f.own, Logger: a.log,
		Keep: func(name string) bool { return !strings.Contains(name, reconcile.ConflictInfix) }}
	var ch <-chan watch.Batch
	var err error
	if f.row.StoreKind == state.StoreFile {
		ch, err = watch.WatchFile(ctx, f.row.StorePath, o)
	} else {
		ch, err = watch.Watch(ctx, f.row.StorePath, o)
	}
	if err != nil {
		a.log.Warn("cannot watch local collection; changes are picked up at the next sync", "path", f.row.StorePath, "err", err)
		return
	}
	f.watching = true
	id := f.row.ServerID
	go func() {
		for range ch {
			a.sess.SyncNow(id)
		}
		a.mu.Lock()
		f.watching = false
		a.mu.Unlock()
	}()
}

// SyncFolder implements session.Syncer.
func (a *account) SyncFolder(ctx context.Context, id string) error {
	a.mu.Lock()
	f := a.folders[id]
	a.mu.Unlock()
	if f == nil {
		return fmt.Errorf("folder %s is not mapped", id)
	}
	err := f.rec.Sync(ctx)
	f.mu.Lock()
	f.lastErr = err
	if err == nil {
		f.lastSync = time.Now()
	}
	f.mu.Unlock()
	var md *reconcile.MassDeleteError
	if errors.As(err, &md) {
		// Not a server failure: report it, keep the session running.
		a.e.emit(api.Event{Account: a.cfg.Name, Folder: id, Type: "mass-delete", Detail: md.Error()})
		a.log.Warn("mass deletion stopped", "folder", f.row.DisplayName, "err", md)
		return nil
	}
	var bad *reconcile.BadItemError
	if errors.As(err, &bad) {
		a.e.emit(api.Event{Account: a.cfg.Name, Folder: id, Type: "error", Detail: err.Error()})
		a.log.Warn("local items skipped", "folder", f.row.DisplayName, "err", err)
		return nil
	}
	return err
}

// heartbeatStore keeps learned heartbeats in the state database.
type heartbeatStore struct {
	db      *state.DB
	account string
}

func (h heartbeatStore) LoadHeartbeat(ctx context.Context, network string) (session.Heartbeat, bool, error) {
	d, err := h.db.Heartbeat(ctx, h.account, network)
	if errors.Is(err, state.ErrNotFound) || d == 0 {
		return session.Heartbeat{}, false, nil
	}
	if err != nil {
		return session.Heartbeat{}, false, err
	}
	return session.Heartbeat{Current: d}, true, nil
}

func (h heartbeatStore) SaveHeartbeat(ctx context.Context, network string, hb session.Heartbeat) error {
	return h.db.SetHeartbeat(ctx, h.account, network, hb.Current)
}
