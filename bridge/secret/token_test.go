package secret

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestTokenRoundTrip(t *testing.T) {
	s := &File{Path: filepath.Join(t.TempDir(), "secrets.json")}
	want := &oauth2.Token{AccessToken: "a1", RefreshToken: "r1", TokenType: "Bearer",
		Expiry: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := SetToken(s, "m365", want); err != nil {
		t.Fatal(err)
	}
	got, err := GetToken(s, "m365")
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != "a1" || got.RefreshToken != "r1" || !got.Expiry.Equal(want.Expiry) {
		t.Errorf("got %+v", got)
	}
	if _, err := GetToken(s, "other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing token: %v; want ErrNotFound", err)
	}
	s.Set("pw", "hunter2")
	if _, err := GetToken(s, "pw"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a password read as a token: %v (the error must not quote the secret)", err)
	}
}

// refreshServer answers refresh_token grants with access-N/refresh-N.
type refreshServer struct {
	*httptest.Server
	mu   sync.Mutex
	got  []string // refresh tokens presented
	drop bool     // answer without a new refresh token
}

func newRefreshServer(t *testing.T) *refreshServer {
	rs := &refreshServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		defer rs.mu.Unlock()
		if r.FormValue("grant_type") != "refresh_token" {
			http.Error(w, `{"error":"unsupported_grant_type"}`, http.StatusBadRequest)
			return
		}
		rs.got = append(rs.got, r.FormValue("refresh_token"))
		n := len(rs.got) + 1
		resp := map[string]any{"access_token": "access-" + itoa(n), "token_type": "Bearer", "expires_in": 3600}
		if !rs.drop {
			resp["refresh_token"] = "refresh-" + itoa(n)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func itoa(n int) string { return string(rune('0' + n)) }

func TestTokenSourceStoresRefreshedTokens(t *testing.T) {
	rs := newRefreshServer(t)
	s := &File{Path: filepath.Join(t.TempDir(), "secrets.json")}
	expired := &oauth2.Token{AccessToken: "access-1", RefreshToken: "refresh-1", Expiry: time.Now().Add(-time.Minute)}
	SetToken(s, "m365", expired)
	conf := &oauth2.Config{ClientID: "c", Endpoint: oauth2.Endpoint{TokenURL: rs.URL, AuthStyle: oauth2.AuthStyleInParams}}
	ts := NewTokenSource(conf.TokenSource(context.Background(), expired), s, "m365", expired, nil)

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if tok, err := ts.Token(); err != nil || tok.AccessToken != "access-2" {
				t.Errorf("token %v, %v; want access-2", tok, err)
			}
		})
	}
	wg.Wait()
	if len(rs.got) != 1 || rs.got[0] != "refresh-1" {
		t.Fatalf("refreshes %v; want one with refresh-1", rs.got)
	}
	stored, err := GetToken(s, "m365")
	if err != nil || stored.AccessToken != "access-2" || stored.RefreshToken != "refresh-2" || !stored.Valid() {
		t.Fatalf("stored %+v, %v; want the refreshed token", stored, err)
	}

	// A refresh without a new refresh token keeps the old one stored.
	rs.mu.Lock()
	rs.drop = true
	rs.mu.Unlock()
	stored.Expiry = time.Now().Add(-time.Minute)
	ts = NewTokenSource(conf.TokenSource(context.Background(), stored), s, "m365", stored, nil)
	if _, err := ts.Token(); err != nil {
		t.Fatal(err)
	}
	again, _ := GetToken(s, "m365")
	if again.AccessToken != "access-3" || again.RefreshToken != "refresh-2" {
		t.Fatalf("stored %+v; want access-3 with refresh-2 kept", again)
	}
}
