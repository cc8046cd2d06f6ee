package session_test

import (
	"context"
	"io/fs"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/session"
)

// brokenFolder fails one folder's syncs with a local storage error until
// healed, the way a read-only collection folder does.
type brokenFolder struct {
	*memSyncer
	folder string

	mu     sync.Mutex
	broken bool
	synced chan string // folders synced successfully, in order
}

func (b *brokenFolder) SyncFolder(ctx context.Context, folder string) error {
	b.mu.Lock()
	broken := b.broken && folder == b.folder
	b.mu.Unlock()
	if broken {
		return &fs.PathError{Op: "write", Path: "/collections/" + folder, Err: syscall.EROFS}
	}
	err := b.memSyncer.SyncFolder(ctx, folder)
	if err == nil {
		select {
		case b.synced <- folder:
		default:
		}
	}
	return err
}

func (b *brokenFolder) heal() {
	b.mu.Lock()
	b.broken = false
	b.mu.Unlock()
}

// A folder that cannot be written must not hold up the others: they sync,
// the session Pings, pushes for them arrive, and the broken folder is
// tried again after the next Ping once it is writable.
func TestFakeBrokenFolderDoesNotStopTheOthers(t *testing.T) {
	f := newFake(t, eastest.Config{}, session.Options{})
	b := &brokenFolder{memSyncer: f.m, folder: "contacts", broken: true, synced: make(chan string, 64)}
	f.s = session.New(session.Options{Client: f.c, Syncer: b, Heartbeat: quick, Backoff: quickBackoff})
	stop := runSession(t, f.s)
	defer stop()

	f.waitHeld(t) // the old loop never got here: it backed off and retried contacts forever
	awaitSynced(t, b, "calendar")

	b.heal()
	if _, err := f.srv.AddItem("calendar", contactData(t, "Push", "Still")); err != nil {
		t.Fatal(err)
	}
	// The Ping answers for the calendar; contacts, still dirty, go along.
	awaitSynced(t, b, "contacts")
}

func awaitSynced(t *testing.T, b *brokenFolder, folder string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case f := <-b.synced:
			if f == folder {
				return
			}
		case <-deadline:
			t.Fatalf("%s never synced", folder)
		}
	}
}
