package crash

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/internal/sogotest"
)

// buildCradle builds the binary under test; CRADLE_CRASH_RACE=1 builds it
// with the race detector (slower, and finds races in the daemon).
func buildCradle(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cradle")
	args := []string{"build", "-o", bin}
	if os.Getenv("CRADLE_CRASH_RACE") == "1" {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, "github.com/cradle-sync/cradle")...).CombinedOutput()
	if err != nil {
		t.Fatalf("build cradle: %v\n%s", err, out)
	}
	return bin
}

// pause waits d, or less if ctx ends. The harness's waits are its random
// choices of when to act and when to kill, not waits for the code under
// test: those poll for a condition with a deadline (awaitIdle).
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}

// run is one TestCrash run: what it drives and what it saw.
type run struct {
	t      *testing.T
	ctx    context.Context
	rng    *rand.Rand
	in     *Install
	dav    *DAV
	srv    *sogotest.Server
	drv    *Driver
	cur    *Daemon // the daemon started last, killed when the test ends
	dirs   map[Kind]string
	seed   uint64
	kills  int
	atKill map[string]int // daemon state at the moment of each kill
	trace  []string       // the driver's changes and the kills, in order
}

// note records a change or a kill in the trace and in the daemon log, so
// the log shows them between the daemon's own lines (both append).
func (r *run) note(format string, args ...any) {
	line := fmt.Sprintf("%s harness: "+format, append([]any{time.Now().Format("2006/01/02 15:04:05.000")}, args...)...)
	r.trace = append(r.trace, line)
	if f, err := os.OpenFile(r.in.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
		fmt.Fprintln(f, line)
		f.Close()
	}
}

func (r *run) step() {
	what, err := r.drv.Step(r.ctx)
	if err != nil {
		r.fail("driver: %v", err)
	}
	r.note("%s", what)
}

// fail stops the test with the trace and where the daemon log is kept.
func (r *run) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Logf("trace of changes and kills:\n%s", strings.Join(r.trace, "\n"))
	r.t.Fatalf(format+"\n(daemon log: %s)", append(args, r.keepLog())...)
}

// keepLog copies the daemon log out of the test's temporary directory.
func (r *run) keepLog() string {
	b, err := os.ReadFile(r.in.Log)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	p := filepath.Join(os.TempDir(), fmt.Sprintf("cradle-crash-%d.log", r.seed))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return "not kept: " + err.Error()
	}
	return p
}

// learnDirs finds the local folders in `cradle status --json` once the
// first sync has made them.
func (r *run) learnDirs(st api.Status) {
	for _, a := range st.Accounts {
		if a.Name != "sogo" {
			continue
		}
		for _, f := range a.Folders {
			switch f.Kind {
			case "contacts":
				r.dirs[Contact] = f.LocalPath
			case "calendar":
				r.dirs[Event] = f.LocalPath
			}
		}
	}
	for k, d := range r.dirs {
		r.drv.SetDir(k, d)
	}
}

// start starts the daemon.
func (r *run) start(what string) *Daemon {
	r.t.Helper()
	d, err := r.in.Start()
	if err != nil {
		r.fail("%v", err)
	}
	r.cur = d
	r.note("%s", what)
	return d
}

// kill SIGKILLs the daemon, noting what it was doing.
func (r *run) kill(d *Daemon) {
	state := "unknown"
	if st, err := r.in.Status(r.ctx); err == nil {
		for _, a := range st.Accounts {
			if a.Name == "sogo" {
				state = a.State
			}
		}
	}
	if d.Exited() {
		r.fail("cradle run exited by itself before kill %d", r.kills+1)
	}
	d.Kill()
	r.kills++
	r.atKill[state]++
	r.note("KILL %d (daemon was %s, ran %v)", r.kills, state, time.Since(d.Started).Round(time.Millisecond))
}

// awaitFiles polls the local folders until they hold n items. The first
// sync creates them, so they may not be known yet; the folders are then
// looked up in the state the daemon writes.
func (r *run) awaitFiles(d *Daemon, n int, within time.Duration) {
	r.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) && !d.Exited() {
		if len(r.dirs) < 2 {
			if st, err := r.in.Status(r.ctx); err == nil {
				r.learnDirs(st)
			}
		}
		if len(r.dirs) == 2 && countFiles(r.dirs) >= n {
			return
		}
		// Watching the disk fill is the observation here.
		pause(r.ctx, 10*time.Millisecond)
	}
	r.fail("the local folders did not reach %d items within %v", n, within)
}

// awaitIdle polls the daemon until the account waits on a Ping with
// nothing pending and no folder in error, twice in a row.
func (r *run) awaitIdle(d *Daemon, within time.Duration) {
	r.t.Helper()
	deadline := time.Now().Add(within)
	stable := 0
	var last string
	for time.Now().Before(deadline) {
		if d.Exited() {
			r.fail("cradle run exited while awaiting convergence")
		}
		st, err := r.in.Status(r.ctx)
		if err == nil {
			last = describe(st)
			if idle(st) {
				stable++
				if stable == 2 {
					return
				}
			} else {
				stable = 0
			}
		}
		// The daemon is another process: asking again is the only way.
		pause(r.ctx, 250*time.Millisecond)
	}
	r.fail("daemon did not converge within %v; last status: %s", within, last)
}

func idle(st api.Status) bool {
	for _, a := range st.Accounts {
		if a.Name != "sogo" {
			continue
		}
		if a.State != "waiting" {
			return false
		}
		for _, f := range a.Folders {
			if f.Pending > 0 || (f.State != "active" && f.State != "skipped") {
				return false
			}
		}
		return true
	}
	return false
}

func describe(st api.Status) string {
	var b strings.Builder
	for _, a := range st.Accounts {
		fmt.Fprintf(&b, "%s=%s %s;", a.Name, a.State, a.Error)
		for _, f := range a.Folders {
			fmt.Fprintf(&b, " %s:%s pending=%d items=%d %s;", f.Kind, f.State, f.Pending, f.Items, f.Error)
		}
	}
	return b.String()
}

// awaitLog waits until the daemon's output holds n lines containing want,
// failing early on a line containing bad.
func (r *run) awaitLog(d *Daemon, want, bad string, n int, within time.Duration) {
	r.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(r.in.Log)
		if err == nil && int64(len(b)) > d.LogOffset {
			out := b[d.LogOffset:]
			if i := bytes.Index(out, []byte(bad)); i >= 0 {
				end := bytes.IndexByte(out[i:], '\n')
				if end < 0 {
					end = len(out) - i
				}
				r.fail("daemon logged %q", out[i:i+end])
			}
			if bytes.Count(out, []byte(want)) >= n {
				return
			}
		}
		if d.Exited() {
			r.fail("cradle run exited while awaiting %q", want)
		}
		pause(r.ctx, 500*time.Millisecond)
	}
	r.fail("daemon did not log %q %d times within %v", want, n, within)
}

// sides reads both sides now.
func (r *run) sides() (server, local Side, names map[string][]string, conflicts int) {
	r.t.Helper()
	server, names, err := ServerSide(r.ctx, r.dav)
	if err != nil {
		r.fail("server items: %v", err)
	}
	local, conflicts, err = LocalSide(r.dirs)
	if err != nil {
		r.fail("local items: %v", err)
	}
	return server, local, names, conflicts
}

// unexplained returns the disagreements of a converged daemon that SOGo
// does not account for, with a line about each disagreement. SOGo keeps,
// per device, the version of each item it last reported (its SyncCache);
// a server change SOGo never reported is SOGo's blind spot (changes in
// the same second as the device's SyncKey) and left to the integrity
// check. A change SOGo did report, or a local change the server lacks,
// is Cradle's.
func (r *run) unexplained(server, local Side, names map[string][]string) (n int, report []string) {
	r.t.Helper()
	lags, other := ServerLags(server, local, names, r.drv.DeletedOnServer())
	for _, tok := range other {
		report = append(report, fmt.Sprintf("%s: NOT explained by SOGo: server %q, local %q", tok, server[tok], local[tok]))
	}
	n = len(other)
	db, err := state.Open(r.ctx, filepath.Join(r.in.Data, "state.db"))
	if err != nil {
		r.fail("%v", err)
	}
	acc, err := db.Account(r.ctx, "sogo")
	db.Close()
	if err != nil {
		r.fail("%v", err)
	}
	sdb := SOGoDB{Socket: r.srv.PeerDir + "/run/pg", Port: envOr("PG_PORT", "25432"), User: r.dav.User}
	for _, k := range []Kind{Contact, Event} {
		var all []string
		for tok, ns := range lags {
			if KindOf(tok) == k {
				all = append(all, ns...)
			}
		}
		if len(all) == 0 {
			continue
		}
		stamps, err := sdb.Stamps(r.ctx, k, all)
		if err != nil {
			r.fail("%v", err)
		}
		cache, err := sdb.SyncCache(r.ctx, acc.DeviceID, k)
		if err != nil {
			r.fail("%v", err)
		}
		for tok, ns := range lags {
			if KindOf(tok) != k {
				continue
			}
			why := ""
			if len(ns) == 0 {
				why = "no server name known"
			}
			for _, name := range ns {
				st, ok := stamps[name]
				sent, listed := cache[CacheKey(k, name)]
				switch {
				case !ok:
					why = name + " unknown to SOGo"
				case st.Deleted && !listed:
					why = "SOGo reported the delete of " + name
				case !st.Deleted && sent == st.Modified:
					why = fmt.Sprintf("SOGo reported %s as changed at %d", name, st.Modified)
				}
			}
			if why != "" {
				n++
				report = append(report, fmt.Sprintf("%s: NOT explained by SOGo (%s): server %q, local %q", tok, why, server[tok], local[tok]))
				continue
			}
			report = append(report, fmt.Sprintf("%s: SOGo never reported the change of %v: server %q, local %q", tok, ns, server[tok], local[tok]))
		}
	}
	sort.Strings(report)
	return n, report
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
