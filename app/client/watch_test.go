package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

func TestWatchInOrder(t *testing.T) {
	b, c := daemon(t, nil)
	ctx := ctxT(t)
	events, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Watch returned, so the subscription exists: nothing below is lost.
	// Each event is awaited before the next is published, so the fake's
	// small buffer never drops one.
	for i := range 3 * controltest.SubscriptionBuffer {
		want := api.Event{Time: created.Add(time.Duration(i) * time.Second), Account: "work",
			Type: "change", Side: "server", Action: "add", UID: fmt.Sprint("u", i)}
		if n := b.Publish(want); n != 1 {
			t.Fatalf("event %d reached %d subscriptions, want 1", i, n)
		}
		select {
		case got, ok := <-events:
			if !ok {
				t.Fatalf("stream closed before event %d", i)
			}
			if got != want {
				t.Fatalf("event %d = %+v, want %+v", i, got, want)
			}
		case <-ctx.Done():
			t.Fatalf("event %d never arrived", i)
		}
	}
}

// drained waits for events to be closed, failing if it is not within the
// test's deadline.
func drained(t *testing.T, events <-chan api.Event) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("event stream not closed")
		}
	}
}

func TestWatchEndsWithContext(t *testing.T) {
	b, c := daemon(t, nil)
	ctx, cancel := context.WithCancel(ctxT(t))
	events, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	drained(t, events)
	// The daemon notices the client left and ends the subscription.
	if err := b.WaitSubscribers(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
}

func TestShutdownEndsStreams(t *testing.T) {
	b := controltest.NewBackend(api.Status{})
	path := controltest.SocketPath(t)
	ln, err := control.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- control.Serve(ctx, ln, b) }()

	c := client.New(path)
	events, err := c.Watch(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	drained(t, events)
	if err := b.WaitSubscribers(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(ctxT(t)); !errors.Is(err, client.ErrNotRunning) {
		t.Errorf("Status after shutdown: %v, want ErrNotRunning", err)
	}
}

// A watcher that stops reading must not hold the daemon: the backend
// keeps publishing (dropping what the subscription cannot take), other
// requests are served, and the server cuts the watcher loose.
func TestSlowWatcherIsDropped(t *testing.T) {
	b, c := daemon(t, &control.Server{StreamWriteTimeout: 500 * time.Millisecond})
	ctx := ctxT(t)
	conn, err := control.Dial(ctx, c.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Ask for the stream, then never read the answer.
	if _, err := io.WriteString(conn, "GET /v1/events HTTP/1.1\r\nHost: cradle\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitSubscribers(ctx, 1); err != nil {
		t.Fatal(err)
	}

	big := api.Event{Type: "error", Detail: strings.Repeat("x", 64<<10)}
	gone := make(chan error, 1)
	go func() { gone <- b.WaitSubscribers(ctx, 0) }()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	served := false
	for {
		select {
		case err := <-gone:
			if err != nil {
				t.Fatalf("stuck watcher kept its subscription: %v", err)
			}
			if !served {
				t.Error("no request was served while the watcher was stuck")
			}
			if b.Dropped() == 0 {
				t.Error("backend never had to drop an event; the watcher was not stuck")
			}
			return
		case <-tick.C:
			b.Publish(big) // never blocks; must not need to
			// Once events are dropped the watcher is surely stuck, and
			// the write timeout leaves ample time for this request.
			if !served && b.Dropped() > 0 {
				if _, err := c.Status(ctx); err != nil {
					t.Fatalf("Status while a watcher is stuck: %v", err)
				}
				served = true
			}
		}
	}
}

// The daemon's real Quit cancels the context Serve runs under; the quit
// request must still get its answer, and Serve must then return.
func TestQuitStopsDaemon(t *testing.T) {
	b := controltest.NewBackend(api.Status{})
	path := controltest.SocketPath(t)
	ln, err := control.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- control.Serve(ctx, ln, b) }()
	go func() {
		select {
		case <-b.Quitting():
			stop()
		case <-ctx.Done():
		}
	}()

	if err := client.New(path).Quit(ctxT(t)); err != nil {
		t.Fatalf("Quit: %v", err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after Quit")
	}
}
