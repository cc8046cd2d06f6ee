package easclient_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

var watched = []push.PingFolder{{ID: "contacts", Class: "Contacts"}, {ID: "calendar", Class: "Calendar"}}

// primed returns a client that has synced both watched folders.
func primed(t *testing.T, srv *eastest.Server) *easclient.Client {
	t.Helper()
	c := newClient(t, srv, nil)
	for _, f := range watched {
		if _, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: f.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

type pingResult struct {
	resp *push.PingResponse
	err  error
}

func startPing(ctx context.Context, c *easclient.Client, hb time.Duration, folders []push.PingFolder) <-chan pingResult {
	ch := make(chan pingResult, 1)
	go func() {
		r, err := c.Ping(ctx, hb, folders)
		ch <- pingResult{r, err}
	}()
	return ch
}

func TestPingReportsChange(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := primed(t, srv)
	done := startPing(t.Context(), c, 3000*time.Second, watched)
	if err := srv.WaitHeld(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddItem("calendar", contact(t, "FileAs", "x")); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.resp.Status != push.PingChanges || !reflect.DeepEqual(r.resp.Folders, []string{"calendar"}) {
		t.Fatalf("Ping = %+v, %v; want Status 2 for calendar", r.resp, r.err)
	}
	// Nothing happened between the Ping and the change: the log shows the
	// Ping as the last request.
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Command != "Ping" || !reflect.DeepEqual(last.Folders, []string{"contacts", "calendar"}) {
		t.Errorf("last request = %+v", last)
	}
}

func TestPingExpires(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{HeartbeatUnit: time.Millisecond})
	c := primed(t, srv)
	start := time.Now()
	r, err := c.Ping(t.Context(), 50*time.Second, watched) // 50 "seconds" of 1 ms
	if err != nil || r.Status != push.PingExpired {
		t.Fatalf("Ping = %+v, %v; want Status 1", r, err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("Ping returned after %v, before its heartbeat", d)
	}
}

func TestPingCancelled(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := primed(t, srv)
	ctx, cancel := context.WithCancel(t.Context())
	done := startPing(ctx, c, 3000*time.Second, watched)
	if err := srv.WaitHeld(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	r := <-done
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", r.err)
	}
}

func TestPingConnectionCut(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := primed(t, srv)
	done := startPing(t.Context(), c, 3000*time.Second, watched)
	// A connection dropped right after the request was written may be
	// retried once by the client (it looks like a stale keep-alive), so cut
	// every held Ping until the call returns.
	var r pingResult
	for cut := 0; ; {
		if err := srv.WaitHeld(t.Context(), 1); err != nil {
			t.Fatal(err)
		}
		cut += srv.CutHeld()
		if cut > 2 {
			t.Fatalf("cut %d Pings; the client keeps retrying", cut)
		}
		select {
		case r = <-done:
		case <-time.After(100 * time.Millisecond):
			continue // the retried Ping is not held yet
		}
		break
	}
	var pe *push.Error
	if r.err == nil || errors.As(r.err, &pe) {
		t.Fatalf("err = %v, want a transport error", r.err)
	}
}

func TestPingReleasedOnClose(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := primed(t, srv)
	done := startPing(t.Context(), c, 3000*time.Second, watched)
	if err := srv.WaitHeld(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	var ra *easclient.RetryAfterError
	if r := <-done; !errors.As(r.err, &ra) {
		t.Fatalf("err = %v, want 503", r.err)
	}
}

func TestPingStatuses(t *testing.T) {
	tests := []struct {
		name   string
		cfg    eastest.Config
		fault  *eastest.Fault
		hb     time.Duration
		status push.PingStatus
		check  func(*push.PingResponse) bool
	}{
		{"heartbeat too long", eastest.Config{MaxHeartbeat: 600}, nil, 900 * time.Second, push.PingInvalidHeartbeat,
			func(r *push.PingResponse) bool { return r.HeartbeatInterval == 600 }},
		{"heartbeat too short", eastest.Config{MinHeartbeat: 60}, nil, 10 * time.Second, push.PingInvalidHeartbeat,
			func(r *push.PingResponse) bool { return r.HeartbeatInterval == 60 }},
		{"too many folders", eastest.Config{MaxFolders: 1}, nil, 60 * time.Second, push.PingTooManyFolders,
			func(r *push.PingResponse) bool { return r.MaxFolders == 1 }},
		{"injected 5", eastest.Config{}, &eastest.Fault{Command: "Ping", Status: 5, Limit: 480}, 900 * time.Second, push.PingInvalidHeartbeat,
			func(r *push.PingResponse) bool { return r.HeartbeatInterval == 480 }},
		{"injected 7", eastest.Config{}, &eastest.Fault{Command: "Ping", Status: 7}, 60 * time.Second, push.PingHierarchyChanged,
			func(r *push.PingResponse) bool { return true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := eastest.Start(t, tt.cfg)
			c := primed(t, srv)
			if tt.fault != nil {
				srv.Inject(*tt.fault)
			}
			r, err := c.Ping(t.Context(), tt.hb, watched)
			var pe *push.Error
			if !errors.As(err, &pe) || pe.Status != int(tt.status) || r == nil || r.Status != tt.status || !tt.check(r) {
				t.Fatalf("Ping = %+v, %v; want status %d", r, err, tt.status)
			}
			if tt.status == push.PingHierarchyChanged && !push.IsFolderHierarchyChanged(err) {
				t.Error("IsFolderHierarchyChanged = false")
			}
		})
	}
}

func TestPingEmptyReusesFolders(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{HeartbeatUnit: time.Millisecond})
	c := primed(t, srv)
	// Without a cached request, an empty Ping is answered with Status 3.
	r, err := c.Ping(t.Context(), 0, nil)
	if r == nil || r.Status != push.PingMissingParams || err == nil {
		t.Fatalf("first empty Ping = %+v, %v; want Status 3", r, err)
	}
	if _, err := c.Ping(t.Context(), 20*time.Second, watched); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddItem("contacts", contact(t, "FileAs", "y")); err != nil {
		t.Fatal(err)
	}
	r, err = c.Ping(t.Context(), 0, nil)
	if err != nil || r.Status != push.PingChanges || !reflect.DeepEqual(r.Folders, []string{"contacts"}) {
		t.Fatalf("empty Ping = %+v, %v; want Status 2 for contacts", r, err)
	}
}

func TestSyncLongPoll(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	key, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *push.SyncResponse, 1)
	go func() {
		r, err := c.Sync(t.Context(), &push.SyncRequest{
			Collections:       []push.SyncCollection{{SyncKey: key, CollectionID: "contacts"}},
			HeartbeatInterval: 3000,
		})
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	if err := srv.WaitHeld(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddItem("contacts", contact(t, "FileAs", "z")); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r == nil || len(r.Collections) != 1 || r.Collections[0].Commands.Len() != 1 {
		t.Fatalf("long-poll Sync = %+v", r)
	}
}
