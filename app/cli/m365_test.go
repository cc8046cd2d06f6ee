package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push/eastest"
)

// deviceServer is an OAuth2 authorization server offering the device
// authorization grant (RFC 8628) to client "cradle-test": the first
// poll is answered authorization_pending, the next with access-1.
type deviceServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
}

func newDeviceServer(t *testing.T) *deviceServer {
	d := &deviceServer{}
	pending := 1
	reply := func(w http.ResponseWriter, code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /devicecode", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.requests++
		d.mu.Unlock()
		if r.FormValue("client_id") != "cradle-test" || !strings.Contains(r.FormValue("scope"), "EAS.AccessAsUser.All") {
			reply(w, http.StatusBadRequest, map[string]string{"error": "invalid_client"})
			return
		}
		reply(w, http.StatusOK, map[string]any{"device_code": "dc-1", "user_code": "ABCD-EFGH",
			"verification_uri": d.URL + "/verify", "expires_in": 300, "interval": 1})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.requests++
		if r.FormValue("device_code") != "dc-1" {
			reply(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		if pending > 0 {
			pending--
			reply(w, http.StatusBadRequest, map[string]string{"error": "authorization_pending"})
			return
		}
		reply(w, http.StatusOK, map[string]any{"access_token": "access-1", "refresh_token": "refresh-1",
			"token_type": "Bearer", "expires_in": 3600})
	})
	d.Server = httptest.NewServer(mux)
	t.Cleanup(d.Close)
	return d
}

// bearerServer is an ActiveSync server that accepts only access-1.
func bearerServer(t *testing.T) *eastest.Server {
	return eastest.Start(t, eastest.Config{Authenticate: func(r *http.Request) bool {
		return r.Header.Get("Authorization") == "Bearer access-1"
	}})
}

func TestAccountAddMicrosoft365(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags bool // endpoints by flag rather than environment
	}{{"flags", true}, {"environment", false}} {
		t.Run(tc.name, func(t *testing.T) {
			fakeDaemon(t, nil)
			oauth := newDeviceServer(t)
			srv := bearerServer(t)
			args := []string{"account", "add", "m365", "--microsoft365", "--email", "ann@example.com", "--url", srv.URL}
			if tc.flags {
				args = append(args, "--authority", oauth.URL, "--client-id", "cradle-test")
			} else {
				t.Setenv("CRADLE_M365_AUTHORITY", oauth.URL)
				t.Setenv("CRADLE_M365_CLIENT_ID", "cradle-test")
			}
			out, code := run(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			for _, want := range []string{"ABCD-EFGH", oauth.URL + "/verify", "account m365 added"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "access-1") || strings.Contains(out, "refresh-1") {
				t.Errorf("the token appears in the output:\n%s", out)
			}
			dirs, err := config.DefaultDirs()
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(dirs.Config)
			if err != nil {
				t.Fatal(err)
			}
			acc, ok := cfg.Account("m365")
			if !ok || acc.Auth != config.AuthOAuth2 || acc.User != "ann@example.com" || acc.URL != srv.URL ||
				acc.Authority != oauth.URL || acc.ClientID != "cradle-test" {
				t.Fatalf("saved account %+v", acc)
			}
			raw, _ := os.ReadFile(filepath.Join(dirs.Config, config.FileName))
			if strings.Contains(string(raw), "access-1") || strings.Contains(string(raw), "refresh-1") {
				t.Errorf("the token is in the configuration file:\n%s", raw)
			}
			tok, err := secret.GetToken(secret.Open(dirs.Data), "m365")
			if err != nil || tok.AccessToken != "access-1" || tok.RefreshToken != "refresh-1" {
				t.Errorf("stored token %+v, %v", tok, err)
			}
		})
	}
}

// A sign-in the server refuses saves nothing; an account with no
// client id fails before the user is asked for anything.
func TestAccountAddMicrosoft365Refused(t *testing.T) {
	fakeDaemon(t, nil)
	oauth := newDeviceServer(t)
	srv := eastest.Start(t, eastest.Config{Authenticate: func(*http.Request) bool { return false }})
	out, code := run(t, "", "account", "add", "m365", "--microsoft365", "--email", "ann@example.com",
		"--url", srv.URL, "--authority", oauth.URL, "--client-id", "cradle-test")
	if code == 0 || !strings.Contains(out, "refused the Microsoft 365 sign-in") {
		t.Fatalf("refused sign-in: exit %d:\n%s", code, out)
	}
	dirs, _ := config.DefaultDirs()
	if cfg, err := config.Load(dirs.Config); err != nil || len(cfg.Accounts) != 0 {
		t.Errorf("accounts saved after a refusal: %+v, %v", cfg, err)
	}
	if _, err := secret.Open(dirs.Data).Get("m365"); err == nil {
		t.Error("a token was stored after a refusal")
	}

	before := oauth.requests
	out, code = run(t, "", "account", "add", "m365", "--microsoft365", "--email", "ann@example.com",
		"--authority", oauth.URL)
	if code == 0 || !strings.Contains(out, "client_id") {
		t.Fatalf("no client id: exit %d:\n%s", code, out)
	}
	if oauth.requests != before {
		t.Error("the sign-in started without a client id")
	}
}

func TestProbeAndSaveM365Account(t *testing.T) {
	dirs := isolate(t)
	oauth := newDeviceServer(t)
	srv := bearerServer(t)
	acc := M365Account("m365", "ann@example.com", srv.URL, oauth.URL, "cradle-test")
	var code, url string
	tok, err := SignInM365(t.Context(), acc, func(c, u string) { code, url = c, u })
	if err != nil {
		t.Fatal(err)
	}
	if code != "ABCD-EFGH" || url != oauth.URL+"/verify" {
		t.Errorf("prompted with %q at %q", code, url)
	}
	fs, err := ProbeM365Account(t.Context(), acc, tok)
	if err != nil || len(fs) != 3 {
		t.Fatalf("probe: %v, %v", fs, err)
	}
	if err := SaveM365Account(acc, tok); err != nil {
		t.Fatal(err)
	}
	got, err := secret.GetToken(secret.Open(dirs.Data), "m365")
	if err != nil || got.RefreshToken != "refresh-1" {
		t.Errorf("stored %+v, %v", got, err)
	}
}
