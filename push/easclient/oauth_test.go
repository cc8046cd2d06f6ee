package easclient_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

// oauthServer is a minimal OAuth2 authorization server: device
// authorization (RFC 8628) and the token endpoint with refresh.
type oauthServer struct {
	*httptest.Server
	mu       sync.Mutex
	pending  int // device-code polls to answer with authorization_pending
	refreshs []string
	polls    int
}

func newOAuthServer(t *testing.T, pending int) *oauthServer {
	o := &oauthServer{pending: pending}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /devicecode", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_id") != "cradle-test" {
			http.Error(w, "bad client", http.StatusBadRequest)
			return
		}
		writeJSON(w, map[string]any{
			"device_code": "dc-1", "user_code": "ABCD-EFGH", "verification_uri": o.URL + "/verify",
			"expires_in": 300, "interval": 1,
		})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		defer o.mu.Unlock()
		switch r.FormValue("grant_type") {
		case "urn:ietf:params:oauth:grant-type:device_code":
			o.polls++
			if r.FormValue("device_code") != "dc-1" {
				writeJSONStatus(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
				return
			}
			if o.pending > 0 {
				o.pending--
				writeJSONStatus(w, http.StatusBadRequest, map[string]any{"error": "authorization_pending"})
				return
			}
			writeJSON(w, map[string]any{"access_token": "access-1", "refresh_token": "refresh-1", "token_type": "Bearer", "expires_in": 3600})
		case "refresh_token":
			o.refreshs = append(o.refreshs, r.FormValue("refresh_token"))
			writeJSON(w, map[string]any{"access_token": "access-2", "refresh_token": "refresh-2", "token_type": "Bearer", "expires_in": 3600})
		default:
			writeJSONStatus(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type"})
		}
	})
	o.Server = httptest.NewServer(mux)
	t.Cleanup(o.Close)
	return o
}

func (o *oauthServer) endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{DeviceAuthURL: o.URL + "/devicecode", TokenURL: o.URL + "/token", AuthStyle: oauth2.AuthStyleInParams}
}

func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

func writeJSONStatus(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func bearerOnly(token string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+token }
}

func TestBearerRefresh(t *testing.T) {
	o := newOAuthServer(t, 0)
	srv := eastest.Start(t, eastest.Config{Authenticate: bearerOnly("access-2")})
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, o.Client())
	// A stored token whose access token has expired: the source must
	// refresh it before the first request.
	stored := &oauth2.Token{AccessToken: "access-1", RefreshToken: "refresh-1", Expiry: time.Now().Add(-time.Minute)}
	ts := easclient.TokenSource(ctx, o.endpoint(), "cradle-test", easclient.ExchangeOnlineScopes, stored)
	c := newClient(t, srv, func(cfg *easclient.Config) { cfg.Auth = easclient.BearerAuth(ts) })
	for range 2 {
		if _, err := c.FolderSync(t.Context(), "0"); err != nil {
			t.Fatal(err)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.refreshs) != 1 || o.refreshs[0] != "refresh-1" {
		t.Errorf("refresh requests = %v, want one with refresh-1", o.refreshs)
	}
}

func TestDeviceCodeLogin(t *testing.T) {
	o := newOAuthServer(t, 1)
	srv := eastest.Start(t, eastest.Config{Authenticate: bearerOnly("access-1")})
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, o.Client())
	var gotCode, gotURL string
	ts, tok, err := easclient.DeviceCodeLogin(ctx, o.endpoint(), "cradle-test", easclient.ExchangeOnlineScopes,
		func(code, url string) { gotCode, gotURL = code, url })
	if err != nil {
		t.Fatal(err)
	}
	if gotCode != "ABCD-EFGH" || gotURL != o.URL+"/verify" {
		t.Errorf("prompt got %q %q", gotCode, gotURL)
	}
	if tok.RefreshToken != "refresh-1" {
		t.Errorf("token = %+v", tok)
	}
	o.mu.Lock()
	polls := o.polls
	o.mu.Unlock()
	if polls != 2 {
		t.Errorf("token endpoint polled %d times, want 2 (pending, then granted)", polls)
	}
	c := newClient(t, srv, func(cfg *easclient.Config) { cfg.Auth = easclient.BearerAuth(ts) })
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
}

func TestDeviceCodeLoginCancelled(t *testing.T) {
	o := newOAuthServer(t, 1000)
	ctx, cancel := context.WithCancel(context.WithValue(t.Context(), oauth2.HTTPClient, o.Client()))
	_, _, err := easclient.DeviceCodeLogin(ctx, o.endpoint(), "cradle-test", nil, func(string, string) { cancel() })
	if err == nil {
		t.Fatal("login succeeded after cancel")
	}
}
