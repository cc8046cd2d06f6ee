package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

// tokenServer is an OAuth2 token endpoint that trades refresh-1 for
// access-2/refresh-2 and refuses anything else.
type tokenServer struct {
	*httptest.Server
	mu        sync.Mutex
	refreshes int
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.FormValue("grant_type") != "refresh_token" || r.FormValue("refresh_token") != "refresh-1" ||
			r.FormValue("client_id") != "cradle-test" {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
			return
		}
		ts.refreshes++
		json.NewEncoder(w).Encode(map[string]any{"access_token": "access-2", "refresh_token": "refresh-2",
			"token_type": "Bearer", "expires_in": 3600})
	})
	ts.Server = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// A Microsoft 365 account whose stored token has expired is refreshed
// before the first request, syncs with the new bearer token, and the
// refreshed token (with its rotated refresh token) is stored.
func TestOAuth2AccountRefreshesAndStoresToken(t *testing.T) {
	tokens := newTokenServer(t)
	var mu sync.Mutex
	seen := map[string]int{}
	srv := eastest.Start(t, eastest.Config{Authenticate: func(r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		h := r.Header.Get("Authorization")
		seen[h]++
		return h == "Bearer access-2"
	}})
	root := t.TempDir()
	dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
	acc := config.Account{Name: "m365", URL: srv.URL, User: "ann@example.com", Auth: config.AuthOAuth2,
		ClientID: "cradle-test", Authority: tokens.URL}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{acc}}); err != nil {
		t.Fatal(err)
	}
	secrets := &secret.File{Path: filepath.Join(dirs.Data, "secrets.json")}
	expired := &oauth2.Token{AccessToken: "access-1", RefreshToken: "refresh-1", TokenType: "Bearer",
		Expiry: time.Now().Add(-time.Hour)}
	if err := secret.SetToken(secrets, "m365", expired); err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(context.Background(), engine.Options{Dirs: dirs, Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.SyncOnce(context.Background(), ""); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	if seen["Bearer access-2"] == 0 || len(seen) != 1 {
		t.Errorf("server saw Authorization %v; want only the refreshed bearer token", seen)
	}
	mu.Unlock()
	if tokens.refreshes != 1 {
		t.Errorf("%d refreshes; want 1", tokens.refreshes)
	}
	stored, err := secret.GetToken(secrets, "m365")
	if err != nil || stored.AccessToken != "access-2" || stored.RefreshToken != "refresh-2" {
		t.Fatalf("stored token %+v, %v; want the refreshed one", stored, err)
	}
}

// Without a stored token the account does not sync, and no request
// reaches the server without credentials.
func TestOAuth2AccountWithoutToken(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	srv := eastest.Start(t, eastest.Config{Authenticate: func(r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		requests++
		return false
	}})
	root := t.TempDir()
	dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
	acc := config.Account{Name: "m365", URL: srv.URL, User: "ann", Auth: config.AuthOAuth2, ClientID: "cradle-test",
		Authority: "http://127.0.0.1:1"}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{acc}}); err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(context.Background(), engine.Options{Dirs: dirs,
		Secrets: &secret.File{Path: filepath.Join(dirs.Data, "secrets.json")}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	err = e.SyncOnce(context.Background(), "")
	var auth *easclient.AuthError
	if !errors.As(err, &auth) {
		t.Fatalf("sync without a token: %v; want an authentication failure", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if requests != 0 {
		t.Errorf("%d requests reached the server", requests)
	}
}

// A refresh token the identity platform no longer accepts is an
// authentication failure (the user must sign in again), and the stored
// token is left alone.
func TestOAuth2AccountRevokedRefreshToken(t *testing.T) {
	tokens := newTokenServer(t)
	srv := eastest.Start(t, eastest.Config{Authenticate: func(r *http.Request) bool { return false }})
	root := t.TempDir()
	dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
	acc := config.Account{Name: "m365", URL: srv.URL, User: "ann", Auth: config.AuthOAuth2,
		ClientID: "cradle-test", Authority: tokens.URL}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{acc}}); err != nil {
		t.Fatal(err)
	}
	secrets := &secret.File{Path: filepath.Join(dirs.Data, "secrets.json")}
	revoked := &oauth2.Token{AccessToken: "access-0", RefreshToken: "revoked", Expiry: time.Now().Add(-time.Hour)}
	secret.SetToken(secrets, "m365", revoked)
	e, err := engine.Open(context.Background(), engine.Options{Dirs: dirs, Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	err = e.SyncOnce(context.Background(), "")
	var auth *easclient.AuthError
	if !errors.As(err, &auth) {
		t.Fatalf("sync with a revoked refresh token: %v; want an authentication failure", err)
	}
	if stored, _ := secret.GetToken(secrets, "m365"); stored == nil || stored.RefreshToken != "revoked" {
		t.Errorf("stored token changed to %+v", stored)
	}
}
