package engine_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/schema"
)

// This file holds the harness of the hostile-input and disk tests: one
// installation syncing the in-process server's contacts folder into a
// vdir the test chooses.

// contactsOnly is a server hierarchy with one folder, so every Sync a test
// sees is for it.
var contactsOnly = []eastest.Folder{{ID: "contacts", ParentID: "0", Name: "Contacts", Type: push.FolderDefaultContacts}}

// install is one Cradle installation under test.
type install struct {
	e    *engine.Engine
	dirs config.Dirs
	vdir string // where the contacts folder is kept
}

// openFakeInstall opens an engine whose data directory is data and whose
// contacts folder is kept in vdir; doer, if set, carries its requests, and
// mod, if set, adjusts the options.
func openFakeInstall(t *testing.T, srv *eastest.Server, data, vdir string, doer easclient.Doer, mod ...func(*engine.Options)) *install {
	t.Helper()
	dirs := config.Dirs{Config: filepath.Join(t.TempDir(), "config"), Data: data}
	acc := config.Account{Name: "fake", URL: srv.URL, User: "u", Folders: []config.Folder{{ID: "contacts", Path: vdir}}}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{acc}, Local: config.Local{Disabled: true}}); err != nil {
		t.Fatal(err)
	}
	// The password stays outside the data directory, which some tests fill.
	secrets := &secret.File{Path: filepath.Join(t.TempDir(), "secrets.json")}
	if err := secrets.Set("fake", "pw"); err != nil {
		t.Fatal(err)
	}
	o := engine.Options{Dirs: dirs, Secrets: secrets, HTTP: doer, Logger: slog.New(slog.DiscardHandler)}
	for _, m := range mod {
		m(&o)
	}
	e, err := engine.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return &install{e: e, dirs: dirs, vdir: vdir}
}

// folderStatus returns the contacts folder as `cradle status` shows it.
func (in *install) folderStatus(t *testing.T) api.Folder {
	t.Helper()
	st, err := in.e.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range st.Accounts {
		for _, f := range a.Folders {
			if f.ID == "contacts" {
				return f
			}
		}
	}
	t.Fatal("no contacts folder in the status")
	return api.Folder{}
}

// cards reads every .vcf item file of the vdir (conflict copies aside).
func (in *install) cards(t *testing.T) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(in.vdir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".vcf") || strings.Contains(e.Name(), ".sync-conflict-") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(in.vdir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// serverContact is a contact as the server stores it.
func serverContact(t *testing.T, name string) push.ItemData {
	t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"
	d, err := push.NewItemData(&schema.Contact{FileAs: &name, FirstName: &name, Email1Address: &email})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// redirectDoer sends requests to the in-process server, except those that
// divert picks, which go to other (a hostile server) instead.
type redirectDoer struct {
	next   *http.Client
	other  string // host:port
	divert func(*http.Request) bool
}

func (d *redirectDoer) Do(req *http.Request) (*http.Response, error) {
	if d.divert != nil && d.divert(req) {
		req = req.Clone(req.Context())
		req.URL.Host = d.other
		req.Host = d.other
	}
	return d.next.Do(req)
}
