package cli

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/export"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

// isolate points configuration, data and secrets at fresh temporary
// folders.
func isolate(t *testing.T) config.Dirs {
	t.Helper()
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	t.Setenv("CRADLE_SECRETS", "file")
	d, err := config.DefaultDirs()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestProbeAccountListsSyncableFolders(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{
		Folders: append(append([]eastest.Folder(nil), eastest.DefaultFolders...),
			eastest.Folder{ID: "inbox", ParentID: "0", Name: "Inbox", Type: push.FolderInbox},
			eastest.Folder{ID: "ric", ParentID: "0", Name: "Suggested Contacts", Type: push.FolderRecipientInfoCache}),
		Authenticate: func(r *http.Request) bool {
			u, p, ok := r.BasicAuth()
			return ok && u == "ann" && p == "right"
		},
	})
	acc := config.Account{Name: "work", URL: srv.URL, User: "ann"}
	fs, err := ProbeAccount(t.Context(), acc, "right")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.ID+":"+f.Kind)
	}
	if strings.Join(got, " ") != "contacts:contacts calendar:calendar tasks:tasks" {
		t.Errorf("folders %v; want contacts, calendar and tasks only", got)
	}

	_, err = ProbeAccount(t.Context(), acc, "wrong")
	var auth *easclient.AuthError
	if !errors.As(err, &auth) {
		t.Errorf("wrong password: %v; want an *easclient.AuthError", err)
	}
}

func TestSaveAccount(t *testing.T) {
	dirs := isolate(t)
	acc := config.Account{Name: "work", URL: "https://mail.example.com/Microsoft-Server-ActiveSync", User: "ann",
		PinnedCert: "ab12", Folders: []config.Folder{{ID: "tasks", Skip: true}}}
	if err := SaveAccount(acc, "s3cret"); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dirs.Config)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := cfg.Account("work")
	if !ok || got.PinnedCert != "ab12" || len(got.Folders) != 1 || !got.Folders[0].Skip {
		t.Errorf("saved account %+v", got)
	}
	pw, err := secret.Open(dirs.Data).Get("work")
	if err != nil || pw != "s3cret" {
		t.Errorf("stored password %q, %v", pw, err)
	}
	if err := SaveAccount(acc, "other"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("saving twice: %v", err)
	}
	bad := acc
	bad.Name, bad.URL = "bad", "ftp://x"
	if err := SaveAccount(bad, "pw"); err == nil {
		t.Error("an invalid account was saved")
	}
	if _, err := secret.Open(dirs.Data).Get("bad"); err == nil {
		t.Error("the password of a refused account was stored")
	}
}

func TestExportFoldersWritesFileAndReportsProgress(t *testing.T) {
	dirs := isolate(t)
	vdir := filepath.Join(dirs.Data, config.LocalName, "contacts")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		card := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + name + "\r\nFN:Person " + name + "\r\nEND:VCARD\r\n"
		if err := os.WriteFile(filepath.Join(vdir, name+".vcf"), []byte(card), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "all.vcf")
	var calls [][2]int
	st, err := ExportFolders(t.Context(), ExportRequest{Kind: state.KindContacts, Account: config.LocalName, Format: export.VCard4, Output: out},
		func(done, total int) { calls = append(calls, [2]int{done, total}) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 2 || strings.Count(string(b), "BEGIN:VCARD") != 2 || !strings.Contains(string(b), "VERSION:4.0") {
		t.Errorf("exported %d items:\n%s", st.Items, b)
	}
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{2, 2} {
		t.Errorf("progress calls %v; want to end at 2 of 2", calls)
	}

	for _, req := range []ExportRequest{
		{Kind: state.KindContacts, Format: "ics", Output: out},
		{Kind: state.KindCalendar, Format: export.VCard3, Output: out},
		{Kind: state.KindContacts, Format: export.VCard3, Output: "-"},
	} {
		if _, err := ExportFolders(t.Context(), req, nil, nil); err == nil {
			t.Errorf("%+v: no error", req)
		}
	}
}
