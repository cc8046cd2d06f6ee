package tray

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/app/tray/internal/bustest"
)

func TestNotifier(t *testing.T) {
	bus := bustest.StartBus(t)
	service := bustest.ServeNotifications(t, bus.Conn(t))
	nf := &Notifier{Address: bus.Address}
	ctx := context.Background()

	get := func() bustest.Notification {
		t.Helper()
		select {
		case n := <-service.Shown:
			return n
		case <-time.After(wait):
			t.Fatal("nothing shown")
		}
		return bustest.Notification{}
	}

	if err := nf.Notify(ctx, Note{Key: "conflicts", Title: "New conflict", Body: "b1"}); err != nil {
		t.Fatal(err)
	}
	first := get()
	if first.App != "Cradle" || first.Icon != "cradle" || first.Summary != "New conflict" || first.Body != "b1" || first.Replaces != 0 {
		t.Errorf("first notification %+v", first)
	}
	if v, ok := first.Hints["desktop-entry"]; !ok || v.Value() != "cradle" {
		t.Errorf("desktop-entry hint %v", first.Hints)
	}

	// Another key stacks; the same key replaces what it showed before.
	if err := nf.Notify(ctx, Note{Key: "auth", Title: "Cradle cannot sign in"}); err != nil {
		t.Fatal(err)
	}
	if n := get(); n.Replaces != 0 {
		t.Errorf("auth note replaces %d", n.Replaces)
	}
	if err := nf.Notify(ctx, Note{Key: "conflicts", Title: "2 new conflicts"}); err != nil {
		t.Fatal(err)
	}
	if n := get(); n.Replaces != first.ID {
		t.Errorf("second conflict note replaces %d, want %d", n.Replaces, first.ID)
	}
}

func TestNotifierWithoutService(t *testing.T) {
	bus := bustest.StartBus(t)
	tests := map[string]*Notifier{
		"no service on the bus": {Address: bus.Address},
		"bus unreachable":       {Address: "unix:path=" + t.TempDir() + "/none"},
	}
	for name, nf := range tests {
		err := nf.Notify(context.Background(), Note{Title: "x"})
		if !errors.Is(err, ErrNoNotifications) {
			t.Errorf("%s: err = %v, want ErrNoNotifications", name, err)
		}
	}
}

func TestSessionAddress(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/x")
	if got := sessionAddress(); got != "unix:path=/tmp/x" {
		t.Errorf("from environment: %q", got)
	}
	// "autolaunch:" asks for dbus-launch, which a daemon must never run.
	for _, v := range []string{"", "autolaunch:"} {
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", v)
		if got, want := sessionAddress(), sessionAddressFor(os.Getuid()); got != want {
			t.Errorf("with %q: %q, want the /run/user socket or nothing (%q)", v, got, want)
		}
	}
	if got := sessionAddressFor(-12345); got != "" {
		t.Errorf("uid without a runtime dir: %q", got)
	}
}
