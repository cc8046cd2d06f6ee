package engine_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

func openFake(t *testing.T, srv *eastest.Server, dirs config.Dirs) *engine.Engine {
	t.Helper()
	secrets := &secret.File{Path: filepath.Join(dirs.Data, "secrets.json")}
	secrets.Set("fake", "pw")
	e, err := engine.Open(context.Background(), engine.Options{Dirs: dirs, Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The policy key from provisioning is kept, so a restarted daemon does not
// provision again.
func TestPolicyKeySurvivesRestart(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{RequireProvisioning: true})
	root := t.TempDir()
	dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{{Name: "fake", URL: srv.URL, User: "u"}}}); err != nil {
		t.Fatal(err)
	}
	e := openFake(t, srv, dirs)
	if err := e.SyncOnce(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	e.Close()
	provisions := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Command == "Provision" {
				n++
			}
		}
		return n
	}
	before := provisions()
	if before == 0 {
		t.Fatal("the server required provisioning but none happened")
	}
	e = openFake(t, srv, dirs)
	defer e.Close()
	if err := e.SyncOnce(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if after := provisions(); after != before {
		t.Fatalf("provisioned again after restart (%d → %d requests)", before, after)
	}
}

// A self-signed server is refused and the session waits for the user; with
// its fingerprint pinned in the configuration the account syncs.
func TestCertificatePinning(t *testing.T) {
	srv := eastest.New(eastest.Config{})
	hs := httptest.NewTLSServer(srv)
	t.Cleanup(hs.Close)
	t.Cleanup(srv.Close)
	url := hs.URL + eastest.Path
	open := func(pin string) *engine.Engine {
		root := t.TempDir()
		dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
		config.Save(dirs.Config, &config.Config{Accounts: []config.Account{{Name: "fake", URL: url, User: "u", PinnedCert: pin}}})
		return openFake(t, srv, dirs)
	}
	e := open("")
	err := e.SyncOnce(context.Background(), "")
	ce, ok := easclient.AsCertificateError(err)
	if !ok {
		t.Fatalf("an untrusted certificate must be refused, got %v", err)
	}
	e.Close()
	if ce.Fingerprint != easclient.Fingerprint(hs.Certificate()) {
		t.Fatalf("fingerprint %s, want the server's", ce.Fingerprint)
	}
	e = open(ce.Fingerprint)
	defer e.Close()
	if err := e.SyncOnce(context.Background(), ""); err != nil {
		t.Fatalf("pinned certificate refused: %v", err)
	}
}
