package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/internal/sogotest"
)

// procTimes reads a process's CPU time (user+system) and resident memory
// from /proc.
func procTimes(pid int) (cpu time.Duration, rssMB float64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	rss, _ := strconv.ParseInt(f[21], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticks, float64(rss*int64(os.Getpagesize())) / (1 << 20), nil
}

// BenchmarkDaemonIdle measures what `cradle run` costs while nothing
// changes: one account pushing against SOGo, no window, no tray, over one
// minute. Reported per minute of idling, and the resident memory.
func BenchmarkDaemonIdle(b *testing.B) {
	srv := sogotest.Start(b)
	user, pass := srv.NewUser(b)
	srv.PutContact(b, user, pass, "a.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:A B\r\nN:B;A;;;\r\nEND:VCARD\r\n")
	in := newInstallTB(b, srv, user, pass)
	// The production heartbeat: idling is what is measured.
	env := in.env[:0:0]
	for _, kv := range in.env {
		if !strings.HasPrefix(kv, "CRADLE_MAX_HEARTBEAT=") {
			env = append(env, kv)
		}
	}
	in.env = env
	for i := 0; i < b.N; i++ {
		cmd := in.start()
		in.waitState("waiting", time.Minute)
		c0, _, err := procTimes(cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		time.Sleep(time.Minute) // the measurement window: the daemon is left alone
		c1, rss, err := procTimes(cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		in.syncOnce()
		b.ReportMetric((c1 - c0).Seconds(), "cpu-s/idle-min")
		b.ReportMetric(rss, "RSS-MB")
	}
}
