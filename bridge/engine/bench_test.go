//go:build unix

package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/internal/sogotest"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS returns memory the previous measurement left behind to the
// system and restarts the kernel's high-water mark, so peakRSSMB reports
// the peak of what follows alone (Linux ≥ 4.0; elsewhere the mark is not
// reset and the figure is the process's peak so far).
func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSMB is the process's resident high-water mark (VmHWM) in MiB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}

// seeder fills one SOGo user over CardDAV/CalDAV, the way a colleague's
// client would, and remembers how far it got so sizes can grow.
type seeder struct {
	srv              *sogotest.Server
	user, pass       string
	contacts, events int
}

// seedWorkers is how many PUTs are in flight: SOGo runs 16 workers and
// the other tests of a `make bench` run are not running meanwhile.
const seedWorkers = 8

// grow adds contacts and events until the user holds the given numbers,
// and returns the PUTs per second it managed.
func (s *seeder) grow(b *testing.B, contacts, events int) float64 {
	b.Helper()
	start, n := time.Now(), 0
	var wg sync.WaitGroup
	next := make(chan func())
	for w := 0; w < seedWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for put := range next {
				put()
			}
		}()
	}
	for i := s.contacts; i < contacts; i++ {
		uid := fmt.Sprintf("b%05d", i)
		next <- func() {
			s.srv.PutContact(b, s.user, s.pass, uid+".vcf", vcard(uid, "Bench", fmt.Sprintf("%05d", i),
				fmt.Sprintf("EMAIL;TYPE=work:b%05d@example.test\r\nTEL;TYPE=CELL:+1 555 %05d", i, i)))
		}
		n++
	}
	for i := s.events; i < events; i++ {
		uid := fmt.Sprintf("e%05d", i)
		day := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Hour)
		next <- func() {
			s.srv.PutEvent(b, s.user, s.pass, uid+".ics", benchEvent(uid, fmt.Sprintf("Meeting %05d", i), day))
		}
		n++
	}
	close(next)
	wg.Wait()
	s.contacts, s.events = max(s.contacts, contacts), max(s.events, events)
	return float64(n) / time.Since(start).Seconds()
}

func benchEvent(uid, summary string, start time.Time) string {
	f := "20060102T150405Z"
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cradle bench//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:20261126T100000Z\r\nDTSTART:" + start.Format(f) + "\r\nDTEND:" + start.Add(time.Hour).Format(f) +
		"\r\nSUMMARY:" + summary + "\r\nLOCATION:Room 4\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

// SOGo's ids for the personal address book, calendar and task list
// (NOTES.md).
const (
	contactsID = "vcard%2Fpersonal"
	calendarID = "vevent%2Fpersonal"
	tasksID    = "vtodo%2Fpersonal"
)

// initialSync runs a first sync of the seeded user into fresh directories
// and reports items/s, Cradle's CPU time as a share of wall time (the
// server should be the bottleneck) and the peak RSS of the process. With
// contactsOnly the calendar and task folders are left out, so sizes that
// differ only in contacts compare. It returns the directories, which hold
// the synced state, made under root.
func initialSync(b *testing.B, s *seeder, root string, contactsOnly bool) config.Dirs {
	b.Helper()
	dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
	acc := config.Account{Name: "sogo", URL: s.srv.EASURL(), User: s.user}
	items := s.contacts + s.events
	if contactsOnly {
		acc.Folders = []config.Folder{{ID: calendarID, Skip: true}, {ID: tasksID, Skip: true}}
		items = s.contacts
	}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{acc}}); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dirs.Data, 0o700); err != nil {
		b.Fatal(err)
	}
	e := openDirs(b, dirs, s.pass)
	defer e.Close()
	resetPeakRSS()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	if err := e.SyncOnce(context.Background(), ""); err != nil {
		b.Fatal(err)
	}
	wall, cpu := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	if got := countFiles(filepath.Join(dirs.Data)); got < items {
		b.Fatalf("%d items on disk after the sync, want %d", got, items)
	}
	b.ReportMetric(float64(items)/wall.Seconds(), "items/s")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu%")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	return dirs
}

// countFiles counts the .vcf and .ics files under dir.
func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".vcf") || strings.HasSuffix(p, ".ics")) {
			n++
		}
		return nil
	})
	return n
}

// BenchmarkSOGoInitialSync measures a first sync from SOGo at growing
// sizes, to show how the cost grows: 1,000, 5,000 and 20,000 contacts, and
// the headline case of 10,000 contacts with 5,000 events. One user is
// filled step by step over CardDAV/CalDAV (the seeding rate is reported
// as seed-PUT/s); every step syncs into fresh directories, so each is a
// real initial sync of everything the user holds.
//
// RunStartup times `cradle run`, from exec to the first Ping waiting,
// on the state the 10,000 + 5,000 sync left.
//
// Run it with -benchtime=1x: every size is one sync.
func BenchmarkSOGoInitialSync(b *testing.B) {
	srv := sogotest.Start(b)
	user, pass := srv.NewUser(b)
	s := &seeder{srv: srv, user: user, pass: pass}
	// The parent's directory outlives the steps: RunStartup needs the
	// state of the step before it.
	root := b.TempDir()
	var synced config.Dirs
	for _, step := range []struct {
		name             string
		contacts, events int
	}{
		{"1000Contacts", 1000, 0},
		{"5000Contacts", 5000, 0},
		{"10000Contacts5000Events", 10000, 5000},
		{"20000Contacts", 20000, 5000},
	} {
		b.Run(step.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				rate := s.grow(b, step.contacts, step.events)
				dirs := initialSync(b, s, filepath.Join(root, fmt.Sprintf("%s-%d", step.name, i)), step.events == 0 || step.contacts == 20000)
				if step.events > 0 && step.contacts == 10000 {
					synced = dirs
				}
				if rate > 0 {
					b.ReportMetric(rate, "seed-PUT/s")
				}
			}
		})
		if step.name == "10000Contacts5000Events" {
			b.Run("RunStartup", func(b *testing.B) {
				if synced == (config.Dirs{}) {
					b.Fatal("the 10,000 + 5,000 sync did not run")
				}
				benchRunStartup(b, synced)
			})
		}
	}
}

// BenchmarkSOGoLocalSaveToServer measures the time from saving a file in
// a synced vdir to the contact being on the server, debounce included.
func BenchmarkSOGoLocalSaveToServer(b *testing.B) {
	l := newLive(b, nil)
	l.waiting()
	dir := l.folder("contacts").LocalPath
	if dir == "" {
		b.Fatal("contacts folder not mapped")
	}
	var times []time.Duration
	for i := 0; i < b.N; i++ {
		l.waiting()
		name := fmt.Sprintf("save-%d", i)
		start := time.Now()
		if err := os.WriteFile(filepath.Join(dir, name+".vcf"), []byte(vcard(name, "Saved", name, "")), 0o600); err != nil {
			b.Fatal(err)
		}
		for l.serverContactWith(name) == "" {
			if time.Since(start) > time.Minute {
				b.Fatalf("%s not on the server after a minute", name)
			}
			time.Sleep(20 * time.Millisecond) // observing the server from outside
		}
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "ms-p50")
}
