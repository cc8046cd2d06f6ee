package engine_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/engine"
	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/session"
)

// readOnlyDir returns a directory for a collection and a function that
// makes it read-only (true) or writable (false). As root (CI) it is a
// tmpfs remounted read-only, which root cannot write either; otherwise
// the directory's write permission is taken away.
func readOnlyDir(t *testing.T) (string, func(bool)) {
	t.Helper()
	if os.Geteuid() != 0 {
		dir := filepath.Join(t.TempDir(), "contacts")
		return dir, func(ro bool) {
			mode := os.FileMode(0o700)
			if ro {
				mode = 0o500
			}
			if err := os.Chmod(dir, mode); err != nil {
				t.Fatal(err)
			}
		}
	}
	mnt := mountTmpfs(t, "4m")
	return filepath.Join(mnt, "contacts"), func(ro bool) {
		opt := "remount,rw"
		if ro {
			opt = "remount,ro"
		}
		if out, err := exec.Command("mount", "-o", opt, mnt).CombinedOutput(); err != nil {
			t.Fatalf("mount -o %s: %v: %s", opt, err, out)
		}
	}
}

// waitFor polls cond (status and files have no change notification a test
// can wait on) until it holds or the deadline passes.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A collection folder that turns read-only while the daemon runs is
// reported in the status with a plain message, retried with backoff only
// (no retry storm, no attempt to change its permissions), and syncs on,
// every item exactly once, when it is writable again.
func TestReadOnlyFolderReportedNotFought(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{Folders: contactsOnly})
	var want []string
	add := func(from, to int) {
		for i := from; i < to; i++ {
			n := fmt.Sprintf("Contact %03d", i)
			if _, err := srv.AddItem("contacts", serverContact(t, n)); err != nil {
				t.Fatal(err)
			}
			want = append(want, n)
		}
	}
	add(0, 5)
	vdir, readOnly := readOnlyDir(t)
	backoff := session.BackoffPolicy{Initial: 200 * time.Millisecond, Max: time.Second, Factor: 2}
	in := openFakeInstall(t, srv, filepath.Join(t.TempDir(), "data"), vdir, nil,
		func(o *engine.Options) { o.Backoff = backoff })
	if err := in.e.SyncOnce(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(vdir)
	if err != nil {
		t.Fatal(err)
	}

	readOnly(true)
	t.Cleanup(func() { readOnly(false) }) // so the temporary directory can be removed
	add(5, 15)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.e.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	waitFor(t, "the folder to show an error", 10*time.Second, func() bool { return in.folderStatus(t).State == "error" })
	syncs := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Command == "Sync" {
				n++
			}
		}
		return n
	}
	start, from := time.Now(), syncs()
	time.Sleep(3 * time.Second) // the window in which attempts are counted
	attempts := syncs() - from
	st := in.folderStatus(t)
	t.Logf("read-only: status %q %q; %d Sync requests in %v", st.State, st.Error, attempts, time.Since(start).Round(time.Millisecond))
	// With equal jitter the delays are at least 100, 200, 400, 500, 500…
	// ms: at most 7 retries fit in 3 s, each one Sync round trip (two
	// when a SyncKey is renewed). A storm would be hundreds.
	if attempts > 14 {
		t.Errorf("%d Sync requests in 3 s against a read-only folder: a retry storm", attempts)
	}
	if attempts == 0 {
		t.Errorf("no retry in 3 s: the folder would never resume on its own")
	}
	if !strings.Contains(st.Error, "read-only") && !strings.Contains(st.Error, "permission denied") {
		t.Errorf("status error %q does not say the folder is read-only", st.Error)
	}
	if after, err := os.Stat(vdir); err != nil || after.Mode() != before.Mode() {
		t.Errorf("the folder's permissions were changed: %v → %v (%v)", before.Mode(), after.Mode(), err)
	}

	readOnly(false)
	waitFor(t, "the folder to catch up once writable", 15*time.Second, func() bool { return len(in.cards(t)) == len(want) })
	wantNames(t, in.names(t), want)
	waitFor(t, "the folder error to clear", 5*time.Second, func() bool { return in.folderStatus(t).State != "error" })
}
