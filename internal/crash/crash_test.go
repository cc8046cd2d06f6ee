package crash

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/internal/sogotest"
)

var (
	killsFlag = flag.Int("crash.kills", envInt("CRADLE_CRASH_KILLS", 20), "SIGKILLs of the daemon in TestCrash (env CRADLE_CRASH_KILLS)")
	seedFlag  = flag.Uint64("crash.seed", envUint("CRADLE_CRASH_SEED", 0), "random seed of TestCrash, 0 = new (env CRADLE_CRASH_SEED)")
	itemsFlag = flag.Int("crash.items", envInt("CRADLE_CRASH_ITEMS", 240), "items on the server before the first sync (env CRADLE_CRASH_ITEMS)")
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envUint(name string, def uint64) uint64 {
	if v, err := strconv.ParseUint(os.Getenv(name), 10, 64); err == nil {
		return v
	}
	return def
}

// TestCrash runs the real daemon against SOGo while changes land on both
// sides, SIGKILLs it at random moments (first during the initial download
// of the seeded items, then during incremental syncs), restarts it, and in
// the end requires both sides to hold the same items: none lost, none
// twice. CRADLE_CRASH_SEED replays a run's choices (the timing of the
// daemon itself cannot be replayed).
func TestCrash(t *testing.T) {
	srv := sogotest.Start(t)
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	kills := *killsFlag
	t.Logf("CRADLE_CRASH_SEED=%d CRADLE_CRASH_KILLS=%d CRADLE_CRASH_ITEMS=%d", seed, kills, *itemsFlag)
	began := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	bin := buildCradle(t)
	t.Logf("built cradle in %v", time.Since(began).Round(time.Millisecond))
	began = time.Now()
	user, pass := srv.NewUser(t)
	dav := &DAV{Base: srv.Base, User: user, Password: pass}
	if err := dav.Init(ctx); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// An integrity check a minute after the last start heals what SOGo
	// failed to report (changes in the same second as a SyncKey); the kill
	// rounds are far shorter, so it only runs at the end.
	in, err := NewInstall(bin, t.TempDir(), "1m")
	if err != nil {
		t.Fatal(err)
	}
	r := &run{t: t, ctx: ctx, rng: rng, seed: seed, srv: srv, in: in, dav: dav, drv: NewDriver(rng, dav), dirs: map[Kind]string{}, atKill: map[string]int{}}
	t.Cleanup(func() {
		if r.cur != nil && !r.cur.Exited() {
			r.cur.Kill()
		}
	})

	// Seeded before the first sync: SOGo's Ping never watches a folder
	// that was empty at the first sync.
	contacts := *itemsFlag * 3 / 4
	if err := r.drv.Seed(ctx, contacts, *itemsFlag-contacts); err != nil {
		t.Fatal(err)
	}
	if err := in.AddAccount(ctx, srv.EASURL(), user, pass); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d items in %v", *itemsFlag, time.Since(began).Round(time.Millisecond))

	initialKills := r.rounds(kills)
	if len(r.dirs) < 2 {
		r.fail("local folders unknown after %d kills", r.kills)
	}
	t.Logf("%d kills (%d during the initial sync) in %v; daemon state at kill: %v; changes: %v",
		r.kills, initialKills, time.Since(began).Round(time.Millisecond), r.atKill, r.drv.Ops)

	tally, conflicts, recorded, unexplained := r.converge()
	summary := tally.Summary(r.kills, conflicts)
	fmt.Println(summary)
	t.Logf("%s in %v", summary, time.Since(began).Round(time.Second))
	if !tally.OK() {
		r.fail("items lost, duplicated or diverged (replay with CRADLE_CRASH_SEED=%d):\n%s", seed, tally)
	}
	// Every conflict the engine recorded keeps the local version as a
	// copy beside the item, and every copy is a recorded conflict.
	if recorded != conflicts {
		r.fail("%d conflict copies on disk, %d conflicts recorded", conflicts, recorded)
	}
	if unexplained > 0 {
		r.fail("%d disagreements after the daemon converged are not changes SOGo failed to report: "+
			"the integrity check healed them, but incremental sync should not have left them (replay with CRADLE_CRASH_SEED=%d)", unexplained, seed)
	}
}

// rounds starts and SIGKILLs the daemon kills times while the driver
// changes both sides, and returns how many kills hit the initial
// download.
func (r *run) rounds(kills int) (initialKills int) {
	ctx, rng, in := r.ctx, r.rng, r.in
	initial := true
	for r.kills < kills {
		if r.kills%4 == 0 {
			// A listing costs SOGo up to a second; between listings the
			// driver's own changes keep its cache current, and items the
			// daemon adds wait for the next one.
			if err := r.drv.Refresh(ctx); err != nil {
				r.fail("server listing: %v", err)
			}
		}
		d := r.start("START")
		switch {
		case initial && initialKills == 0:
			// The first download of the seeded items, killed once a
			// random share of them has been written.
			r.step()
			r.awaitFiles(d, 1+rng.IntN(*itemsFlag-1), time.Minute)
		case initial:
			// The download again: a run killed inside a window starts
			// the folder over.
			for range rng.IntN(3) {
				r.step()
			}
			pause(ctx, between(rng, 100*time.Millisecond, 1500*time.Millisecond))
		case rng.IntN(10) < 3:
			// Inside the start-up sync, which brings in what changed
			// while the daemon was down.
			pause(ctx, between(rng, 0, 1500*time.Millisecond))
		default:
			// Inside the incremental syncs that changes made while it
			// runs set off: local ones after the watcher's debounce,
			// server ones when SOGo's next poll (every 5 s) ends the Ping.
			r.awaitIdle(d, time.Minute)
			r.note("IDLE after %v", time.Since(d.Started).Round(time.Millisecond))
			// SOGo misses a change made in the second its last SyncKey
			// was handed out (healed only by the integrity check); start
			// in the next second so most changes test incremental sync.
			pause(ctx, time.Until(time.Now().Truncate(time.Second).Add(time.Second+50*time.Millisecond)))
			for range 1 + rng.IntN(5) {
				r.step()
				pause(ctx, between(rng, 0, 300*time.Millisecond))
			}
			pause(ctx, between(rng, 0, 2500*time.Millisecond))
		}
		r.kill(d)
		if len(r.dirs) < 2 {
			if st, err := in.Status(ctx); err == nil {
				r.learnDirs(st)
			}
		}
		if initial {
			initialKills++
			if n := countFiles(r.dirs); n >= *itemsFlag || initialKills >= max(1, kills/5) {
				initial = false
			}
		}
		if rng.IntN(4) == 0 {
			// Changes made while Cradle is down, found at the next start.
			for range 1 + rng.IntN(4) {
				r.step()
			}
		}
		if len(r.dirs) == 2 && rng.IntN(5) == 0 {
			// Both sides edit one item while Cradle is down: a conflict.
			what, err := r.drv.Clash(ctx)
			if err != nil {
				r.fail("driver: %v", err)
			}
			if what != "" {
				r.note("%s", what)
			}
		}
	}
	return initialKills
}

// converge starts the daemon without further changes, waits until it
// idles (and, if the sides still disagree, for its integrity check), stops
// it, runs one `cradle sync --once`, and compares the sides. It returns
// the comparison, the conflict copies on disk, the conflicts the engine
// recorded, and how many disagreements before the integrity check SOGo's
// blind spot does not explain.
func (r *run) converge() (tally Tally, conflicts, recorded, unexplained int) {
	t, ctx, in := r.t, r.ctx, r.in
	d := r.start("FINAL START")
	r.awaitIdle(d, 3*time.Minute)
	r.note("FINAL IDLE after %v", time.Since(d.Started).Round(time.Millisecond))
	server, local, names, _ := r.sides()
	before := Compare(server, local, r.drv.Live())
	t.Logf("after the daemon converged, before its integrity check: %s", before.Summary(r.kills, 0))
	if !before.OK() {
		var report []string
		unexplained, report = r.unexplained(server, local, names)
		t.Logf("left for the integrity check (daemon log so far: %s):\n%s", r.keepLog(), strings.Join(report, "\n"))
		// The configured integrity check runs a minute after the start;
		// it compares every folder in full and heals what SOGo never
		// reported.
		nFolders := 0
		if st, err := in.Status(ctx); err == nil {
			for _, a := range st.Accounts {
				if a.Name != "sogo" {
					continue
				}
				for _, f := range a.Folders {
					if f.State != "skipped" {
						nFolders++
					}
				}
			}
		}
		r.awaitLog(d, "integrity check done", "integrity check failed", nFolders, 3*time.Minute)
	}
	r.awaitIdle(d, 2*time.Minute)
	r.note("STOP")
	if err := d.Stop(30 * time.Second); err != nil {
		r.fail("%v", err)
	}
	r.note("STOPPED after %v", time.Since(d.Started).Round(time.Millisecond))
	out, err := in.SyncOnce(ctx)
	if err != nil {
		r.fail("%v", err)
	}
	t.Logf("sync --once after the daemon: %s", strings.TrimSpace(out))

	server, local, _, conflicts = r.sides()
	st, err := in.Status(ctx)
	if err != nil {
		r.fail("%v", err)
	}
	return Compare(server, local, r.drv.Live()), conflicts, st.Conflicts, unexplained
}

// countFiles counts the item files in the local folders.
func countFiles(dirs map[Kind]string) int {
	n := 0
	for k, dir := range dirs {
		fs, _ := LocalFiles(dir, k)
		n += len(fs)
	}
	return n
}
