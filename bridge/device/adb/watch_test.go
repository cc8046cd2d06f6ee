package adb

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/internal/fakephone"
)

func TestWatchAttachDetachUnauthorized(t *testing.T) {
	srv := fakephone.StartADBServer(t)
	drv := New(srv.Addr, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	events := make(chan device.Event)
	done := make(chan error, 1)
	go func() { done <- drv.Watch(ctx, events) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Watch returned %v", err)
		}
	})
	next := func(want device.EventType, id string) device.Event {
		t.Helper()
		select {
		case ev := <-events:
			if ev.Type != want || ev.ID != id {
				t.Fatalf("event %v %s, want %v %s", ev.Type, ev.ID, want, id)
			}
			return ev
		case <-ctx.Done():
			t.Fatalf("no %v event for %s", want, id)
		}
		return device.Event{}
	}

	phone, err := fakephone.Start(fakephone.Options{Model: "Pixel_Fake"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Connect(t, phone.Addr())
	ev := next(device.Attach, phone.Addr())
	if ev.Label != "Pixel Fake" {
		t.Errorf("label = %q", ev.Label)
	}
	infos, err := drv.Detect(ctx)
	if err != nil || len(infos) != 1 || infos[0].State != device.Attach {
		t.Fatalf("detect = %+v, %v", infos, err)
	}
	// Pulling the cable: the phone drops the connection. For a TCP
	// device adb 29 keeps trying to reconnect for a minute before it
	// drops it; `adb disconnect` ends that as unplugging USB would.
	phone.Close()
	if out, err := srv.Run(ctx, "disconnect", phone.Addr()); err != nil {
		t.Fatalf("disconnect: %v %s", err, out)
	}
	next(device.Detach, phone.Addr())

	locked, err := fakephone.Start(fakephone.Options{Unauthorized: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locked.Close() })
	srv.Connect(t, locked.Addr())
	ev = next(device.Unauthorized, locked.Addr())
	if ev.Message != UnauthorizedMessage {
		t.Errorf("message = %q", ev.Message)
	}
	if _, err := drv.Open(ctx, locked.Addr()); !errors.Is(err, device.ErrUnauthorized) {
		t.Errorf("open unauthorized: %v", err)
	}
	// The user taps "Allow".
	locked.Authorize()
	next(device.Attach, locked.Addr())
	dev, err := drv.Open(ctx, locked.Addr())
	if err != nil {
		t.Fatalf("open after authorize: %v", err)
	}
	dev.Close()
}
