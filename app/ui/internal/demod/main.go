// Command demod serves a control socket with made-up accounts, folders,
// conflicts and events, so Cradle's windows can be shown and
// photographed (scripts/screenshots.sh) without a server or real data.
// It runs until interrupted.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

func main() {
	socket := flag.String("socket", "", "control socket to listen on (required)")
	flag.Parse()
	if *socket == "" {
		fmt.Fprintln(os.Stderr, "demod: --socket is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *socket); err != nil {
		fmt.Fprintln(os.Stderr, "demod:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, socket string) error {
	ln, err := control.Listen(socket)
	if err != nil {
		return err
	}
	now := time.Now()
	b := controltest.NewBackend(demoStatus(now), demoConflicts(now)...)
	b.SetDevices(
		api.Device{Name: "Pixel 7", Driver: "adb", ID: "2A121FDH200B3K", State: "attached", Account: "work",
			Contacts: "c1", Calendar: "k1", LastReconcile: now.Add(-12 * time.Minute), SafeToUnplug: true},
		api.Device{Name: "Nokia 6310", Driver: "gammu", ID: "/dev/ttyACM0", State: "unpaired", SafeToUnplug: true},
	)
	slog.Info("demo daemon listening", "socket", socket)
	go publish(ctx, b)
	return control.Serve(ctx, ln, b)
}

// publish replays a few changes, one a second, to whoever watches, so
// the activity window has recent changes to list. It stops with ctx.
func publish(ctx context.Context, b *controltest.Backend) {
	evs := []api.Event{
		{Account: "work", Folder: "Calendar", Type: "change", Side: "server", Action: "add", Detail: "Quarterly planning"},
		{Account: "work", Folder: "Contacts", Type: "change", Side: "local", Action: "update", Detail: "Carol White"},
		{Account: "work", Folder: "Contacts", Type: "conflict", UID: "bob-jones"},
		{Account: "family", Folder: "Family", Type: "change", Side: "server", Action: "delete", Detail: "Dentist"},
		{Account: "work", Folder: "Tasks", Type: "change", Side: "local", Action: "add", Detail: "Send invoice"},
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			ev := evs[i%len(evs)]
			ev.Time = now
			b.Publish(ev)
		}
	}
}

func demoStatus(now time.Time) api.Status {
	return api.Status{Conflicts: 2, Accounts: []api.Account{
		{Name: "work", URL: "https://mail.example.com/Microsoft-Server-ActiveSync", User: "ann@example.com", State: "waiting",
			LastSync: now.Add(-4 * time.Minute), Heartbeat: "15m0s", Folders: []api.Folder{
				{ID: "c1", Name: "Contacts", Kind: "contacts", State: "active", Items: 412, LastSync: now.Add(-4 * time.Minute), Conflicts: 2},
				{ID: "k1", Name: "Calendar", Kind: "calendar", State: "active", Items: 1290, LastSync: now.Add(-4 * time.Minute), Pending: 1},
				{ID: "t1", Name: "Tasks", Kind: "tasks", State: "active", Items: 37, LastSync: now.Add(-4 * time.Minute)},
			}},
		{Name: "family", URL: "https://sogo.example.org/SOGo/Microsoft-Server-ActiveSync", User: "ann", State: "syncing", Folders: []api.Folder{
			{ID: "personal", Name: "Personal Address Book", Kind: "contacts", State: "active", Items: 58},
			{ID: "cal", Name: "Family", Kind: "calendar", State: "active", Items: 120},
		}},
		{Name: "local", State: "local", Folders: []api.Folder{
			{ID: "contacts", Name: "This computer", Kind: "contacts", State: "active", Items: 9, LastSync: now.Add(-time.Hour)},
		}},
	}}
}

func demoConflicts(now time.Time) []api.Conflict {
	return []api.Conflict{
		{ID: 1, Account: "work", Folder: "Contacts", Kind: "contacts", UID: "alice-smith", Created: now.Add(-20 * time.Minute),
			Local:  "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:alice-smith\r\nFN:Alice Smith\r\nN:Smith;Alice;;;\r\nORG:Example GmbH\r\nTEL;TYPE=CELL:+49 151 1111111\r\nEMAIL;TYPE=WORK:alice@example.com\r\nNOTE:Prefers calls after 10\r\nEND:VCARD\r\n",
			Server: "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:alice-smith\r\nFN:Alice Smith\r\nN:Smith;Alice;;;\r\nORG:Example AG\r\nTEL;TYPE=CELL:+49 151 2222222\r\nEMAIL;TYPE=WORK:alice@example.com\r\nEND:VCARD\r\n"},
		{ID: 2, Account: "work", Folder: "Contacts", Kind: "contacts", UID: "bob-jones", Created: now.Add(-5 * time.Minute),
			Local:  "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob-jones\r\nFN:Bob Jones\r\nTEL;TYPE=HOME:+44 20 7946 0000\r\nEND:VCARD\r\n",
			Server: "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob-jones\r\nFN:Robert Jones\r\nTEL;TYPE=HOME:+44 20 7946 0000\r\nEND:VCARD\r\n"},
	}
}
