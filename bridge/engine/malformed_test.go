package engine_test

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push/eastest"
)

const corpusDir = "../../formats/testdata/corpus"

// malformedCorpus returns the corpus files CASES.md lists under a
// malformation case ("Malformed …", "Missing END …"), plus every file
// named malformed-*, as paths relative to corpusDir.
func malformedCorpus(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "CASES.md"))
	if err != nil {
		t.Fatalf("the corpus is part of the repository: %v", err)
	}
	defer f.Close()
	set := map[string]bool{}
	section := ""
	bullet := regexp.MustCompile(`^- \[.\] \*\*(.+?)\*\* — public \(\d+\): (.*)$`)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## iCalendar"):
			section = "ical"
		case strings.HasPrefix(line, "## vCard"):
			section = "vcard"
		case strings.HasPrefix(line, "## "):
			section = ""
		}
		m := bullet.FindStringSubmatch(line)
		if m == nil || section == "" {
			continue
		}
		if !strings.HasPrefix(m[1], "Malformed") && !strings.HasPrefix(m[1], "Missing END") {
			continue
		}
		if strings.Contains(m[2], "more)") {
			t.Fatalf("CASES.md abbreviates the list of %q; the test needs every file", m[1])
		}
		for _, name := range strings.Split(m[2], ", ") {
			set[section+"/"+strings.TrimSpace(name)] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"vcard", "ical"} {
		ents, err := os.ReadDir(filepath.Join(corpusDir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "malformed-") {
				set[sub+"/"+e.Name()] = true
			}
		}
	}
	var out []string
	for p := range set {
		if _, err := os.Stat(filepath.Join(corpusDir, p)); err != nil {
			t.Errorf("CASES.md lists %s, which the corpus lacks", p)
			continue
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Every malformed file of the corpus, put into a synced collection, stays
// byte-identical through sync passes. Cradle either reads it well enough
// to send it (the item reaches the server) or leaves it out and says so:
// the folder's status names the file.
func TestMalformedCorpusFilesStayByteIdentical(t *testing.T) {
	files := malformedCorpus(t)
	if len(files) < 10 {
		t.Fatalf("only %d malformed files found; CASES.md lists more", len(files))
	}
	sent, refused := 0, 0
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join(corpusDir, rel))
			if err != nil {
				t.Fatal(err)
			}
			folder, serverFolder := "contacts", "contacts"
			if strings.HasPrefix(rel, "ical/") {
				folder, serverFolder = "calendar", "calendar"
			}
			srv := eastest.Start(t, eastest.Config{})
			root := t.TempDir()
			vdirs := map[string]string{"contacts": filepath.Join(root, "contacts"), "calendar": filepath.Join(root, "calendar")}
			for _, d := range vdirs {
				if err := os.MkdirAll(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			name := filepath.Base(rel)
			path := filepath.Join(vdirs[folder], name)
			if err := os.WriteFile(path, orig, 0o600); err != nil {
				t.Fatal(err)
			}
			e := openTwoFolders(t, srv, root, vdirs)

			ctx := context.Background()
			if err := e.SyncOnce(ctx, ""); err != nil {
				t.Fatalf("first pass: %v", err)
			}
			// A server change to the same folder makes the second pass
			// write into the collection that holds the file.
			if folder == "contacts" {
				srv.AddItem("contacts", serverContact(t, "Server Side"))
			}
			if err := e.SyncOnce(ctx, ""); err != nil {
				t.Fatalf("second pass: %v", err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("the file is gone: %v", err)
			}
			if !bytes.Equal(got, orig) {
				t.Fatalf("%s was rewritten (%d bytes, was %d):\n%s", name, len(got), len(orig), lineDiff(string(orig), string(got)))
			}
			onServer := len(srv.Items(serverFolder))
			if folder == "contacts" {
				onServer-- // the one the server added
			}
			status := folderError(t, e, serverFolder)
			switch {
			case onServer > 0:
				sent++
				// Files holding several items (nested cards, several
				// VCALENDAR blocks) may reach the server as fewer: the
				// file is intact, so nothing is lost locally.
				t.Logf("read leniently and sent (%d item(s) on the server, the file has %d BEGIN:VCARD/VEVENT); file unchanged",
					onServer, bytes.Count(bytes.ToUpper(orig), []byte("BEGIN:VCARD"))+bytes.Count(bytes.ToUpper(orig), []byte("BEGIN:VEVENT")))
			case strings.Contains(status, name):
				refused++
				t.Logf("not sent; the user sees: %s", status)
			default:
				t.Errorf("not sent, and the folder status (%q) does not name %s", status, name)
			}
		})
	}
	t.Logf("%d malformed files: %d sent, %d refused with an error naming them, all byte-identical", len(files), sent, refused)
}

// openTwoFolders opens an engine keeping the server's contacts and
// calendar folders in the given vdirs.
func openTwoFolders(t *testing.T, srv *eastest.Server, root string, vdirs map[string]string) *engine.Engine {
	t.Helper()
	dirs := config.Dirs{Config: filepath.Join(root, "config"), Data: filepath.Join(root, "data")}
	acc := config.Account{Name: "fake", URL: srv.URL, User: "u", Folders: []config.Folder{
		{ID: "contacts", Path: vdirs["contacts"]}, {ID: "calendar", Path: vdirs["calendar"]}, {ID: "tasks", Skip: true}}}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{acc}, Local: config.Local{Disabled: true}}); err != nil {
		t.Fatal(err)
	}
	secrets := &secret.File{Path: filepath.Join(root, "secrets.json")}
	secrets.Set("fake", "pw")
	e, err := engine.Open(context.Background(), engine.Options{Dirs: dirs, Secrets: secrets, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// folderError is the error the status shows for a server folder.
func folderError(t *testing.T, e *engine.Engine, id string) string {
	t.Helper()
	st, err := e.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range st.Accounts {
		for _, f := range a.Folders {
			if f.ID == id {
				return f.Error
			}
		}
	}
	return ""
}
