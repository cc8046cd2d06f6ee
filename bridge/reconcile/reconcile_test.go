package reconcile_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/codec"
	"github.com/cradle-sync/cradle/bridge/reconcile"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/schema"
)

type rig struct {
	t      *testing.T
	srv    *eastest.Server
	client *easclient.Client
	db     *state.DB
	dir    string
	st     store.Store
	f      *reconcile.Folder
	fid    state.FolderID
}

func newRig(t *testing.T, version push.Version) *rig {
	t.Helper()
	srv := eastest.Start(t, eastest.Config{Versions: []push.Version{version}})
	c, err := easclient.New(easclient.Config{URL: srv.URL, User: "u", DeviceID: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := state.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	acc, err := db.CreateAccount(ctx, state.Account{Name: "test", URL: srv.URL, User: "u", DeviceID: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "contacts")
	fo, err := db.PutFolder(ctx, state.Folder{Account: acc.ID, ServerID: "contacts", DisplayName: "Contacts",
		Kind: state.KindContacts, SyncKey: "0", StoreKind: state.StoreVdir, StorePath: dir, State: state.FolderActive})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, srv: srv, client: c, db: db, dir: dir, fid: fo.ID}
	r.open()
	return r
}

// open (re)creates the store and reconciler, as a restarted daemon would.
func (r *rig) open() {
	cc := codec.Contacts{}
	st, err := store.OpenVdir(r.dir, ".vcf", store.Options{UID: cc.UID})
	if err != nil {
		r.t.Fatal(err)
	}
	r.st = st
	r.f = &reconcile.Folder{DB: r.db, ID: r.fid, Store: st, Codec: cc, Client: r.client, UIDSeed: "dev",
		ConflictDir: func(string) string { return r.dir }}
}

func (r *rig) sync() {
	r.t.Helper()
	if err := r.f.Sync(context.Background()); err != nil {
		r.t.Fatalf("sync: %v", err)
	}
}

func contact(t *testing.T, first, last, phone string) push.ItemData {
	t.Helper()
	c := &schema.Contact{FirstName: &first, LastName: &last}
	if phone != "" {
		c.MobilePhoneNumber = &phone
	}
	d, err := push.NewItemData(c)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func decode(t *testing.T, d push.ItemData) schema.Contact {
	t.Helper()
	var c schema.Contact
	if err := d.Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// files returns the vdir's item files (not conflict copies) and their text.
func (r *rig) files() map[string]string {
	r.t.Helper()
	out := map[string]string{}
	ents, err := os.ReadDir(r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".vcf") || strings.Contains(e.Name(), reconcile.ConflictInfix) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(r.dir, e.Name()))
		if err != nil {
			r.t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func (r *rig) fileWith(s string) string {
	for name, text := range r.files() {
		if strings.Contains(text, s) {
			return name
		}
	}
	return ""
}

func (r *rig) writeFile(name, text string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(text), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) serverWith(s string) (string, bool) {
	for id, d := range r.srv.Items("contacts") {
		toks := d.Tokens()
		for _, tk := range toks {
			if cd, ok := tk.(xml.CharData); ok && strings.Contains(string(cd), s) {
				return id, true
			}
		}
	}
	return "", false
}

func TestServerAddsBecomeFilesAndLocalAddsReachServer(t *testing.T) {
	for _, v := range []push.Version{push.Version141, push.Version161} {
		t.Run(v.String(), func(t *testing.T) {
			r := newRig(t, v)
			for _, n := range []string{"Ada", "Grace", "Edsger"} {
				if _, err := r.srv.AddItem("contacts", contact(t, n, "Test", "+1 555 0100")); err != nil {
					t.Fatal(err)
				}
			}
			r.sync()
			if got := len(r.files()); got != 3 {
				t.Fatalf("%d files after initial sync, want 3", got)
			}
			r.writeFile("local-1.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:local-1\r\nFN:Barbara Liskov\r\nN:Liskov;Barbara;;;\r\nTEL;TYPE=CELL:+1 555 0199\r\nEND:VCARD\r\n")
			r.sync()
			if _, ok := r.serverWith("Liskov"); !ok {
				t.Fatal("local add not on the server")
			}
			if n := len(r.srv.Items("contacts")); n != 4 {
				t.Fatalf("server has %d items, want 4", n)
			}
			// A second pass changes nothing and duplicates nothing.
			r.sync()
			if n, m := len(r.srv.Items("contacts")), len(r.files()); n != 4 || m != 4 {
				t.Fatalf("after idle pass: server %d, local %d", n, m)
			}
		})
	}
}

func TestEditsBothWays(t *testing.T) {
	r := newRig(t, push.Version141)
	id, _ := r.srv.AddItem("contacts", contact(t, "Ada", "Lovelace", "+44 1"))
	r.sync()
	name := r.fileWith("Lovelace")
	// Server edit reaches the file.
	if err := r.srv.ChangeItem("contacts", id, contact(t, "Ada", "King", "+44 1")); err != nil {
		t.Fatal(err)
	}
	r.sync()
	if !strings.Contains(r.files()[name], "King") {
		t.Fatalf("server change not applied:\n%s", r.files()[name])
	}
	// Local edit reaches the server.
	text := strings.Replace(r.files()[name], "King", "Byron", -1)
	r.writeFile(name, text)
	r.sync()
	c := decode(t, r.srv.Items("contacts")[id])
	if c.LastName == nil || *c.LastName != "Byron" {
		t.Fatalf("local change not on server: %+v", c.LastName)
	}
}

func TestLocalOnlyPropertiesSurviveServerChange(t *testing.T) {
	r := newRig(t, push.Version141)
	r.writeFile("a.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nX-MASTODON:@ada@example.social\r\nEND:VCARD\r\n")
	r.sync()
	id, ok := r.serverWith("Lovelace")
	if !ok {
		t.Fatal("not sent")
	}
	if err := r.srv.ChangeItem("contacts", id, contact(t, "Ada", "Lovelace", "+44 7")); err != nil {
		t.Fatal(err)
	}
	r.sync()
	text := r.files()["a.vcf"]
	if !strings.Contains(text, "X-MASTODON:@ada@example.social") || !strings.Contains(text, "+44 7") {
		t.Fatalf("want the server's phone and the local X- property:\n%s", text)
	}
}

func TestConflictKeepsBothVersions(t *testing.T) {
	r := newRig(t, push.Version141)
	id, _ := r.srv.AddItem("contacts", contact(t, "Ada", "Lovelace", "+44 1"))
	r.sync()
	name := r.fileWith("Lovelace")
	r.writeFile(name, strings.Replace(r.files()[name], "+44 1", "+44 LOCAL", 1))
	if err := r.srv.ChangeItem("contacts", id, contact(t, "Ada", "Lovelace", "+44 SERVER")); err != nil {
		t.Fatal(err)
	}
	r.sync()
	text := r.files()[name]
	if !strings.Contains(text, "+44 SERVER") {
		t.Fatalf("merged item should carry the server's value in place:\n%s", text)
	}
	conflicts, err := r.db.Conflicts(context.Background(), r.fid, true)
	if err != nil || len(conflicts) != 1 {
		t.Fatalf("conflicts %v %v, want 1", conflicts, err)
	}
	b, err := os.ReadFile(conflicts[0].LocalCopyPath)
	if err != nil || !strings.Contains(string(b), "+44 LOCAL") {
		t.Fatalf("conflict copy must hold the local version: %v\n%s", err, b)
	}
	// The copy is never synced as a new item.
	r.sync()
	if n := len(r.srv.Items("contacts")); n != 1 {
		t.Fatalf("server has %d items after conflict, want 1", n)
	}
}

func TestDeletesAndModifyBeatsDelete(t *testing.T) {
	r := newRig(t, push.Version141)
	a, _ := r.srv.AddItem("contacts", contact(t, "A", "One", ""))
	b, _ := r.srv.AddItem("contacts", contact(t, "B", "Two", ""))
	r.srv.AddItem("contacts", contact(t, "C", "Three", ""))
	r.sync()
	// Server deletes an untouched item: the file goes.
	if err := r.srv.DeleteItem("contacts", a); err != nil {
		t.Fatal(err)
	}
	r.sync()
	if r.fileWith("One") != "" {
		t.Fatal("server delete not applied locally")
	}
	// Server deletes an item the user just edited: the edit wins.
	nb := r.fileWith("Two")
	r.writeFile(nb, strings.Replace(r.files()[nb], "FN:", "NOTE:keep me\r\nFN:", 1))
	if err := r.srv.DeleteItem("contacts", b); err != nil {
		t.Fatal(err)
	}
	r.sync()
	if r.fileWith("Two") == "" {
		t.Fatal("edited item lost to a server delete")
	}
	if _, ok := r.serverWith("Two"); !ok {
		t.Fatal("edited item not restored on the server")
	}
	// Local delete reaches the server.
	os.Remove(filepath.Join(r.dir, r.fileWith("Three")))
	r.sync()
	if _, ok := r.serverWith("Three"); ok {
		t.Fatal("local delete not sent")
	}
}

func TestMassDeleteGuard(t *testing.T) {
	r := newRig(t, push.Version141)
	for i := 0; i < 20; i++ {
		r.srv.AddItem("contacts", contact(t, "P", string(rune('a'+i)), ""))
	}
	r.sync()
	names := r.files()
	i := 0
	for n := range names {
		if i == 16 {
			break
		}
		os.Remove(filepath.Join(r.dir, n))
		i++
	}
	err := r.f.Sync(context.Background())
	var md *reconcile.MassDeleteError
	if !errors.As(err, &md) || md.Side != "local" {
		t.Fatalf("want a local mass-delete stop, got %v", err)
	}
	if n := len(r.srv.Items("contacts")); n != 20 {
		t.Fatalf("server lost items despite the guard: %d", n)
	}
	r.f.AllowMassDelete()
	r.sync()
	if n := len(r.srv.Items("contacts")); n != 4 {
		t.Fatalf("after confirmation server has %d, want 4", n)
	}
}

func TestInvalidSyncKeyRecoversWithoutDuplicates(t *testing.T) {
	r := newRig(t, push.Version141)
	for i := 0; i < 5; i++ {
		r.srv.AddItem("contacts", contact(t, "P", string(rune('a'+i)), ""))
	}
	r.sync()
	gone, _ := r.serverWith("Pa")
	_ = gone
	r.srv.Inject(eastest.Fault{Command: "Sync", Status: int(push.SyncInvalidSyncKey)})
	r.sync()
	if m, n := len(r.files()), len(r.srv.Items("contacts")); m != 5 || n != 5 {
		t.Fatalf("after status 3: local %d, server %d, want 5 and 5", m, n)
	}
}

// crashingStore fails every write after the first n, as a crash would
// leave the pass: some files written, nothing recorded.
type crashingStore struct {
	store.Store
	n int
}

func (c *crashingStore) Create(ctx context.Context, uid string, data []byte) (store.Entry, error) {
	if c.n <= 0 {
		return store.Entry{}, errors.New("crash")
	}
	c.n--
	return c.Store.Create(ctx, uid, data)
}

// Apply writes as many ops as the crash allows, then fails: the files
// written so far stay, as they would after a kill.
func (c *crashingStore) Apply(ctx context.Context, ops []store.Op) ([]store.Result, error) {
	if c.n >= len(ops) {
		c.n -= len(ops)
		return c.Store.Apply(ctx, ops)
	}
	if c.n > 0 {
		c.Store.Apply(ctx, ops[:c.n])
	}
	c.n = 0
	return nil, errors.New("crash")
}

func TestCrashMidWindowNoDuplicates(t *testing.T) {
	r := newRig(t, push.Version141)
	for i := 0; i < 30; i++ {
		r.srv.AddItem("contacts", contact(t, "P", string(rune('a'+i)), "+1 555"))
	}
	for _, n := range []int{0, 7, 19, 29} {
		r.f.Store = &crashingStore{Store: r.st, n: n}
		if err := r.f.Sync(context.Background()); err == nil && n < 30 {
			// A pass may finish if nothing was left to write.
		}
		r.open() // restart
	}
	r.sync()
	if m, n := len(r.files()), len(r.srv.Items("contacts")); m != 30 || n != 30 {
		t.Fatalf("after crashes: local %d, server %d, want 30 and 30", m, n)
	}
}

// A field the server deletes is deleted locally (the stored server version
// tells a deletion from a field the server never stored), and does not come
// back with the next local edit.
func TestServerFieldDeletionReachesFile(t *testing.T) {
	r := newRig(t, push.Version141)
	id, _ := r.srv.AddItem("contacts", contact(t, "Ada", "Lovelace", "+44 7700 900123"))
	r.sync()
	name := r.fileWith("Lovelace")
	if !strings.Contains(r.files()[name], "900123") {
		t.Fatal("phone not synced")
	}
	if err := r.srv.ChangeItem("contacts", id, contact(t, "Ada", "Lovelace", "")); err != nil {
		t.Fatal(err)
	}
	r.sync()
	if strings.Contains(r.files()[name], "900123") {
		t.Fatalf("phone deleted on the server is still in the file:\n%s", r.files()[name])
	}
	r.writeFile(name, strings.Replace(r.files()[name], "FN:", "NOTE:edited\r\nFN:", 1))
	r.sync()
	c := decode(t, r.srv.Items("contacts")[id])
	if c.MobilePhoneNumber != nil && *c.MobilePhoneNumber != "" {
		t.Fatalf("deleted phone came back to the server: %q", *c.MobilePhoneNumber)
	}
}

// Two files with one UID: the second is reported by name and not sent, so
// the server cannot overwrite the first with it.
func TestDuplicateUIDReportedNotSent(t *testing.T) {
	r := newRig(t, push.Version141)
	r.writeFile("a.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:same\r\nFN:First Card\r\nN:Card;First;;;\r\nEND:VCARD\r\n")
	r.writeFile("b.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:same\r\nFN:Second Card\r\nN:Card;Second;;;\r\nEND:VCARD\r\n")
	err := r.f.Sync(context.Background())
	var bad *reconcile.BadItemError
	if !errors.As(err, &bad) || !strings.Contains(err.Error(), "also the UID of") {
		t.Fatalf("want a bad-item error naming the other file, got %v", err)
	}
	if n := len(r.srv.Items("contacts")); n != 1 {
		t.Fatalf("server has %d items, want only the first", n)
	}
	if len(r.files()) != 2 {
		t.Fatal("a local file was removed")
	}
}

// The integrity check heals a divergence no incremental sync can see: an
// item the client believes it has but whose file and record are gone.
func TestVerifyHealsLostItems(t *testing.T) {
	r := newRig(t, push.Version141)
	for i := 0; i < 5; i++ {
		r.srv.AddItem("contacts", contact(t, "Person", "Lost"+string(rune('a'+i)), ""))
	}
	r.sync()
	// Lose one item silently: its file and its state row vanish, the
	// server has no change to report.
	name := r.fileWith("Lostc")
	os.Remove(filepath.Join(r.dir, name))
	it, err := r.db.ItemByHref(context.Background(), r.fid, name)
	if err != nil {
		t.Fatal(err)
	}
	r.db.DeleteItem(context.Background(), it.ID)
	r.sync()
	if r.fileWith("Lostc") != "" {
		t.Fatal("precondition: an incremental sync should not bring it back")
	}
	if err := r.f.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.fileWith("Lostc") == "" {
		t.Fatal("verify did not bring the lost item back")
	}
	if m, n := len(r.files()), len(r.srv.Items("contacts")); m != 5 || n != 5 {
		t.Fatalf("after verify: local %d, server %d, want 5 and 5", m, n)
	}
}

// A run stopped inside a windowed response leaves the folder marked
// partial; the next run starts the folder over instead of continuing from
// a key some servers cannot continue from, and ends with every item once.
func TestInterruptedWindowStartsOver(t *testing.T) {
	r := newRig(t, push.Version141)
	for i := 0; i < 250; i++ {
		r.srv.AddItem("contacts", contact(t, "W", fmt.Sprintf("Window%03d", i), ""))
	}
	r.f.Store = &crashingStore{Store: r.st, n: 150} // dies inside the second window
	if err := r.f.Sync(context.Background()); err == nil {
		t.Fatal("the crashing store did not crash")
	}
	fo, err := r.db.Folder(context.Background(), r.fid)
	if err != nil || !fo.Partial {
		t.Fatalf("folder not marked partial after stopping mid-response: %+v %v", fo, err)
	}
	r.open()
	r.sync()
	fo, _ = r.db.Folder(context.Background(), r.fid)
	if fo.Partial {
		t.Fatal("folder still partial after a complete sync")
	}
	if m, n := len(r.files()), len(r.srv.Items("contacts")); m != 250 || n != 250 {
		t.Fatalf("local %d, server %d, want 250 and 250", m, n)
	}
}
