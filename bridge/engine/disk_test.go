package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	vc "github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/push/eastest"
)

// mountTmpfs mounts a tmpfs of size (e.g. "4m") on a new directory and
// unmounts it at cleanup. It needs root: elsewhere the test is skipped,
// but CI runs as root, so there a failure to mount fails the test.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		skipOrFail(t, "mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		skipOrFail(t, fmt.Sprintf("cannot mount tmpfs: %v: %s", err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + "; CI runs as root and must be able to")
	}
	t.Skip(why)
}

// fill writes path until the file system is full and returns how much it
// wrote.
func fill(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n int64
	for _, chunk := range []int{64 << 10, 4 << 10, 512, 1} {
		buf := bytes.Repeat([]byte{'x'}, chunk)
		for {
			k, err := f.Write(buf)
			n += int64(k)
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return n
}

// names returns how often each contact's display name occurs in the vdir,
// failing on any file that is not a complete card (a truncated write).
func (in *install) names(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for name, b := range in.cards(t) {
		if !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("END:VCARD")) {
			t.Errorf("%s is truncated (%d bytes): %q", name, len(b), b[max(0, len(b)-40):])
			continue
		}
		cards, _, err := vc.Read(bytes.NewReader(b), name)
		if err != nil || len(cards) != 1 {
			t.Errorf("%s does not hold one card: %v", name, err)
			continue
		}
		out[vc.DisplayName(&cards[0])]++
	}
	return out
}

// checkState checks that every item the state database places in the
// vdir is there, and returns the number of items recorded.
func (in *install) checkState(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	db := in.e.DB()
	acc, err := db.Account(ctx, "fake")
	if err != nil {
		t.Fatal(err)
	}
	folders, err := db.Folders(ctx, acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range folders {
		if f.ServerID != "contacts" {
			continue
		}
		items, err := db.Items(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.LocalHref == "" {
				continue
			}
			if _, err := os.Stat(filepath.Join(in.vdir, it.LocalHref)); err != nil {
				t.Errorf("the state records %s (server id %s) but the file is missing: %v", it.LocalHref, it.ServerID, err)
			}
			n++
		}
	}
	return n
}

func wantNames(t *testing.T, got map[string]int, want []string) {
	t.Helper()
	var missing, dup []string
	for _, n := range want {
		switch c := got[n]; {
		case c == 0:
			missing = append(missing, n)
		case c > 1:
			dup = append(dup, fmt.Sprintf("%s×%d", n, c))
		}
	}
	if len(got) != len(want) || len(missing) > 0 || len(dup) > 0 {
		sort.Strings(missing)
		t.Errorf("lost=%d duplicated=%d (%d distinct cards, want %d); lost %v, duplicated %v",
			len(missing), len(dup), len(got), len(want), missing, dup)
	}
}

// A disk that fills while server items arrive: no truncated item file,
// the state stays consistent with the files, the error says what
// happened; when space returns the sync resumes and every item arrives
// exactly once.
func TestFullDiskDuringServerItems(t *testing.T) {
	ctx := context.Background()
	disk := mountTmpfs(t, "4m")
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
	add(0, 20)
	in := openFakeInstall(t, srv, filepath.Join(disk, "data"), filepath.Join(disk, "contacts"), nil)
	if err := in.e.SyncOnce(ctx, ""); err != nil {
		t.Fatal(err)
	}
	wantNames(t, in.names(t), want)

	filler := filepath.Join(disk, "filler")
	filled := fill(t, filler)
	// Room for a few item files, so the disk fills in the middle of a
	// window rather than at its first write.
	if err := os.Truncate(filler, filled-16<<10); err != nil {
		t.Fatal(err)
	}
	add(20, 320)
	var errs []error
	for range 3 { // retries must not make things worse
		err := in.e.SyncOnce(ctx, "")
		if err == nil {
			t.Fatal("sync into a full disk reported success")
		}
		errs = append(errs, err)
	}
	t.Logf("filled %d KB; sync errors: %v", filled>>10, errs[0])
	if !strings.Contains(errs[0].Error(), "no space left on device") && !strings.Contains(errs[0].Error(), "disk is full") {
		t.Errorf("the error does not say the disk is full: %v", errs[0])
	}
	if st := in.folderStatus(t); st.State != "error" || st.Error == "" {
		t.Errorf("folder status %q %q, want an error", st.State, st.Error)
	}
	during := in.names(t) // fails on truncated files
	if tmp, _ := filepath.Glob(filepath.Join(in.vdir, ".*tmp*")); len(tmp) > 0 {
		t.Errorf("temporary files left in the collection: %v", tmp)
	}
	recorded := in.checkState(t)
	t.Logf("while full: %d cards on disk, %d recorded in the state", len(during), recorded)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := in.e.SyncOnce(ctx, ""); err != nil {
		t.Fatalf("sync after space returned: %v", err)
	}
	got := in.names(t)
	wantNames(t, got, want)
	if n := in.checkState(t); n != len(want) {
		t.Errorf("the state records %d items, want %d", n, len(want))
	}
	if st := in.folderStatus(t); st.State == "error" {
		t.Errorf("folder still in error: %s", st.Error)
	}
	lost, dup := 0, 0
	for _, n := range want {
		if got[n] == 0 {
			lost++
		}
		if got[n] > 1 {
			dup++
		}
	}
	t.Logf("after space returned: %d items, lost=%d duplicated=%d", len(got), lost, dup)
}
