package control_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

// rawClient speaks plain HTTP to the socket, to send what app/client
// never would.
func rawClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return control.Dial(ctx, path)
		},
	}}
}

func TestMalformedRequests(t *testing.T) {
	b := controltest.NewBackend(api.Status{}, api.Conflict{ID: 1})
	hc := rawClient(controltest.Start(t, &control.Server{Backend: b}))
	for _, tc := range []struct {
		method, target, body string
		code                 int
		msg                  string // substring of the JSON error
		allow                string
	}{
		{"POST", "/v1/status", "", 405, "POST not allowed", "GET"},
		{"GET", "/v1/quit", "", 405, "GET not allowed", "POST"},
		{"GET", "/v2/status", "", 404, "no such endpoint", ""},
		{"GET", "/v1/conflicts/abc", "", 400, `bad conflict id "abc"`, ""},
		{"GET", "/v1/conflicts/0", "", 400, "bad conflict id", ""},
		{"GET", "/v1/conflicts/99", "", 404, "conflict 99", ""},
		{"POST", "/v1/conflicts/1/resolve?keep=mine", "", 400, `not "mine"`, ""},
		{"POST", "/v1/conflicts/1/resolve", "", 400, "keep must be", ""},
		{"POST", "/v1/mass-delete/allow?account=a", "", 400, "account and folder", ""},
		{"POST", "/v1/sync", strings.Repeat("x", 1<<20), 413, "too large", ""},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, "http://cradle"+tc.target, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct{ Error string }
			raw, _ := io.ReadAll(resp.Body)
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("body %q is not JSON: %v", raw, err)
			}
			if resp.StatusCode != tc.code || !strings.Contains(body.Error, tc.msg) {
				t.Errorf("got %d %q, want %d containing %q", resp.StatusCode, body.Error, tc.code, tc.msg)
			}
			if got := resp.Header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow = %q, want %q", got, tc.allow)
			}
		})
	}
	for _, c := range b.Calls() {
		if !strings.HasPrefix(c, "Conflict 99") {
			t.Errorf("backend reached by a malformed request: %s", c)
		}
	}
}

func TestServeReturnsWhenListenerFails(t *testing.T) {
	ln, err := control.Listen(controltest.SocketPath(t))
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	err = control.Serve(context.Background(), ln, controltest.NewBackend(api.Status{}))
	if err == nil {
		t.Fatal("Serve on a closed listener returned nil")
	}
}
