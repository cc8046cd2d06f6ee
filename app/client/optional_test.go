package client_test

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

var (
	phone = api.Device{Name: "Pixel 7", Driver: "adb", ID: "3A1B", State: "attached", Account: "work",
		Contacts: "7", Calendar: "9", SafeToUnplug: true, LastReconcile: created}
	slashed = api.Device{Name: "nokia/6310 ?#%", Driver: "gammu", ID: "/dev/ttyACM0", State: "attached"}
	events  = []api.Event{
		{Time: created, Account: "work", Folder: "7", Type: "change", Side: "server", Action: "add", UID: "u1"},
		{Time: created.Add(time.Second), Account: "work", Type: "status", Detail: "waiting"},
		{Time: created.Add(2 * time.Second), Account: "work", Folder: "7", Type: "conflict", Side: "local", UID: "u2"},
	}
)

func TestOptionalRoutes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		call  func(context.Context, *client.Client) (any, error)
		want  any
		calls []string
	}{
		{"activity all", func(ctx context.Context, c *client.Client) (any, error) { return c.Activity(ctx, 0) },
			events, []string{"Activity 0"}},
		{"activity newest two", func(ctx context.Context, c *client.Client) (any, error) { return c.Activity(ctx, 2) },
			events[1:], []string{"Activity 2"}},
		{"activity negative means all", func(ctx context.Context, c *client.Client) (any, error) { return c.Activity(ctx, -3) },
			events, []string{"Activity 0"}},
		{"devices", func(ctx context.Context, c *client.Client) (any, error) { return c.Devices(ctx) },
			[]api.Device{phone, slashed}, []string{"Devices"}},
		{"sync device", func(ctx context.Context, c *client.Client) (any, error) { return nil, c.SyncDevice(ctx, "Pixel 7") },
			nil, []string{"SyncDevice Pixel 7"}},
		{"sync device with a slash in its name", func(ctx context.Context, c *client.Client) (any, error) {
			return nil, c.SyncDevice(ctx, slashed.Name)
		}, nil, []string{"SyncDevice " + slashed.Name}},
		{"reload", func(ctx context.Context, c *client.Client) (any, error) { return nil, c.Reload(ctx) },
			nil, []string{"Reload"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, c := daemon(t, nil)
			b.SetDevices(phone, slashed)
			for _, ev := range events {
				b.Publish(ev)
			}
			got, err := tc.call(ctxT(t), c)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if calls := b.Calls(); !reflect.DeepEqual(calls, tc.calls) {
				t.Errorf("backend calls = %q, want %q", calls, tc.calls)
			}
		})
	}
}

func TestOptionalErrors(t *testing.T) {
	b, c := daemon(t, nil)
	b.SetDevices(phone)
	ctx := ctxT(t)
	err := c.SyncDevice(ctx, "iPhone")
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, client.ErrUnsupported) {
		t.Errorf("unknown device: %v, want fs.ErrNotExist only", err)
	}
	if err := c.SyncDevice(ctx, ""); err == nil {
		t.Error("an empty device name was accepted")
	}
	b.FailWith(errors.New("config.toml: unknown setting"))
	err = c.Reload(ctx)
	var e *client.Error
	if !errors.As(err, &e) || e.StatusCode != 500 || e.Message != "reload: config.toml: unknown setting" {
		t.Errorf("failed reload: %v", err)
	}
	if errors.Is(err, client.ErrUnsupported) {
		t.Error("a failed reload reads as unsupported")
	}
}

// Against a daemon without the optional interfaces every new call fails
// with an error matching ErrUnsupported, and nothing reaches the backend.
func TestOptionalUnsupported(t *testing.T) {
	b := controltest.NewBackend(status)
	c := client.New(controltest.Start(t, &control.Server{Backend: controltest.Basic(b)}))
	t.Cleanup(c.Close)
	ctx := ctxT(t)
	for name, call := range map[string]func() error{
		"activity": func() error { _, err := c.Activity(ctx, 10); return err },
		"devices":  func() error { _, err := c.Devices(ctx); return err },
		"sync":     func() error { return c.SyncDevice(ctx, "Pixel 7") },
		"reload":   func() error { return c.Reload(ctx) },
	} {
		err := call()
		if !errors.Is(err, client.ErrUnsupported) {
			t.Errorf("%s: %v, want ErrUnsupported", name, err)
		}
		if errors.Is(err, client.ErrNotRunning) || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %v also matches another sentinel", name, err)
		}
	}
	if _, err := c.Status(ctx); err != nil {
		t.Errorf("the core routes stopped working: %v", err)
	}
	if calls := b.Calls(); !reflect.DeepEqual(calls, []string{"Status"}) {
		t.Errorf("backend calls = %q", calls)
	}
}

func TestOptionalNotRunning(t *testing.T) {
	c := client.New(controltest.SocketPath(t))
	ctx := ctxT(t)
	if _, err := c.Activity(ctx, 1); !errors.Is(err, client.ErrNotRunning) {
		t.Errorf("Activity: %v", err)
	}
	if err := c.Reload(ctx); !errors.Is(err, client.ErrNotRunning) || errors.Is(err, client.ErrUnsupported) {
		t.Errorf("Reload: %v", err)
	}
}
