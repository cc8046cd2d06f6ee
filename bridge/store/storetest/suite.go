// Package storetest is the conformance suite every [store.Store]
// implementation must pass, so that the sync engine can rely on one
// behaviour whatever backs a collection.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cradle-sync/cradle/bridge/store"
)

// Suite describes the implementation under test.
type Suite struct {
	// Ext is ".vcf" or ".ics": the kind of items to store.
	Ext string
	// Open opens (or reopens) the store kept under root, a folder the
	// suite owns; everything the store writes must stay inside root.
	Open func(t *testing.T, root string) store.Store
	// Edit changes the stored item at href behind the store's back, as a
	// user's editor would, replacing its content with data.
	Edit func(t *testing.T, root, href string, old, data []byte)
}

// Item returns a well-formed item of the suite's kind with the given UID and
// a summary or name that distinguishes versions.
func (s Suite) Item(uid, text string) []byte {
	return Item(s.Ext, uid, text)
}

// Item returns a well-formed vCard (ext ".vcf") or iCalendar object (".ics")
// with the given UID. The iCalendar object carries a VTIMEZONE used by its
// event, so stores that split and reassemble calendars are exercised.
func Item(ext, uid, text string) []byte {
	if ext == ".vcf" {
		return fmt.Appendf(nil, "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:%s\r\nN:%s;;;;\r\nEND:VCARD\r\n", uid, text, text)
	}
	return fmt.Appendf(nil, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cradle//Cradle//EN\r\n"+
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"+
		"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"+
		"BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260102T100000\r\n"+
		"SUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", uid, text)
}

// HostileUIDs are UIDs that must not let a store write outside its folder
// or fail: traversal, absolute paths, NUL and control bytes, Windows device
// names, over-long and non-ASCII UIDs.
var HostileUIDs = []string{
	"../../etc/passwd",
	"/abs/olute",
	`..\..\windows\system32`,
	"a\x00b",
	"tab\there\x1b[31m",
	"CON", "nul", "COM1", "lpt9.txt", "con.vcf",
	".", "..", "...", ".hidden", "trailing. ",
	strings.Repeat("x", 300),
	strings.Repeat("é", 300),
	"Zürich-日本-🎉@example.org",
	`x:y*?<>|"`,
	"bad\xffutf8",
	"C:relative",
}

// Run runs the whole suite.
func Run(t *testing.T, s Suite) {
	t.Run("CRUD", func(t *testing.T) { testCRUD(t, s) })
	t.Run("CreateExisting", func(t *testing.T) { testCreateExisting(t, s) })
	t.Run("StaleEtag", func(t *testing.T) { testStaleEtag(t, s) })
	t.Run("ExternalEdit", func(t *testing.T) { testExternalEdit(t, s) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, s) })
	t.Run("HostileUIDs", func(t *testing.T) { testHostileUIDs(t, s) })
	t.Run("Reopen", func(t *testing.T) { testReopen(t, s) })
	t.Run("Apply", func(t *testing.T) { testApply(t, s) })
	t.Run("ApplyInOrder", func(t *testing.T) { testApplyInOrder(t, s) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, s) })
}

func open(t *testing.T, s Suite, root string) store.Store {
	t.Helper()
	st := s.Open(t, root)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// mustGet fetches href and checks its content is want.
func mustGet(t *testing.T, st store.Store, href string, want []byte) store.Entry {
	t.Helper()
	got, e, err := st.Get(context.Background(), href)
	if err != nil {
		t.Fatalf("Get(%q): %v", href, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) =\n%q\nwant\n%q", href, got, want)
	}
	if e.Href != href {
		t.Errorf("Get(%q).Href = %q", href, e.Href)
	}
	return e
}

// listUIDs returns the sorted UIDs and a UID → entry map.
func listUIDs(t *testing.T, st store.Store) ([]string, map[string]store.Entry) {
	t.Helper()
	entries, err := st.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	byUID := make(map[string]store.Entry)
	var uids []string
	for _, e := range entries {
		if _, dup := byUID[e.UID]; dup {
			t.Errorf("List has UID %q twice", e.UID)
		}
		byUID[e.UID] = e
		uids = append(uids, e.UID)
	}
	slices.Sort(uids)
	return uids, byUID
}

func testCRUD(t *testing.T, s Suite) {
	ctx := context.Background()
	st := open(t, s, t.TempDir())
	if uids, _ := listUIDs(t, st); len(uids) != 0 {
		t.Fatalf("new store lists %v", uids)
	}
	v1 := s.Item("crud-1", "one")
	e1, err := st.Create(ctx, "crud-1", v1)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if e1.UID != "crud-1" || e1.Href == "" || e1.Etag == "" {
		t.Fatalf("Create entry = %+v", e1)
	}
	g := mustGet(t, st, e1.Href, v1)
	if g.UID != "crud-1" {
		t.Errorf("Get UID = %q", g.UID)
	}
	e2, err := st.Create(ctx, "crud-2", s.Item("crud-2", "two"))
	if err != nil {
		t.Fatalf("Create 2: %v", err)
	}
	if e2.Href == e1.Href {
		t.Fatalf("two items share href %q", e1.Href)
	}
	uids, byUID := listUIDs(t, st)
	if !slices.Equal(uids, []string{"crud-1", "crud-2"}) {
		t.Fatalf("List UIDs = %q", uids)
	}
	if byUID["crud-1"].Href != e1.Href {
		t.Errorf("List href %q, Create said %q", byUID["crud-1"].Href, e1.Href)
	}

	v1b := s.Item("crud-1", "one, edited with a longer name")
	u, err := st.Update(ctx, e1.Href, v1b, g.Etag)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if u.Href != e1.Href || u.Etag == g.Etag {
		t.Errorf("Update entry = %+v, previous etag %q", u, g.Etag)
	}
	mustGet(t, st, e1.Href, v1b)
	// The etag List reports is usable as a write condition too.
	_, byUID = listUIDs(t, st)
	v1c := s.Item("crud-1", "third")
	if _, err := st.Update(ctx, e1.Href, v1c, byUID["crud-1"].Etag); err != nil {
		t.Fatalf("Update with listed etag: %v", err)
	}
	mustGet(t, st, e1.Href, v1c)

	_, e, _ := st.Get(ctx, e1.Href)
	if err := st.Delete(ctx, e1.Href, e.Etag); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, _, err := st.Get(ctx, e1.Href); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	if uids, _ := listUIDs(t, st); !slices.Equal(uids, []string{"crud-2"}) {
		t.Errorf("List after Delete = %q", uids)
	}
	// Unconditional update and delete.
	if _, err := st.Update(ctx, e2.Href, s.Item("crud-2", "blind"), ""); err != nil {
		t.Errorf("unconditional Update: %v", err)
	}
	if err := st.Delete(ctx, e2.Href, ""); err != nil {
		t.Errorf("unconditional Delete: %v", err)
	}
	if uids, _ := listUIDs(t, st); len(uids) != 0 {
		t.Errorf("List after deleting all = %q", uids)
	}
}

func testCreateExisting(t *testing.T, s Suite) {
	ctx := context.Background()
	st := open(t, s, t.TempDir())
	first := s.Item("dup", "first")
	e, err := st.Create(ctx, "dup", first)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Create(ctx, "dup", s.Item("dup", "second")); !errors.Is(err, store.ErrExists) {
		t.Errorf("second Create: err = %v, want ErrExists", err)
	}
	mustGet(t, st, e.Href, first)
	if _, err := st.Create(ctx, "", s.Item("", "x")); err == nil {
		t.Error("Create with empty UID succeeded")
	}
}

func testStaleEtag(t *testing.T, s Suite) {
	ctx := context.Background()
	st := open(t, s, t.TempDir())
	e0, err := st.Create(ctx, "stale", s.Item("stale", "v0"))
	if err != nil {
		t.Fatal(err)
	}
	v1 := s.Item("stale", "v1 is longer")
	if _, err := st.Update(ctx, e0.Href, v1, e0.Etag); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(ctx, e0.Href, s.Item("stale", "lost"), e0.Etag); !errors.Is(err, store.ErrChanged) {
		t.Errorf("Update with stale etag: err = %v, want ErrChanged", err)
	}
	if err := st.Delete(ctx, e0.Href, e0.Etag); !errors.Is(err, store.ErrChanged) {
		t.Errorf("Delete with stale etag: err = %v, want ErrChanged", err)
	}
	mustGet(t, st, e0.Href, v1)
}

func testExternalEdit(t *testing.T, s Suite) {
	ctx := context.Background()
	root := t.TempDir()
	st := open(t, s, root)
	v0 := s.Item("ext", "original")
	if _, err := st.Create(ctx, "other", s.Item("other", "bystander")); err != nil {
		t.Fatal(err)
	}
	e, err := st.Create(ctx, "ext", v0)
	if err != nil {
		t.Fatal(err)
	}
	e = mustGet(t, st, e.Href, v0)
	users := s.Item("ext", "the user's edit, which must survive")
	s.Edit(t, root, e.Href, v0, users)
	if _, err := st.Update(ctx, e.Href, s.Item("ext", "sync engine"), e.Etag); !errors.Is(err, store.ErrChanged) {
		t.Errorf("Update over a user's edit: err = %v, want ErrChanged", err)
	}
	if err := st.Delete(ctx, e.Href, e.Etag); !errors.Is(err, store.ErrChanged) {
		t.Errorf("Delete over a user's edit: err = %v, want ErrChanged", err)
	}
	e2 := mustGet(t, st, e.Href, users)
	if e2.Etag == e.Etag {
		t.Errorf("etag %q did not change with the content", e.Etag)
	}
	if _, err := st.Update(ctx, e.Href, s.Item("ext", "merged"), e2.Etag); err != nil {
		t.Errorf("Update with fresh etag: %v", err)
	}
}

func testNotFound(t *testing.T, s Suite) {
	ctx := context.Background()
	root := t.TempDir()
	st := open(t, s, root)
	if _, err := st.Create(ctx, "present", s.Item("present", "p")); err != nil {
		t.Fatal(err)
	}
	// A file outside the collection that a traversal would reach.
	secret := filepath.Join(filepath.Dir(root), filepath.Base(root)+"-secret"+s.Ext)
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(secret) })
	for _, href := range []string{
		"missing" + s.Ext, "", ".", "..", "../" + filepath.Base(secret), secret,
		"/etc/passwd", "a/b" + s.Ext, "..\\x" + s.Ext, "x\x00" + s.Ext,
	} {
		if _, _, err := st.Get(ctx, href); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(%q): err = %v, want ErrNotFound", href, err)
		}
		if _, err := st.Update(ctx, href, s.Item("present", "x"), ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Update(%q): err = %v, want ErrNotFound", href, err)
		}
		if err := st.Delete(ctx, href, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Delete(%q): err = %v, want ErrNotFound", href, err)
		}
	}
	if got, _ := os.ReadFile(secret); string(got) != "secret" {
		t.Errorf("file outside the store changed to %q", got)
	}
}

func testHostileUIDs(t *testing.T, s Suite) {
	ctx := context.Background()
	parent := t.TempDir()
	root := filepath.Join(parent, "collection")
	if err := os.Mkdir(root, 0o700); err != nil {
		t.Fatal(err)
	}
	st := open(t, s, root)
	hrefs := make(map[string]string)
	for _, uid := range HostileUIDs {
		data := s.Item(uid, "hostile")
		e, err := st.Create(ctx, uid, data)
		if err != nil {
			t.Errorf("Create(%q): %v", uid, err)
			continue
		}
		if e.UID != uid {
			t.Errorf("Create(%q).UID = %q", uid, e.UID)
		}
		for other, h := range hrefs {
			if h == e.Href {
				t.Errorf("UIDs %q and %q share href %q", uid, other, h)
			}
		}
		hrefs[uid] = e.Href
		mustGet(t, st, e.Href, data)
	}
	_, byUID := listUIDs(t, st)
	for uid, href := range hrefs {
		if byUID[uid].Href != href {
			t.Errorf("List: UID %q at %q, want %q", uid, byUID[uid].Href, href)
		}
	}
	// Nothing may land outside root, and root gets no subfolders.
	err := filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case p == parent || p == root:
		case d.IsDir():
			t.Errorf("store made folder %s", p)
		case filepath.Dir(p) != root:
			t.Errorf("store wrote %s outside %s", p, root)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for uid, href := range hrefs {
		if err := st.Delete(ctx, href, ""); err != nil {
			t.Errorf("Delete(%q) of UID %q: %v", href, uid, err)
		}
	}
}

func testReopen(t *testing.T, s Suite) {
	ctx := context.Background()
	root := t.TempDir()
	st := s.Open(t, root)
	want := make(map[string][]byte)
	hrefs := make(map[string]string)
	for i := range 5 {
		uid := fmt.Sprintf("reopen-%d", i)
		want[uid] = s.Item(uid, fmt.Sprintf("item %d", i))
		e, err := st.Create(ctx, uid, want[uid])
		if err != nil {
			t.Fatal(err)
		}
		hrefs[uid] = e.Href
	}
	if err := st.Delete(ctx, hrefs["reopen-0"], ""); err != nil {
		t.Fatal(err)
	}
	delete(want, "reopen-0")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = open(t, s, root)
	uids, byUID := listUIDs(t, st)
	if len(uids) != len(want) {
		t.Fatalf("after reopen List = %q", uids)
	}
	for uid, data := range want {
		if byUID[uid].Href != hrefs[uid] {
			t.Errorf("href of %q changed from %q to %q", uid, hrefs[uid], byUID[uid].Href)
		}
		mustGet(t, st, hrefs[uid], data)
	}
}

func testApply(t *testing.T, s Suite) {
	ctx := context.Background()
	st := open(t, s, t.TempDir())
	var ops []store.Op
	for i := range 50 {
		uid := fmt.Sprintf("batch-%02d", i)
		ops = append(ops, store.Op{Kind: store.OpCreate, UID: uid, Data: s.Item(uid, "v1")})
	}
	res, err := st.Apply(ctx, ops)
	if err != nil {
		t.Fatalf("Apply creates: %v", err)
	}
	if len(res) != len(ops) {
		t.Fatalf("Apply returned %d results for %d ops", len(res), len(ops))
	}
	for i, r := range res {
		if r.Err != nil || r.Entry.UID != ops[i].UID {
			t.Fatalf("create %d: %+v", i, r)
		}
	}
	// A mixed batch where one op has a stale etag: the others still apply.
	updated := s.Item("batch-00", "v2")
	ops = []store.Op{
		{Kind: store.OpUpdate, Href: res[0].Entry.Href, Data: updated, IfMatch: res[0].Entry.Etag},
		{Kind: store.OpUpdate, Href: res[1].Entry.Href, Data: s.Item("batch-01", "v2"), IfMatch: "f:1:2:3"},
		{Kind: store.OpDelete, Href: res[2].Entry.Href, IfMatch: res[2].Entry.Etag},
		{Kind: store.OpCreate, UID: "batch-00", Data: s.Item("batch-00", "dup")},
		{Kind: store.OpDelete, Href: "nonexistent" + s.Ext},
		{Kind: store.OpCreate, UID: "batch-new", Data: s.Item("batch-new", "new")},
	}
	res2, err := st.Apply(ctx, ops)
	if err != nil {
		t.Fatalf("Apply mixed: %v", err)
	}
	wantErr := []error{nil, store.ErrChanged, nil, store.ErrExists, store.ErrNotFound, nil}
	for i, w := range wantErr {
		if (w == nil && res2[i].Err != nil) || (w != nil && !errors.Is(res2[i].Err, w)) {
			t.Errorf("op %d (%v): err = %v, want %v", i, ops[i].Kind, res2[i].Err, w)
		}
	}
	mustGet(t, st, res[0].Entry.Href, updated)
	mustGet(t, st, res[1].Entry.Href, s.Item("batch-01", "v1"))
	uids, _ := listUIDs(t, st)
	if len(uids) != 50 || slices.Contains(uids, "batch-02") || !slices.Contains(uids, "batch-new") {
		t.Errorf("after mixed batch List = %q", uids)
	}
}

// testApplyInOrder checks that the ops of one Apply behave as if run one
// after the other, even when several touch the same item.
func testApplyInOrder(t *testing.T, s Suite) {
	ctx := context.Background()
	st := open(t, s, t.TempDir())
	e, err := st.Create(ctx, "seq", s.Item("seq", "v1"))
	if err != nil {
		t.Fatal(err)
	}
	v2 := s.Item("seq", "v2 is longer")
	ops := []store.Op{
		{Kind: store.OpUpdate, Href: e.Href, Data: v2, IfMatch: e.Etag},
		// The first update moved the item past e.Etag.
		{Kind: store.OpUpdate, Href: e.Href, Data: s.Item("seq", "lost"), IfMatch: e.Etag},
		{Kind: store.OpDelete, Href: e.Href, IfMatch: e.Etag},
		{Kind: store.OpCreate, UID: "twice", Data: s.Item("twice", "first")},
		{Kind: store.OpCreate, UID: "twice", Data: s.Item("twice", "second")},
	}
	res, err := st.Apply(ctx, ops)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	wantErr := []error{nil, store.ErrChanged, store.ErrChanged, nil, store.ErrExists}
	for i, w := range wantErr {
		if (w == nil && res[i].Err != nil) || (w != nil && !errors.Is(res[i].Err, w)) {
			t.Errorf("op %d (%v): err = %v, want %v", i, ops[i].Kind, res[i].Err, w)
		}
	}
	mustGet(t, st, e.Href, v2)
	mustGet(t, st, res[3].Entry.Href, s.Item("twice", "first"))

	// Delete an item and create its UID anew in the same batch.
	v3 := s.Item("seq", "v3, recreated")
	res, err = st.Apply(ctx, []store.Op{
		{Kind: store.OpDelete, Href: e.Href, IfMatch: res[0].Entry.Etag},
		{Kind: store.OpCreate, UID: "seq", Data: v3},
	})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("op %d: %v", i, r.Err)
		}
	}
	mustGet(t, st, res[1].Entry.Href, v3)
	if uids, _ := listUIDs(t, st); !slices.Equal(uids, []string{"seq", "twice"}) {
		t.Errorf("List = %q", uids)
	}
}

func testConcurrent(t *testing.T, s Suite) {
	ctx := context.Background()
	st := open(t, s, t.TempDir())
	const workers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				uid := fmt.Sprintf("w%d-%d", w, i)
				e, err := st.Create(ctx, uid, s.Item(uid, "v1"))
				if err != nil {
					errs <- err
					continue
				}
				if _, err := st.Update(ctx, e.Href, s.Item(uid, "v2"), e.Etag); err != nil {
					errs <- err
				}
				if _, err := st.List(ctx); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	uids, byUID := listUIDs(t, st)
	if len(uids) != workers*each {
		t.Fatalf("List has %d items, want %d", len(uids), workers*each)
	}
	for uid, e := range byUID {
		mustGet(t, st, e.Href, s.Item(uid, "v2"))
	}
}
