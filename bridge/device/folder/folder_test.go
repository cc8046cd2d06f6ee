package folder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/devicetest"
)

func TestParseMountinfo(t *testing.T) {
	in := "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
		"95 22 8:17 / /media/ann/MY\\040STICK rw,nosuid shared:50 - vfat /dev/sdb1 rw,uid=1000\n" +
		"96 22 0:50 / /run/user/1000/gvfs rw - fuse.gvfsd-fuse gvfsd-fuse rw\n" +
		"garbage\n"
	ms, err := ParseMountinfo(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 || ms[1].Point != "/media/ann/MY STICK" || ms[1].FSType != "vfat" || ms[2].FSType != "fuse.gvfsd-fuse" {
		t.Fatalf("mounts = %+v", ms)
	}
}

type watchRig struct {
	t      *testing.T
	events chan device.Event
	ctx    context.Context
}

func startWatch(t *testing.T, d *Driver) *watchRig {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	events := make(chan device.Event)
	done := make(chan error, 1)
	go func() { done <- d.Watch(ctx, events) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("watch returned %v", err)
		}
	})
	return &watchRig{t: t, events: events, ctx: ctx}
}

func (r *watchRig) expect(typ device.EventType, id string) {
	r.t.Helper()
	select {
	case ev := <-r.events:
		if ev.Type != typ || ev.ID != id {
			r.t.Fatalf("event %v %s, want %v %s", ev.Type, ev.ID, typ, id)
		}
	case <-r.ctx.Done():
		r.t.Fatalf("no %v event for %s", typ, id)
	}
}

// The rescan period is an hour, so these events can only come from the
// folder and mount notifications.
func TestWatchFolderAppears(t *testing.T) {
	root := t.TempDir()
	d := New(Config{Files: []string{"Contacts.vcf"}, Roots: []string{root}, Rescan: time.Hour})
	r := startWatch(t, d)
	stick := filepath.Join(root, "stick")
	if err := os.Mkdir(stick, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stick, "Contacts.vcf"), []byte(vcf), 0o644); err != nil {
		t.Fatal(err)
	}
	r.expect(device.Attach, stick)
	if err := os.RemoveAll(stick); err != nil {
		t.Fatal(err)
	}
	r.expect(device.Detach, stick)
}

func TestWatchTmpfsMount(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "mounting tmpfs needs root")
	}
	root := t.TempDir()
	mnt := filepath.Join(root, "card")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	d := New(Config{Files: []string{"Contacts.vcf"}, Roots: []string{root}, Rescan: time.Hour})
	r := startWatch(t, d)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt).CombinedOutput(); err != nil {
		skipOrFail(t, fmt.Sprintf("mount not permitted here: %v %s", err, out))
	}
	mounted := true
	t.Cleanup(func() {
		if mounted {
			_ = exec.Command("umount", mnt).Run()
		}
	})
	if err := os.WriteFile(filepath.Join(mnt, "Contacts.vcf"), []byte(vcf), 0o644); err != nil {
		t.Fatal(err)
	}
	r.expect(device.Attach, mnt)
	if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
		t.Fatalf("umount: %v %s", err, out)
	}
	mounted = false
	r.expect(device.Detach, mnt)
}

const vcf = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n" +
	"TEL;CELL:+49 170 1\r\nEND:VCARD\r\n" +
	"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ann\r\nFN:Ann\r\nTEL;TYPE=HOME:1\r\nEND:VCARD\r\n"

const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Work\r\n" +
	"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
	"BEGIN:VEVENT\r\nUID:e1\r\nDTSTART;TZID=Europe/Berlin:20260410T090000\r\nSUMMARY:One\r\n" +
	"BEGIN:VALARM\r\nUID:alarm-uid\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\n" +
	"BEGIN:VTODO\r\nUID:t1\r\nSUMMARY:Todo\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"

func openStorage(t *testing.T, files map[string]string, collections ...string) device.Device {
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := New(Config{Files: collections, Roots: []string{filepath.Dir(root)}})
	dev, err := d.Open(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

func TestVCFFile(t *testing.T) {
	ctx := context.Background()
	dev := openStorage(t, map[string]string{"Contacts.vcf": vcf}, "Contacts.vcf", "missing.ics")
	cols, _ := dev.Collections(ctx)
	if len(cols) != 1 || cols[0].Kind != device.Contacts {
		t.Fatalf("collections %+v", cols)
	}
	recs, err := dev.List(ctx, "Contacts.vcf")
	if err != nil || len(recs) != 2 {
		t.Fatalf("list %d %v", len(recs), err)
	}
	c, _ := device.ParseContact(recs[0].Data)
	if !strings.Contains(string(recs[0].Data), "VERSION:4.0") || c.Name.Family != "Müller" || !strings.HasPrefix(recs[0].Key, "sha256:") {
		t.Errorf("2.1 card not converted: %s", recs[0].Data)
	}
	if recs[1].Key != "ann" || recs[1].UID != "ann" {
		t.Errorf("second key %q", recs[1].Key)
	}
	newCard := "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:bob\r\nFN:Bob\r\nEND:VCARD\r\n"
	if k, err := dev.Put(ctx, "Contacts.vcf", "", []byte(newCard)); err != nil || k != "bob" {
		t.Fatalf("put: %q %v", k, err)
	}
	if _, err := dev.Put(ctx, "Contacts.vcf", "", []byte(newCard)); !errors.Is(err, device.ErrInvalid) {
		t.Fatalf("duplicate uid: %v", err)
	}
	if _, err := dev.Put(ctx, "Contacts.vcf", "ann", []byte(strings.Replace(newCard, "FN:Bob", "FN:Ann B", 1))); !errors.Is(err, device.ErrInvalid) {
		t.Fatalf("replace ann with bob's uid: %v", err)
	}
	annNew := "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:ann\r\nFN:Ann B\r\nEND:VCARD\r\n"
	if k, err := dev.Put(ctx, "Contacts.vcf", "ann", []byte(annNew)); err != nil || k != "ann" {
		t.Fatalf("update: %q %v", k, err)
	}
	if err := dev.Delete(ctx, "Contacts.vcf", recs[0].Key); err != nil {
		t.Fatal(err)
	}
	if err := dev.Delete(ctx, "Contacts.vcf", recs[0].Key); !errors.Is(err, device.ErrNotFound) {
		t.Fatalf("second delete %v", err)
	}
	recs, _ = dev.List(ctx, "Contacts.vcf")
	if len(recs) != 2 || recs[0].Key != "ann" || !strings.Contains(string(recs[0].Data), "FN:Ann B") || recs[1].Key != "bob" {
		t.Fatalf("after edits: %+v", recs)
	}
}

func TestICSFileAndVdir(t *testing.T) {
	ctx := context.Background()
	dev := openStorage(t, map[string]string{"cal.ics": ics, "vdir/a.vcf": vcf}, "cal.ics", "vdir")
	recs, err := dev.List(ctx, "cal.ics")
	if err != nil || len(recs) != 2 || recs[0].Key != "e1" || recs[1].Key != "t1" {
		t.Fatalf("ics list %+v %v", recs, err)
	}
	it, err := device.ParseCalendarItem(recs[0].Data)
	if err != nil || it.TZID != "Europe/Berlin" || len(it.Alarms) != 1 || !strings.Contains(string(recs[0].Data), "BEGIN:VTIMEZONE") {
		t.Fatalf("event data %s", recs[0].Data)
	}
	upd := strings.Replace(string(recs[0].Data), "SUMMARY:One", "SUMMARY:Uno", 1)
	if k, err := dev.Put(ctx, "cal.ics", "e1", []byte(upd)); err != nil || k != "e1" {
		t.Fatalf("update %q %v", k, err)
	}
	recs, _ = dev.List(ctx, "cal.ics")
	if len(recs) != 2 || !strings.Contains(string(recs[0].Data), "SUMMARY:Uno") || strings.Count(string(recs[0].Data), "BEGIN:VTIMEZONE") != 1 {
		t.Fatalf("after update %s", recs[0].Data)
	}

	vrecs, err := dev.List(ctx, "vdir")
	if err != nil || len(vrecs) != 1 || vrecs[0].Key != "a.vcf" {
		t.Fatalf("vdir %+v %v", vrecs, err)
	}
	k, err := dev.Put(ctx, "vdir", "", []byte("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:x/y\r\nFN:X\r\nEND:VCARD\r\n"))
	if err != nil || k != "x_y.vcf" {
		t.Fatalf("vdir put %q %v", k, err)
	}
	if err := dev.Delete(ctx, "vdir", "../cal.ics"); !errors.Is(err, device.ErrNotFound) {
		t.Fatalf("path escape: %v", err)
	}
	if err := dev.Delete(ctx, "vdir", k); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.List(ctx, "other"); !errors.Is(err, device.ErrNotFound) {
		t.Fatalf("unconfigured collection: %v", err)
	}
}

func FuzzSplitItems(f *testing.F) {
	f.Add([]byte(vcf), false)
	f.Add([]byte(ics), true)
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\nEND:VEVENT\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, cal bool) {
		items, _ := splitItems(data, cal)
		for _, it := range items {
			if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(it.text)), "BEGIN:") {
				t.Fatalf("item does not start with BEGIN: %q", it.text)
			}
		}
	})
}

func TestConformance(t *testing.T) {
	dev := openStorage(t, map[string]string{
		"Contacts.vcf": "",
		"cal.ics":      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
		"vdir/.keep":   "",
	}, "Contacts.vcf", "cal.ics", "vdir")
	t.Run("vcf", func(t *testing.T) { devicetest.Run(t, dev, "Contacts.vcf", device.Contacts) })
	t.Run("ics events", func(t *testing.T) { devicetest.Run(t, dev, "cal.ics", device.Calendar) })
	t.Run("ics tasks", func(t *testing.T) { devicetest.Run(t, dev, "cal.ics", device.Tasks) })
	t.Run("vdir", func(t *testing.T) { devicetest.Run(t, dev, "vdir", device.Contacts) })
}

// skipOrFail skips where the test cannot run (no root to mount a tmpfs);
// CI runs as root, so there it is a failure.
func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + "; CI runs as root and must be able to mount a tmpfs")
	}
	t.Skip(why)
}
