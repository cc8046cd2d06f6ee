package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
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

func maxRSSMB() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}

// putMany fills a fresh SOGo user's address book over CardDAV, a few
// requests at a time.
func putMany(b *testing.B, srv *sogotest.Server, user, pass string, n int) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				uid := fmt.Sprintf("b%05d", i)
				srv.PutContact(b, user, pass, uid+".vcf", vcard(uid, "Bench", fmt.Sprintf("%05d", i),
					fmt.Sprintf("EMAIL;TYPE=work:b%05d@example.test\r\nTEL;TYPE=CELL:+1 555 %05d", i, i)))
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// BenchmarkSOGoInitialSync5000Contacts measures a first sync of 5,000
// contacts from SOGo into a vdir: items per second, Cradle's CPU time as a
// share of the wall time (the server should be the bottleneck), and the
// process's peak RSS.
func BenchmarkSOGoInitialSync5000Contacts(b *testing.B) {
	const n = 5000
	srv := sogotest.Start(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		user, pass := srv.NewUser(b)
		putMany(b, srv, user, pass, n)
		root := b.TempDir()
		dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
		config.Save(dirs.Config, &config.Config{Accounts: []config.Account{{Name: "sogo", URL: srv.EASURL(), User: user}}})
		os.MkdirAll(dirs.Data, 0o700)
		e := openDirs(b, dirs, pass)
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		if err := e.SyncOnce(context.Background(), ""); err != nil {
			b.Fatal(err)
		}
		wall, cpu := time.Since(start), cpuTime()-cpu0
		b.StopTimer()
		e.Close()
		b.ReportMetric(float64(n)/wall.Seconds(), "items/s")
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu%")
		b.ReportMetric(maxRSSMB(), "peak-RSS-MB")
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
		os.WriteFile(filepath.Join(dir, name+".vcf"), []byte(vcard(name, "Saved", name, "")), 0o600)
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
