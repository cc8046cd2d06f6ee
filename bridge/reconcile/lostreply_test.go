package reconcile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/reconcile"
	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

var errKilled = errors.New("killed")

// lossyClient loses the answer to the first Sync that carries Adds, as a
// daemon killed right after sending it would: the server created the
// items, the client never learned their ids.
type lossyClient struct {
	reconcile.Client
	lost bool
}

func (c *lossyClient) SyncFolder(ctx context.Context, req easclient.SyncFolderRequest, fn func(*easclient.Window) error) (string, error) {
	if c.lost || req.Commands == nil || len(req.Commands.Add) == 0 {
		return c.Client.SyncFolder(ctx, req, fn)
	}
	c.lost = true
	c.Client.SyncFolder(ctx, req, func(*easclient.Window) error { return errKilled })
	return "", errKilled
}

// An Add whose answer was lost must not be sent again as a new item:
// servers do not deduplicate ClientIds (SOGo does not), and SOGo does not
// send the created item back either, since it believes the client has it.
// Found by the crash harness (internal/crash).
func TestLostAddAnswerNoDuplicate(t *testing.T) {
	r := newRig(t, push.Version141)
	if _, err := r.srv.AddItem("contacts", contact(t, "Ada", "Lovelace", "+1 555 0100")); err != nil {
		t.Fatal(err)
	}
	r.sync()
	r.writeFile("local-1.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:local-1\r\nFN:Barbara Liskov\r\nN:Liskov;Barbara;;;\r\nTEL;TYPE=CELL:+1 555 0199\r\nEND:VCARD\r\n")
	r.f.Client = &lossyClient{Client: r.client}
	if err := r.f.Sync(context.Background()); !errors.Is(err, errKilled) {
		t.Fatalf("lossy pass: %v, want the lost answer", err)
	}
	if _, ok := r.serverWith("Liskov"); !ok {
		t.Fatal("the lost Add did not reach the server")
	}
	r.open() // the restarted daemon
	r.sync()
	r.sync()
	if n, m := len(r.srv.Items("contacts")), len(r.files()); n != 2 || m != 2 {
		t.Fatalf("after the lost answer: server %d items, local %d files; want 2 and 2", n, m)
	}
	if p, err := r.db.Pending(context.Background(), r.fid); err != nil || len(p) != 0 {
		t.Fatalf("pending after recovery: %v, %v; want none", p, err)
	}
}

// failingUpdate fails the next Update, as a kill right after the conflict
// copy was saved and recorded leaves the pass.
type failingUpdate struct {
	store.Store
}

func (failingUpdate) Update(context.Context, string, []byte, store.Etag) (store.Entry, error) {
	return store.Entry{}, errKilled
}

// A pass killed after keeping a conflict copy merges again on restart; the
// user then finds one copy and one conflict, not two.
func TestConflictAfterKillKeptOnce(t *testing.T) {
	r := newRig(t, push.Version141)
	id, _ := r.srv.AddItem("contacts", contact(t, "Ada", "Lovelace", "+44 1"))
	r.sync()
	name := r.fileWith("Lovelace")
	r.writeFile(name, strings.Replace(r.files()[name], "+44 1", "+44 LOCAL", 1))
	if err := r.srv.ChangeItem("contacts", id, contact(t, "Ada", "Lovelace", "+44 SERVER")); err != nil {
		t.Fatal(err)
	}
	r.f.Store = failingUpdate{r.st}
	if err := r.f.Sync(context.Background()); !errors.Is(err, errKilled) {
		t.Fatalf("killed pass: %v", err)
	}
	r.open()
	r.sync()
	if text := r.files()[name]; !strings.Contains(text, "+44 SERVER") {
		t.Fatalf("merged item should carry the server's value:\n%s", text)
	}
	conflicts, err := r.db.Conflicts(context.Background(), r.fid, true)
	if err != nil || len(conflicts) != 1 {
		t.Fatalf("%d conflicts (%v), want 1", len(conflicts), err)
	}
	var copies []string
	ents, _ := os.ReadDir(r.dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), reconcile.ConflictInfix) {
			copies = append(copies, e.Name())
		}
	}
	if len(copies) != 1 || filepath.Join(r.dir, copies[0]) != conflicts[0].LocalCopyPath {
		t.Fatalf("conflict copies %v, want the one recorded (%s)", copies, conflicts[0].LocalCopyPath)
	}
}
