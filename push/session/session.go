// Package session runs the Direct Push loop of one ActiveSync account.
//
// The loop asks and the server answers: a Ping names the folders to watch
// and a heartbeat, and the server holds it until something changes or the
// heartbeat ends. An expired Ping is simply asked again; a Ping naming
// changed folders makes the session Sync exactly those folders, then ask
// again. Nothing runs on a timer of its own.
//
// SyncKeys are the truth, not notifications: after any gap (start, a
// dropped or failed request, an error, being offline) the session first
// syncs every watched folder from its stored SyncKey and only then Pings,
// so a change that happened while nobody was listening is never lost.
//
// The heartbeat adapts to the network (see HeartbeatPolicy), and failures
// are retried with exponential back-off and jitter, honouring a server's
// Retry-After.
package session

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

// Pinger sends Ping requests; *easclient.Client implements it. Ping must
// return a nil error for status 1 and 2 and a *push.Error (with the
// response) for any other status, and must give up on its own some time
// after the heartbeat, so that a silently dropped connection is noticed.
type Pinger interface {
	Ping(ctx context.Context, heartbeat time.Duration, folders []push.PingFolder) (*push.PingResponse, error)
}

// Syncer is the engine's side of a session: it owns the folders' SyncKeys
// and items.
type Syncer interface {
	// Folders returns the folders to watch. With refresh it must first run
	// FolderSync, because the server said the hierarchy changed.
	Folders(ctx context.Context, refresh bool) ([]push.PingFolder, error)
	// SyncFolder brings one folder in step from its stored SyncKey: it
	// fetches every server change (all windows), sends the folder's queued
	// local changes, and stores the new SyncKey together with the items it
	// covers. It recovers from an invalid SyncKey itself (restart from 0,
	// matching existing items rather than duplicating them).
	SyncFolder(ctx context.Context, folderID string) error
}

// Store keeps the heartbeat learned per network across restarts. The
// engine backs it with its database; nil keeps it in memory.
type Store interface {
	LoadHeartbeat(ctx context.Context, network string) (h Heartbeat, ok bool, err error)
	SaveHeartbeat(ctx context.Context, network string, h Heartbeat) error
}

// Options configure a Session. Client and Syncer are required.
type Options struct {
	Client Pinger
	Syncer Syncer
	Store  Store
	// Network names the network the machine is on, so heartbeats learned
	// at home are not used in a café; nil means one network.
	Network func() string
	// Heartbeat and Backoff default to DefaultHeartbeat and DefaultBackoff.
	Heartbeat HeartbeatPolicy
	Backoff   BackoffPolicy
	Logger    *slog.Logger
	// Rand returns values in [0,1) for jitter; nil uses math/rand/v2.
	Rand func() float64
	// PingGrace, if set, bounds each Ping to its heartbeat plus this
	// much; a Ping still unanswered then was silently dropped on the way
	// (a black hole). Zero leaves the bound to the Client.
	PingGrace time.Duration
}

// Session is the push loop of one account. Create it with New and start it
// with Run; SyncNow and Subscribe may be called from any goroutine.
type Session struct {
	client  Pinger
	syncer  Syncer
	store   Store
	network func() string
	hbp     HeartbeatPolicy
	grace   time.Duration
	log     *slog.Logger
	back    backoff
	hub     hub

	mu         sync.Mutex // guards the fields below
	kick       chan struct{}
	kickAll    bool
	kickFolder map[string]bool
	cancelPing context.CancelFunc
	running    bool
}

// New returns a session for o. It does no I/O.
func New(o Options) *Session {
	s := &Session{
		client:     o.Client,
		syncer:     o.Syncer,
		store:      o.Store,
		network:    o.Network,
		hbp:        o.Heartbeat,
		grace:      o.PingGrace,
		log:        o.Logger,
		back:       backoff{p: o.Backoff, rnd: o.Rand},
		kick:       make(chan struct{}, 1),
		kickFolder: make(map[string]bool),
	}
	if s.hbp == (HeartbeatPolicy{}) {
		s.hbp = DefaultHeartbeat
	}
	if s.back.p == (BackoffPolicy{}) {
		s.back.p = DefaultBackoff
	}
	if s.network == nil {
		s.network = func() string { return "default" }
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.hub.last = Status{State: Connecting, Since: time.Now()}
	return s
}

// Subscribe returns a channel that receives the current status at once and
// then every change; a slow reader only misses intermediate states. Call
// the returned function to stop receiving (the channel is then closed).
func (s *Session) Subscribe() (<-chan Status, func()) {
	ch, last := s.hub.subscribe()
	select {
	case ch <- last:
	default:
	}
	var once sync.Once
	return ch, func() { once.Do(func() { s.hub.unsubscribe(ch) }) }
}

// Status returns the latest status snapshot.
func (s *Session) Status() Status {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.last
}

// SyncNow asks the session to sync the given folders (all watched folders
// if none are given) as soon as possible: a held Ping is abandoned, a
// back-off wait is cut short, and a session stopped by an authentication
// failure tries again. The engine calls it when local changes are queued.
func (s *Session) SyncNow(folders ...string) {
	s.mu.Lock()
	if len(folders) == 0 {
		s.kickAll = true
	}
	for _, f := range folders {
		s.kickFolder[f] = true
	}
	if s.cancelPing != nil {
		s.cancelPing()
	}
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// takeKicks returns the folders SyncNow asked for; all reports a request
// for every folder.
func (s *Session) takeKicks() (folders []string, all bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all = s.kickAll
	for f := range s.kickFolder {
		folders = append(folders, f)
	}
	slices.Sort(folders)
	s.kickAll = false
	clear(s.kickFolder)
	select {
	case <-s.kick:
	default:
	}
	return folders, all
}

// ErrRunning is returned by Run when the session is already running.
var ErrRunning = errors.New("session: already running")

// Run drives the session until ctx is done and returns ctx's error. It
// returns early only for conditions no retry can fix: a remote-wipe order
// from the server (easclient.ErrRemoteWipe), which Cradle never carries out
// and the user must see.
func (s *Session) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return ErrRunning
	}
	s.running = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
		st := s.Status()
		st.State, st.Since = Stopped, time.Now()
		s.hub.publish(st)
	}()
	return s.loop(ctx)
}

type loopState struct {
	net       string
	hb        Heartbeat
	folders   []push.PingFolder
	refresh   bool // run FolderSync before the next Ping
	haveList  bool // folders is valid
	gap       bool // sync every folder before the next Ping
	lastSync  time.Time
	maxFolder int // server limit from Ping status 6 (0 = none)
	// dirty holds folders a Ping named or SyncNow asked for, kept until
	// synced so a failure halfway through a batch forgets none of them.
	dirty map[string]bool
	// retry asks again for folders whose last sync failed locally (a
	// read-only or full disk), paced by folderBack, without waiting for
	// the held Ping to end.
	retry      *time.Timer
	folderBack backoff
}

func (s *Session) loop(ctx context.Context) error {
	ls := &loopState{gap: true, folderBack: backoff{p: s.back.p, rnd: s.back.rnd}}
	defer func() {
		if ls.retry != nil {
			ls.retry.Stop()
		}
	}()
	s.loadHeartbeat(ctx, ls)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if n := s.network(); n != ls.net {
			// A new network: its NAT may behave differently.
			s.loadHeartbeat(ctx, ls)
		}
		if err := s.prepare(ctx, ls); err != nil {
			if fatal := s.fail(ctx, ls, err, 0); fatal != nil {
				return fatal
			}
			continue
		}
		s.back.reset()
		s.publish(Status{State: Waiting, Folders: ids(ls.folders), Heartbeat: ls.hb.Current, LastSync: ls.lastSync})

		var pctx context.Context
		var cancel context.CancelFunc
		if s.grace > 0 {
			pctx, cancel = context.WithTimeout(ctx, ls.hb.Current+s.grace)
		} else {
			pctx, cancel = context.WithCancel(ctx)
		}
		s.mu.Lock()
		s.cancelPing = cancel
		kicked := s.kickAll || len(s.kickFolder) > 0
		s.mu.Unlock()
		if kicked {
			// SyncNow arrived while we were syncing: serve it first.
			cancel()
		}
		start := time.Now()
		resp, err := s.client.Ping(pctx, ls.hb.Current, ls.folders)
		elapsed := time.Since(start)
		s.mu.Lock()
		s.cancelPing = nil
		s.mu.Unlock()
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if pctx.Err() != nil && errors.Is(err, context.Canceled) {
			continue // abandoned for SyncNow; prepare serves the request
		}
		if err != nil {
			if fatal := s.pingFailed(ctx, ls, resp, err, elapsed); fatal != nil {
				return fatal
			}
			continue
		}
		switch resp.Status {
		case push.PingExpired:
			if elapsed >= ls.hb.Current*9/10 {
				ls.hb.Expired(s.hbp)
				s.saveHeartbeat(ctx, ls)
			}
		case push.PingChanges:
			s.markChanged(ls, resp.Folders)
		}
	}
}

// prepare does everything that must happen before a Ping: the folder list,
// a full sync after a gap, and syncs of changed or requested folders.
func (s *Session) prepare(ctx context.Context, ls *loopState) error {
	kicked, all := s.takeKicks()
	if all {
		ls.gap = true
	}
	if ls.refresh || !ls.haveList {
		s.publish(Status{State: Syncing, Heartbeat: ls.hb.Current, LastSync: ls.lastSync})
		folders, err := s.syncer.Folders(ctx, ls.refresh)
		if err != nil {
			return fmt.Errorf("folders: %w", err)
		}
		if ls.maxFolder > 0 && len(folders) > ls.maxFolder {
			s.log.Warn("server watches fewer folders than mapped", "max", ls.maxFolder, "folders", len(folders))
			folders = folders[:ls.maxFolder]
		}
		ls.folders, ls.haveList, ls.refresh = folders, true, false
		ls.gap = true
	}
	var todo []string
	if ls.gap {
		todo = ids(ls.folders)
	} else {
		todo = pending(ls, kicked)
	}
	if len(todo) > 0 {
		s.publish(Status{State: Syncing, Folders: todo, Heartbeat: ls.hb.Current, LastSync: ls.lastSync})
		var failed []string
		for _, f := range todo {
			if err := s.syncer.SyncFolder(ctx, f); err != nil {
				if push.IsFolderHierarchyChanged(err) {
					ls.refresh = true
				}
				if ctx.Err() != nil || !folderLocal(err) {
					return fmt.Errorf("sync %s: %w", f, err)
				}
				// One folder's bad item or full disk must not stop the
				// others from syncing and being watched: it stays dirty
				// and is tried again after the next Ping.
				s.log.Warn("folder not synced; the others go on", "folder", f, "err", err)
				ls.changed(f, true)
				failed = append(failed, f)
				continue
			}
			ls.changed(f, false)
		}
		ls.gap = false
		if len(failed) < len(todo) {
			ls.lastSync = time.Now()
		}
		if ls.retry != nil {
			ls.retry.Stop()
		}
		if len(failed) > 0 {
			ls.retry = time.AfterFunc(ls.folderBack.next(0), func() { s.SyncNow(failed...) })
		} else {
			ls.folderBack.reset()
		}
	}
	return nil
}

func (ls *loopState) changed(f string, on bool) {
	if ls.dirty == nil {
		ls.dirty = make(map[string]bool)
	}
	if on {
		ls.dirty[f] = true
	} else {
		delete(ls.dirty, f)
	}
}

// pending returns the watched folders that a Ping named or SyncNow asked
// for, in watch order.
func pending(ls *loopState, kicked []string) []string {
	for _, f := range kicked {
		ls.changed(f, true)
	}
	var out []string
	for _, f := range ids(ls.folders) {
		if ls.dirty[f] {
			out = append(out, f)
		}
	}
	return out
}

func (s *Session) markChanged(ls *loopState, folders []string) {
	watched := ids(ls.folders)
	for _, f := range folders {
		if !slices.Contains(watched, f) {
			s.log.Warn("ping named a folder that is not watched", "folder", f)
			continue
		}
		ls.changed(f, true)
	}
}

// pingFailed handles a Ping that did not end with status 1 or 2.
func (s *Session) pingFailed(ctx context.Context, ls *loopState, resp *push.PingResponse, err error, elapsed time.Duration) error {
	var perr *push.Error
	if errors.As(err, &perr) && perr.Command == "Ping" && resp != nil {
		switch push.PingStatus(perr.Status) {
		case push.PingMissingParams:
			// The server lost our cached request; the next Ping is full anyway.
			return nil
		case push.PingInvalidHeartbeat:
			ls.hb.Limit(s.hbp, time.Duration(resp.HeartbeatInterval)*time.Second)
			s.saveHeartbeat(ctx, ls)
			return nil
		case push.PingTooManyFolders:
			if resp.MaxFolders > 0 && resp.MaxFolders < len(ls.folders) {
				ls.maxFolder = resp.MaxFolders
				ls.folders = ls.folders[:resp.MaxFolders]
				return nil
			}
		case push.PingHierarchyChanged:
			ls.refresh = true
			return nil
		}
	}
	if !errors.Is(err, context.Canceled) && !isDialError(err) && !isServerAnswer(err) {
		// The request was on the wire and the connection died under it
		// (reset, or our own deadline after the server went silent):
		// something between us and the server kills idle connections.
		ls.hb.Died(s.hbp, elapsed)
		s.saveHeartbeat(ctx, ls)
		s.log.Info("ping cut before its heartbeat", "after", elapsed.Round(time.Second), "next_heartbeat", ls.hb.Current)
	}
	return s.fail(ctx, ls, fmt.Errorf("ping: %w", err), 0)
}

// fail reports err, waits out the back-off (cut short by SyncNow) and marks
// a gap so the next round syncs every folder before it Pings. It returns a
// non-nil error only when Run must stop.
func (s *Session) fail(ctx context.Context, ls *loopState, err error, floor time.Duration) error {
	ls.gap = true
	if errors.Is(err, easclient.ErrRemoteWipe) {
		s.publish(Status{State: Failed, Err: err.Error(), LastSync: ls.lastSync})
		return err
	}
	var auth *easclient.AuthError
	ce, badCert := easclient.AsCertificateError(err)
	if errors.As(err, &auth) || badCert {
		msg := err.Error()
		if badCert {
			msg = ce.Error() // names the fingerprint the user must check
		}
		s.publish(Status{State: AuthFailed, Err: msg, LastSync: ls.lastSync})
		// An untrusted or changed certificate is never worked around:
		// the user must look at it and decide.
		s.log.Warn("server not trusted or credentials refused; waiting for the user", "err", err)
		// Retrying a rejected password can lock the account: wait for the
		// user (SyncNow) instead.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.kick:
			s.mu.Lock()
			s.kickAll = true
			s.mu.Unlock()
			return nil
		}
	}
	var ra *easclient.RetryAfterError
	if errors.As(err, &ra) && ra.Delay > floor {
		floor = ra.Delay
	}
	delay := s.back.next(floor)
	state := Failed
	if isNetworkError(err) {
		state = Offline
	}
	s.publish(Status{State: state, Err: err.Error(), NextRetry: time.Now().Add(delay), Heartbeat: ls.hb.Current, LastSync: ls.lastSync})
	s.log.Info("retrying later", "err", err, "in", delay.Round(time.Millisecond))
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	case <-s.kick:
		// Put the signal back for prepare's takeKicks to see the request.
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

func (s *Session) publish(st Status) {
	st.Since = time.Now()
	s.hub.publish(st)
}

func (s *Session) loadHeartbeat(ctx context.Context, ls *loopState) {
	ls.net = s.network()
	ls.hb = NewHeartbeat(s.hbp)
	if s.store == nil {
		return
	}
	h, ok, err := s.store.LoadHeartbeat(ctx, ls.net)
	if err != nil {
		s.log.Warn("load heartbeat", "err", err)
		return
	}
	if ok && h.Current > 0 {
		h.Current = s.hbp.clamp(h.Current)
		ls.hb = h
	}
}

func (s *Session) saveHeartbeat(ctx context.Context, ls *loopState) {
	if s.store == nil {
		return
	}
	if err := s.store.SaveHeartbeat(ctx, ls.net, ls.hb); err != nil {
		s.log.Warn("save heartbeat", "err", err)
	}
}

func ids(fs []push.PingFolder) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isServerAnswer reports errors that carry a server's reply, as opposed to
// a connection that died.
func isServerAnswer(err error) bool {
	var perr *push.Error
	var herr *easclient.HTTPError
	var ra *easclient.RetryAfterError
	var auth *easclient.AuthError
	return errors.As(err, &perr) || errors.As(err, &herr) || errors.As(err, &ra) || errors.As(err, &auth)
}

func isNetworkError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || isDialError(err) || errors.Is(err, context.DeadlineExceeded)
}

// folderLocal reports whether a folder's sync failed for a reason confined
// to that folder: a response the client refused as too large (one huge
// item), or the local storage (read-only, full, permissions). Network,
// authentication and protocol failures concern the whole session.
func folderLocal(err error) bool {
	var tooLarge *easclient.TooLargeError
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	return errors.As(err, &tooLarge) || errors.As(err, &pathErr) || errors.As(err, &linkErr) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EROFS)
}
