//go:build linux

// Command idlecost measures what the tray costs while nothing happens:
// CPU time, context switches and memory of this process over a quiet
// window, with the tray showing a fixed snapshot. Run it in a session:
//
//	scripts/xvfb-session.sh go run ./app/tray/internal/idlecost -seconds 60
//
// -host also registers a stand-in tray host (StatusNotifierWatcher) from
// this process, as a panel would; -baseline skips the tray to show what
// the Go runtime alone costs.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/cradle-sync/cradle/app/tray"
)

type model struct{ feed *tray.Feed }

func (m model) Updates() <-chan tray.Snapshot         { return m.feed.Updates() }
func (m model) Do(context.Context, tray.Action) error { return nil }

type watcher struct{}

func (watcher) RegisterStatusNotifierItem(string) *dbus.Error { return nil }

func main() {
	seconds := flag.Int("seconds", 60, "length of the quiet window")
	host := flag.Bool("host", true, "serve a stand-in StatusNotifierWatcher in this process")
	baseline := flag.Bool("baseline", false, "measure without the tray")
	flag.Parse()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	if *host {
		conn, err := dbus.SessionBusPrivate()
		if err == nil {
			err = conn.Auth(nil)
		}
		if err == nil {
			err = conn.Hello()
		}
		if err == nil {
			err = conn.Export(watcher{}, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher")
		}
		if err == nil {
			_, err = conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "idlecost: tray host:", err)
			os.Exit(1)
		}
		defer conn.Close()
	}

	done := make(chan error, 1)
	if !*baseline {
		m := model{feed: tray.NewFeed()}
		m.feed.Publish(tray.Snapshot{State: tray.UpToDate, LastSync: time.Now(), Waiting: 0})
		go func() { done <- tray.Run(ctx, m, tray.Options{Logger: slog.Default()}) }()
	}

	// Let start-up work (exports, first render, GC of start-up garbage)
	// finish before the window opens.
	time.Sleep(3 * time.Second)
	before := sample()
	time.Sleep(time.Duration(*seconds) * time.Second)
	after := sample()

	cpu := after.cpu - before.cpu
	fmt.Printf("mode=%s window=%ds cpu=%.3fs (%.3f%% of a core) ctxsw=%d rss=%s hwm=%s threads=%s\n",
		map[bool]string{true: "baseline", false: "tray"}[*baseline], *seconds,
		cpu.Seconds(), 100*cpu.Seconds()/float64(*seconds), after.switches-before.switches,
		after.status["VmRSS"], after.status["VmHWM"], after.status["Threads"])
	cancel()
	if !*baseline {
		if err := <-done; err != nil {
			fmt.Fprintln(os.Stderr, "idlecost: tray:", err)
		}
	}
}

type snapshot struct {
	cpu      time.Duration
	switches int64
	status   map[string]string
}

func sample() snapshot {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	s := snapshot{
		cpu:      time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		switches: ru.Nvcsw + ru.Nivcsw,
		status:   map[string]string{},
	}
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			s.status[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	return s
}
