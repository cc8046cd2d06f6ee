package engine_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/schema"
)

// editingDoer saves the user's edit of a file at the moment the engine's
// Sync is on its way to the server: the edit lands after the pass started
// and before the server's change is applied, as when an editor saves
// while Cradle syncs.
type editingDoer struct {
	next  *http.Client
	armed atomic.Bool
	edit  func()
}

func (d *editingDoer) Do(req *http.Request) (*http.Response, error) {
	if req.URL.Query().Get("Cmd") == "Sync" && d.armed.CompareAndSwap(true, false) {
		d.edit()
	}
	return d.next.Do(req)
}

// serverHas reports whether any item of the folder contains s in a value.
func serverHas(srv *eastest.Server, folder, s string) bool {
	for _, d := range srv.Items(folder) {
		for _, tok := range d.Tokens() {
			if cd, ok := tok.(xml.CharData); ok && strings.Contains(string(cd), s) {
				return true
			}
		}
	}
	return false
}

// A file the user saves while the server changes the same item keeps the
// user's edit: merged in place when they touched different fields, kept as
// a conflict copy (and recorded as a conflict) when they touched the same
// field.
func TestUserEditDuringServerChangeIsKept(t *testing.T) {
	tests := []struct {
		name        string
		userEdit    func(card string) string
		serverEmail string
		userValue   string // must survive, in the item or a conflict copy
		conflict    bool
	}{
		{
			name: "different fields merge",
			userEdit: func(c string) string {
				return strings.Replace(c, "END:VCARD", "TEL;TYPE=CELL:+15551234567\r\nEND:VCARD", 1)
			},
			serverEmail: "ada@server.example",
			userValue:   "+15551234567",
		},
		{
			name: "same field keeps a conflict copy",
			userEdit: func(c string) string {
				return strings.Replace(c, "ada.lovelace@example.com", "ada@user.example", 1)
			},
			serverEmail: "ada@server.example",
			userValue:   "ada@user.example",
			conflict:    true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv := eastest.Start(t, eastest.Config{Folders: contactsOnly})
			sid, err := srv.AddItem("contacts", serverContact(t, "Ada Lovelace"))
			if err != nil {
				t.Fatal(err)
			}
			doer := &editingDoer{next: &http.Client{}}
			root := t.TempDir()
			in := openFakeInstall(t, srv, filepath.Join(root, "data"), filepath.Join(root, "contacts"), doer)
			if err := in.e.SyncOnce(ctx, ""); err != nil {
				t.Fatal(err)
			}
			cards := in.cards(t)
			if len(cards) != 1 {
				t.Fatalf("%d cards, want 1", len(cards))
			}
			var file string
			for name := range cards {
				file = filepath.Join(in.vdir, name)
			}
			doer.edit = func() {
				b, err := os.ReadFile(file)
				if err != nil {
					t.Error(err)
					return
				}
				if err := os.WriteFile(file, []byte(tt.userEdit(string(b))), 0o600); err != nil {
					t.Error(err)
				}
			}
			name, email := "Ada Lovelace", tt.serverEmail
			changed, err := push.NewItemData(&schema.Contact{FileAs: &name, FirstName: &name, Email1Address: &email})
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.ChangeItem("contacts", sid, changed); err != nil {
				t.Fatal(err)
			}
			doer.armed.Store(true)
			if err := in.e.SyncOnce(ctx, ""); err != nil {
				t.Fatal(err)
			}
			if doer.armed.Load() {
				t.Fatal("the edit was never made: no Sync went out")
			}
			if err := in.e.SyncOnce(ctx, ""); err != nil { // sends a merge back
				t.Fatal(err)
			}

			item, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			copies, _ := filepath.Glob(filepath.Join(in.vdir, "*.sync-conflict-*"))
			kept := bytes.Contains(item, []byte(tt.userValue))
			for _, c := range copies {
				b, _ := os.ReadFile(c)
				kept = kept || bytes.Contains(b, []byte(tt.userValue))
			}
			conflicts, err := in.e.Conflicts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("item has the user's value: %v, the server's: %v; %d conflict copies, %d open conflicts",
				bytes.Contains(item, []byte(tt.userValue)), bytes.Contains(item, []byte(tt.serverEmail)), len(copies), len(conflicts))
			if !kept {
				t.Fatalf("the user's edit (%s) is lost:\n%s", tt.userValue, item)
			}
			if !bytes.Contains(item, []byte(tt.serverEmail)) {
				t.Errorf("the server's change (%s) is missing from the item:\n%s", tt.serverEmail, item)
			}
			if tt.conflict {
				if len(copies) != 1 || len(conflicts) != 1 {
					t.Errorf("%d conflict copies and %d open conflicts, want 1 each", len(copies), len(conflicts))
				}
				return
			}
			if len(conflicts) != 0 {
				t.Errorf("%d conflicts for edits of different fields", len(conflicts))
			}
			if !bytes.Contains(item, []byte(tt.userValue)) {
				t.Errorf("the user's edit is not in the merged item:\n%s", item)
			}
			if !serverHas(srv, "contacts", "5551234567") {
				t.Errorf("the merged item was not sent back to the server")
			}
		})
	}
}
