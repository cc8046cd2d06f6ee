package engine_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/formats/contact"
	vc "github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/internal/sogotest"
	"github.com/cradle-sync/cradle/push/schema"
)

// openInstall opens an engine for the SOGo user whose server folder
// folderID (e.g. "vcard%2Fpersonal") is kept in the vdir dir.
func openInstall(t *testing.T, srv *sogotest.Server, user, pass, folderID, dir string) *engine.Engine {
	t.Helper()
	root := t.TempDir()
	dirs := config.Dirs{Config: filepath.Join(root, "c"), Data: filepath.Join(root, "d")}
	acc := config.Account{Name: "sogo", URL: srv.EASURL(), User: user,
		Folders: []config.Folder{{ID: folderID, Path: dir}}}
	if err := config.Save(dirs.Config, &config.Config{Accounts: []config.Account{acc}}); err != nil {
		t.Fatal(err)
	}
	secrets := &secret.File{Path: filepath.Join(dirs.Data, "secrets.json")}
	secrets.Set("sogo", pass)
	e, err := engine.Open(context.Background(), engine.Options{Dirs: dirs, Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func readCards(t *testing.T, dir string) []vc.Card {
	t.Helper()
	var out []vc.Card
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".vcf") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		cs, _, err := vc.Read(bytes.NewReader(b), e.Name())
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		out = append(out, cs...)
	}
	return out
}

// fields is the EAS projection of a card: what a server can hold of it.
func fields(c *vc.Card) map[string]string {
	ec, _ := contact.ToEAS(c, contact.Options{Version: contact.V141})
	ec.Picture = nil // compared separately: servers may re-encode photos
	b, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"x"`
		*schema.Contact
	}{Contact: ec})
	out := map[string]string{}
	d := xml.NewDecoder(bytes.NewReader(b))
	var path []string
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			path = append(path, tk.Name.Local)
		case xml.EndElement:
			path = path[:len(path)-1]
		case xml.CharData:
			if s := strings.TrimSpace(string(tk)); s != "" && len(path) > 1 {
				k := strings.Join(path[1:], "/")
				out[k] = strings.TrimSpace(out[k] + " " + s)
			}
		}
	}
	return out
}

// A sample of the real-world corpus pushed to SOGo by one installation
// arrives at a second one with every field the server stores intact.
func TestLiveCorpusContactsRoundTripThroughSOGo(t *testing.T) {
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	srv.PutEvent(t, user, pass, "seed.ics", vevent("seed-ev", "seed"))
	src := filepath.Join(t.TempDir(), "a")
	os.MkdirAll(src, 0o700)
	corpus := "../../formats/testdata/corpus/vcard"
	ents, _ := os.ReadDir(corpus)
	n := 0
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(corpus, e.Name()))
		cs, _, err := vc.Read(bytes.NewReader(b), e.Name())
		if err != nil || len(cs) != 1 || strings.HasPrefix(e.Name(), "malformed") {
			continue
		}
		os.WriteFile(filepath.Join(src, e.Name()), b, 0o600)
		n++
	}
	a := openInstall(t, srv, user, pass, "vcard%2Fpersonal", src)
	if err := a.SyncOnce(context.Background(), ""); err != nil {
		t.Fatalf("push the corpus: %v", err)
	}
	if got := len(srv.ListContacts(t, user, pass)); got != n {
		t.Fatalf("server has %d contacts, want the %d corpus cards", got, n)
	}
	dst := filepath.Join(t.TempDir(), "b")
	b := openInstall(t, srv, user, pass, "vcard%2Fpersonal", dst)
	if err := b.SyncOnce(context.Background(), ""); err != nil {
		t.Fatalf("pull: %v", err)
	}
	orig, back := readCards(t, src), readCards(t, dst)
	if len(back) != len(orig) {
		t.Fatalf("second installation got %d cards, want %d", len(back), len(orig))
	}
	// Pair each original with the returned card sharing most fields.
	var backFields []map[string]string
	for i := range back {
		backFields = append(backFields, fields(&back[i]))
	}
	used := map[int]bool{}
	missing, changed := map[string]int{}, map[string]int{}
	for i := range orig {
		want := fields(&orig[i])
		best, score := -1, -1
		for j, got := range backFields {
			if used[j] {
				continue
			}
			s := 0
			for k, v := range want {
				if got[k] == v {
					s++
				}
			}
			if s > score {
				best, score = j, s
			}
		}
		used[best] = true
		got := backFields[best]
		for k, v := range want {
			switch {
			case got[k] == v, strings.Join(strings.Fields(got[k]), " ") == strings.Join(strings.Fields(v), " "):
				// SOGo moves line breaks inside street addresses.
			case got[k] == "":
				missing[k]++
			default:
				changed[k]++
				t.Logf("%s: %s = %q came back as %q", vc.DisplayName(&orig[i]), k, v, got[k])
			}
		}
	}
	var keys []string
	for k := range missing {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("fields SOGo does not store: %v", keys)
	if len(changed) > 0 {
		t.Errorf("fields changed on the way through SOGo: %v", changed)
	}
	for _, k := range keys {
		if !sogoDoesNotStore[k] {
			t.Errorf("field %s did not come back (SOGo stores it)", k)
		}
	}

	// Nothing is lost on the side that sent them: the files are as they were.
	for _, e := range ents {
		want, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			continue
		}
		orig, _ := os.ReadFile(filepath.Join(corpus, e.Name()))
		if !bytes.Equal(want, orig) {
			t.Errorf("%s was rewritten by sending it:\n%s", e.Name(), lineDiff(string(orig), string(want)))
		}
	}

	// A server-side edit of a card whose IM addresses and second home
	// phone SOGo never stored: the edit arrives, and those fields stay.
	time.Sleep(1100 * time.Millisecond) // SOGo's one-second SyncKeys (NOTES quirk 1)
	name := ""
	for _, n := range srv.ListContacts(t, user, pass) {
		if c, ok := srv.GetContact(t, user, pass, n); ok && strings.Contains(c, "VCard Test") {
			name = n
			c = strings.Replace(c, "TITLE:TheJobTitle", "TITLE:Edited on the server", 1)
			srv.PutContact(t, user, pass, n, c)
		}
	}
	if name == "" {
		t.Fatal("VCard Test is not on the server")
	}
	if err := a.SyncOnce(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(src, "gmail-3.0-custom-labels-related.vcf"))
	for _, want := range []string{"Edited on the server", "IM5", "IM6", "5555551114"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("after the server edit the local card lacks %q:\n%s", want, got)
		}
	}
}

// lineDiff lists the lines only one of a and b has.
func lineDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for l := range ma {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range mb {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// sogoDoesNotStore lists the EAS contact fields SOGo 5.8 drops (measured
// by the test above): Cradle keeps them in the local file.
var sogoDoesNotStore = map[string]bool{
	"Anniversary": true, "AssistantName": true, "Children/Child": true, "CompanyMainPhone": true,
	"Home2PhoneNumber": true, "HomeFaxNumber": true, "IMAddress2": true, "IMAddress3": true,
	"ManagerName": true, "OfficeLocation": true, "Spouse": true, "YomiFirstName": true, "YomiLastName": true,
}
