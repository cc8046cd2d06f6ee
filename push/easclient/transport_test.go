package easclient_test

import (
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"

	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

// connCounter is a Doer that records whether each request reused a
// pooled connection.
type connCounter struct {
	next   *http.Client
	mu     sync.Mutex
	reused []bool
}

func (c *connCounter) Do(req *http.Request) (*http.Response, error) {
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		c.mu.Lock()
		c.reused = append(c.reused, i.Reused)
		c.mu.Unlock()
	}}
	return c.next.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
}

// TestKeepAlive checks that one connection carries every command, also
// across error responses whose bodies must be drained.
func TestKeepAlive(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	cc := &connCounter{next: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	c := newClient(t, srv, func(cfg *easclient.Config) { cfg.HTTP = cc })
	ctx := t.Context()
	srv.Inject(eastest.Fault{Command: "FolderSync", HTTPStatus: http.StatusServiceUnavailable})
	srv.Inject(eastest.Fault{Command: "FolderSync", HTTPStatus: http.StatusForbidden})
	for range 2 {
		if _, err := c.FolderSync(ctx, "0"); err == nil {
			t.Fatal("fault not reported")
		}
	}
	for range 3 {
		if _, err := c.FolderSync(ctx, "0"); err != nil {
			t.Fatal(err)
		}
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if len(cc.reused) != 6 { // OPTIONS + 5 FolderSync
		t.Fatalf("%d requests traced, want 6", len(cc.reused))
	}
	for i, r := range cc.reused[1:] {
		if !r {
			t.Errorf("request %d opened a new connection", i+1)
		}
	}
}

func TestResponseSizeBounded(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, func(cfg *easclient.Config) { cfg.MaxResponse = 64 })
	_, err := c.FolderSync(t.Context(), "0")
	if err == nil || !strings.Contains(err.Error(), "exceeds 64 bytes") {
		t.Fatalf("err = %v, want size limit", err)
	}
}
