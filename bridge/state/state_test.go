package state

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Persistence is the interface the package doc suggests to push/session;
// declaring it here keeps the doc and the methods in step.
type Persistence interface {
	SyncKey(ctx context.Context, account, folder string) (string, error)
	SetSyncKey(ctx context.Context, account, folder, key string) error
	PolicyKey(ctx context.Context, account string) (string, error)
	SetPolicyKey(ctx context.Context, account, key string) error
	Heartbeat(ctx context.Context, account, network string) (time.Duration, error)
	SetHeartbeat(ctx context.Context, account, network string, d time.Duration) error
}

var _ Persistence = (*DB)(nil)

func openTest(t testing.TB) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// fixture creates an account and a calendar folder.
func fixture(t testing.TB, d *DB) (Account, Folder) {
	t.Helper()
	ctx := context.Background()
	a, err := d.CreateAccount(ctx, Account{Name: "work", URL: "https://mail.example.org/Microsoft-Server-ActiveSync",
		User: "alice", DeviceID: "CRADLE0123456789", DeviceType: "Cradle"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.PutFolder(ctx, Folder{Account: a.ID, ServerID: "2", ParentID: "0", DisplayName: "Calendar",
		Kind: KindCalendar, StoreKind: StoreVdir, StorePath: "/home/alice/.calendars/work", WindowDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	return a, f
}

func TestMigrationsFromEmptyAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "state.db")
	for i := range 3 {
		d, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		v, err := schemaVersion(ctx, d.db)
		if err != nil {
			t.Fatal(err)
		}
		if v != SchemaVersion {
			t.Errorf("open %d: version %d, want %d", i, v, SchemaVersion)
		}
		var rows int
		if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("schema_version has %d rows (%v), want 1", rows, err)
		}
		if i == 0 {
			fixture(t, d)
		}
		// Data survives reopening.
		if _, err := d.Account(ctx, "work"); err != nil {
			t.Errorf("open %d: %v", i, err)
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenSettings(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000"} {
		var got string
		if err := d.db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.ExecContext(ctx, `UPDATE schema_version SET version = ?`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a newer schema: err = %v", err)
	}
}

// TestSchemaHasNoSecrets keeps credentials out of the database: no
// column may be named like one. The policy key is an acknowledgement, not
// a credential, and is allowed by name.
func TestSchemaHasNoSecrets(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	rows, err := d.db.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m
		JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		n++
		lc := strings.ToLower(col)
		for _, bad := range []string{"pass", "secret", "token", "credential", "auth", "cookie", "bearer"} {
			if strings.Contains(lc, bad) {
				t.Errorf("column %s.%s looks like a secret", table, col)
			}
		}
	}
	if n < 30 {
		t.Errorf("saw only %d columns: query broken?", n)
	}
}

func TestAccounts(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	a, _ := fixture(t, d)
	if a.PolicyKey != "0" || a.FolderSyncKey != "0" || a.ID == 0 {
		t.Errorf("new account = %+v", a)
	}
	if _, err := d.CreateAccount(ctx, Account{Name: "work", URL: "u", DeviceID: "d"}); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate name: err = %v", err)
	}
	a.ProtocolVersion = "16.1"
	a.URL = "https://other.example.org/eas"
	if err := d.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := d.Account(ctx, "work")
	if err != nil {
		t.Fatal(err)
	}
	if got.ProtocolVersion != "16.1" || got.URL != a.URL || !got.Created.Equal(a.Created) {
		t.Errorf("Account = %+v, want %+v", got, a)
	}
	if _, err := d.Account(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing account: err = %v", err)
	}
	all, err := d.Accounts(ctx)
	if err != nil || len(all) != 1 {
		t.Errorf("Accounts = %v, %v", all, err)
	}
	if err := d.DeleteAccount(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if fs, _ := d.Folders(ctx, a.ID); len(fs) != 0 {
		t.Errorf("folders survived their account: %v", fs)
	}
	if err := d.DeleteAccount(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: err = %v", err)
	}
}

func TestFolders(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	a, f := fixture(t, d)
	if f.SyncKey != "0" || f.State != FolderActive || f.WindowDays != 90 {
		t.Errorf("new folder = %+v", f)
	}
	if err := d.SetFolderSyncKey(ctx, f.ID, "42"); err != nil {
		t.Fatal(err)
	}
	// A hierarchy update renames but must not reset the sync key.
	f2, err := d.PutFolder(ctx, Folder{Account: a.ID, ServerID: "2", DisplayName: "Kalender", Kind: KindCalendar, SyncKey: "0"})
	if err != nil {
		t.Fatal(err)
	}
	if f2.ID != f.ID || f2.DisplayName != "Kalender" || f2.SyncKey != "42" {
		t.Errorf("updated folder = %+v", f2)
	}
	if _, err := d.PutFolder(ctx, Folder{Account: a.ID, ServerID: "9", Kind: "mail"}); err == nil {
		t.Error("PutFolder accepted kind mail")
	}
	byID, err := d.FolderByServerID(ctx, a.ID, "2")
	if err != nil || byID.ID != f.ID {
		t.Errorf("FolderByServerID = %+v, %v", byID, err)
	}
	if _, err := d.Folder(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing folder: err = %v", err)
	}
	if err := d.SetFolderSyncKey(ctx, 999, "1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetFolderSyncKey of missing folder: err = %v", err)
	}
}

func TestSessionPersistence(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	fixture(t, d)
	tests := []struct {
		folder, key string
	}{{"", "hier-1"}, {"2", "{5f1e}7"}}
	for _, tt := range tests {
		if k, err := d.SyncKey(ctx, "work", tt.folder); err != nil || k != "0" {
			t.Errorf("initial SyncKey(%q) = %q, %v", tt.folder, k, err)
		}
		if err := d.SetSyncKey(ctx, "work", tt.folder, tt.key); err != nil {
			t.Fatal(err)
		}
		if k, err := d.SyncKey(ctx, "work", tt.folder); err != nil || k != tt.key {
			t.Errorf("SyncKey(%q) = %q, %v, want %q", tt.folder, k, err, tt.key)
		}
	}
	if err := d.SetSyncKey(ctx, "work", "nope", "1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetSyncKey of unknown folder: err = %v", err)
	}
	if _, err := d.SyncKey(ctx, "other", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("SyncKey of unknown account: err = %v", err)
	}
	if err := d.SetPolicyKey(ctx, "work", "3942919513"); err != nil {
		t.Fatal(err)
	}
	if k, _ := d.PolicyKey(ctx, "work"); k != "3942919513" {
		t.Errorf("PolicyKey = %q", k)
	}
	if hb, err := d.Heartbeat(ctx, "work", "home"); err != nil || hb != 0 {
		t.Errorf("unknown heartbeat = %v, %v", hb, err)
	}
	for _, hb := range []time.Duration{470 * time.Second, 1680 * time.Second} {
		if err := d.SetHeartbeat(ctx, "work", "home", hb); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.Heartbeat(ctx, "work", "home"); got != hb {
			t.Errorf("Heartbeat = %v, want %v", got, hb)
		}
	}
	if got, _ := d.Heartbeat(ctx, "work", "office"); got != 0 {
		t.Errorf("heartbeat leaked across networks: %v", got)
	}
	if err := d.SetHeartbeat(ctx, "nobody", "home", time.Minute); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetHeartbeat of unknown account: err = %v", err)
	}
}

func TestApplyServerBatch(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	_, f := fixture(t, d)
	op, err := d.Enqueue(ctx, PendingOp{Folder: f.ID, Kind: OpAdd, PayloadRef: "local.ics"})
	if err != nil {
		t.Fatal(err)
	}
	local, err := d.PutItem(ctx, Item{Folder: f.ID, UID: "local", LocalHref: "local.ics", SyncedHash: "h0"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.ApplyServerBatch(ctx, f.ID, ServerBatch{FromKey: "0", NewKey: "1", Upserts: []Item{
		{ServerID: "2:1", UID: "a", LocalHref: "a.ics", SyncedContent: []byte("A1"), SyncedHash: "ha1"},
		{ServerID: "2:2", UID: "b", LocalHref: "b.ics", SyncedContent: []byte("B1")},
		{ID: local.ID, ServerID: "2:3", UID: "local", LocalHref: "local.ics"}, // ack of the local add
	}, Acked: []string{op.ClientID}})
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := d.SyncKey(ctx, "work", "2"); k != "1" {
		t.Errorf("sync key = %q", k)
	}
	if p, _ := d.Pending(ctx, f.ID); len(p) != 0 {
		t.Errorf("acked op still pending: %+v", p)
	}
	acked, err := d.ItemByHref(ctx, f.ID, "local.ics")
	if err != nil || acked.ID != local.ID || acked.ServerID != "2:3" {
		t.Errorf("acked item = %+v, %v", acked, err)
	}
	// Change one, delete one, stale key refused.
	_, err = d.ApplyServerBatch(ctx, f.ID, ServerBatch{FromKey: "1", NewKey: "2",
		Upserts: []Item{{ServerID: "2:1", UID: "a", LocalHref: "a.ics", SyncedContent: []byte("A2")}},
		Deletes: []string{"2:2", "2:unknown"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ApplyServerBatch(ctx, f.ID, ServerBatch{FromKey: "1", NewKey: "3"}); !errors.Is(err, ErrSyncKeyMismatch) {
		t.Errorf("stale FromKey: err = %v", err)
	}
	a, err := d.ItemByServerID(ctx, f.ID, "2:1")
	if err != nil || string(a.SyncedContent) != "A2" {
		t.Errorf("item a = %+v, %v", a, err)
	}
	if _, err := d.ItemByServerID(ctx, f.ID, "2:2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted item: err = %v", err)
	}
	items, _ := d.Items(ctx, f.ID)
	if len(items) != 2 || items[0].SyncedContent != nil {
		t.Errorf("Items = %+v", items)
	}
}

// TestApplyServerBatchAtomic injects a failure at every step of a batch
// and checks that nothing of it was recorded: not the items, not the
// deletes, not the key.
func TestApplyServerBatchAtomic(t *testing.T) {
	ctx := context.Background()
	steps := []string{"upsert#1", "upsert#2", "delete#1", "synckey#1"}
	for _, failAt := range steps {
		t.Run(failAt, func(t *testing.T) {
			d := openTest(t)
			_, f := fixture(t, d)
			if _, err := d.ApplyServerBatch(ctx, f.ID, ServerBatch{NewKey: "1",
				Upserts: []Item{{ServerID: "old", UID: "old"}}}); err != nil {
				t.Fatal(err)
			}
			boom := errors.New("boom")
			counts := map[string]int{}
			d.batchHook = func(step string) error {
				counts[step]++
				if fmt.Sprintf("%s#%d", step, counts[step]) == failAt {
					return boom
				}
				return nil
			}
			_, err := d.ApplyServerBatch(ctx, f.ID, ServerBatch{FromKey: "1", NewKey: "2",
				Upserts: []Item{{ServerID: "n1", UID: "n1"}, {ServerID: "n2", UID: "n2"}},
				Deletes: []string{"old"}})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want boom", err)
			}
			d.batchHook = nil
			if k, _ := d.SyncKey(ctx, "work", "2"); k != "1" {
				t.Errorf("sync key moved to %q", k)
			}
			items, _ := d.Items(ctx, f.ID)
			if len(items) != 1 || items[0].ServerID != "old" {
				t.Errorf("items after failed batch = %+v", items)
			}
		})
	}
	// A real constraint violation mid-batch behaves the same.
	d := openTest(t)
	_, f := fixture(t, d)
	_, err := d.ApplyServerBatch(ctx, f.ID, ServerBatch{NewKey: "1", Upserts: []Item{
		{ServerID: "x", LocalHref: "same.ics"}, {ServerID: "y", LocalHref: "same.ics"}}})
	if !errors.Is(err, ErrExists) {
		t.Errorf("duplicate href: err = %v, want ErrExists", err)
	}
	if items, _ := d.Items(ctx, f.ID); len(items) != 0 {
		t.Errorf("items after failed batch: %+v", items)
	}
	if k, _ := d.SyncKey(ctx, "work", "2"); k != "0" {
		t.Errorf("sync key after failed batch = %q", k)
	}
}

func TestPendingQueue(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	_, f := fixture(t, d)
	var ids []string
	for _, k := range []OpKind{OpAdd, OpChange, OpDelete} {
		op, err := d.Enqueue(ctx, PendingOp{Folder: f.ID, Kind: k, PayloadRef: string(k) + ".ics"})
		if err != nil {
			t.Fatal(err)
		}
		if op.ClientID == "" || len(op.ClientID) > 64 || slices.Contains(ids, op.ClientID) {
			t.Errorf("client id %q", op.ClientID)
		}
		ids = append(ids, op.ClientID)
	}
	if _, err := d.Enqueue(ctx, PendingOp{Folder: f.ID, Kind: "move"}); err == nil {
		t.Error("Enqueue accepted kind move")
	}
	if _, err := d.Enqueue(ctx, PendingOp{Folder: f.ID, Kind: OpAdd, ClientID: ids[0]}); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate client id: err = %v", err)
	}
	ops, err := d.Pending(ctx, f.ID)
	if err != nil || len(ops) != 3 {
		t.Fatalf("Pending = %v, %v", ops, err)
	}
	if err := d.RecordAttempt(ctx, ops[0].ID, errors.New(strings.Repeat("e", 5000))); err != nil {
		t.Fatal(err)
	}
	if err := d.RecordAttempt(ctx, ops[0].ID, errors.New("timeout")); err != nil {
		t.Fatal(err)
	}
	// The ClientId survives reopening: a retry after a crash reuses it.
	path := d.Path()
	d.Close()
	d, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ops, _ = d.Pending(ctx, f.ID)
	if ops[0].ClientID != ids[0] || ops[0].Attempts != 2 || ops[0].LastError != "timeout" || ops[0].Kind != OpAdd {
		t.Errorf("after reopen op = %+v", ops[0])
	}
	if err := d.DeletePending(ctx, ops[1].ID); err != nil {
		t.Fatal(err)
	}
	if ops, _ = d.Pending(ctx, f.ID); len(ops) != 2 || ops[1].Kind != OpDelete {
		t.Errorf("after delete Pending = %+v", ops)
	}
}

func TestConflicts(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	_, f := fixture(t, d)
	it, _ := d.PutItem(ctx, Item{Folder: f.ID, ServerID: "s", UID: "u"})
	c, err := d.AddConflict(ctx, Conflict{Folder: f.ID, Item: it.ID, LocalCopyPath: "/x/u.sync-conflict.ics",
		ServerVersion: []byte("BEGIN:VCALENDAR")})
	if err != nil {
		t.Fatal(err)
	}
	if open, _ := d.Conflicts(ctx, f.ID, true); len(open) != 1 || open[0].Item != it.ID {
		t.Errorf("open conflicts = %+v", open)
	}
	if err := d.DeleteItem(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.ResolveConflict(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if open, _ := d.Conflicts(ctx, f.ID, true); len(open) != 0 {
		t.Errorf("resolved conflict still open: %+v", open)
	}
	all, _ := d.Conflicts(ctx, f.ID, false)
	if len(all) != 1 || all[0].Resolved.IsZero() || all[0].Item != 0 || string(all[0].ServerVersion) != "BEGIN:VCALENDAR" {
		t.Errorf("all conflicts = %+v", all)
	}
}

// TestConcurrentWriters runs batches on several folders and readers at
// once; with WAL, IMMEDIATE transactions and the busy timeout none fails.
func TestConcurrentWriters(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	a, _ := fixture(t, d)
	const folders, batches, per = 4, 10, 20
	var wg sync.WaitGroup
	errs := make(chan error, folders*batches*2)
	for fi := range folders {
		f, err := d.PutFolder(ctx, Folder{Account: a.ID, ServerID: fmt.Sprint("f", fi), Kind: KindContacts})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for b := range batches {
				var ups []Item
				for i := range per {
					ups = append(ups, Item{ServerID: fmt.Sprintf("%d:%d", b, i), LocalHref: fmt.Sprintf("%d-%d.vcf", b, i)})
				}
				if _, err := d.ApplyServerBatch(ctx, f.ID, ServerBatch{FromKey: fmt.Sprint(b), NewKey: fmt.Sprint(b + 1), Upserts: ups}); err != nil {
					errs <- err
				}
			}
		})
		wg.Go(func() {
			for range batches {
				if _, err := d.Items(ctx, f.ID); err != nil {
					errs <- err
				}
				if _, err := d.SyncKey(ctx, "work", f.ServerID); err != nil {
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
	fs, _ := d.Folders(ctx, a.ID)
	for _, f := range fs[1:] {
		items, _ := d.Items(ctx, f.ID)
		if len(items) != batches*per || f.SyncKey != fmt.Sprint(batches) {
			t.Errorf("folder %s: %d items, key %q", f.ServerID, len(items), f.SyncKey)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(EnvDataDir, "/data/cradle")
	if p, _ := DefaultPath(); p != filepath.Join("/data/cradle", "state.db") {
		t.Errorf("with %s: %q", EnvDataDir, p)
	}
	t.Setenv(EnvDataDir, "")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	if p, _ := DefaultPath(); p != filepath.Join("/xdg", "cradle", "state.db") {
		t.Errorf("with XDG_DATA_HOME: %q", p)
	}
	t.Setenv("XDG_DATA_HOME", "relative") // the XDG spec says ignore it
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultPath(); !strings.HasPrefix(p, "/home/u/") || !strings.HasSuffix(p, filepath.Join("cradle", "state.db")) {
		t.Errorf("fallback: %q", p)
	}
}

func BenchmarkApplyServerBatch10000(b *testing.B) {
	ctx := context.Background()
	content := []byte(strings.Repeat("BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n", 10))
	for b.Loop() {
		b.StopTimer()
		d := openTest(b)
		_, f := fixture(b, d)
		b.StartTimer()
		for batch := range 100 {
			ups := make([]Item, 100)
			for i := range ups {
				n := batch*100 + i
				ups[i] = Item{ServerID: fmt.Sprint("2:", n), UID: fmt.Sprint("u", n), LocalHref: fmt.Sprint(n, ".vcf"),
					SyncedHash: "h", SyncedContent: content}
			}
			if _, err := d.ApplyServerBatch(ctx, f.ID, ServerBatch{NewKey: fmt.Sprint(batch + 1), Upserts: ups}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
