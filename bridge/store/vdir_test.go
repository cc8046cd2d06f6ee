package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/bridge/store/storetest"
)

func vdirSuite(ext string) storetest.Suite {
	return storetest.Suite{
		Ext: ext,
		Open: func(t *testing.T, root string) store.Store {
			v, err := store.OpenVdir(root, ext, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return v
		},
		Edit: func(t *testing.T, root, href string, _, data []byte) {
			// An editor writing in place, as vim with backupcopy=yes does.
			if err := os.WriteFile(filepath.Join(root, href), data, 0o600); err != nil {
				t.Fatal(err)
			}
		},
	}
}

func TestVdirConformance(t *testing.T) {
	for _, ext := range []string{".vcf", ".ics"} {
		t.Run(ext, func(t *testing.T) { storetest.Run(t, vdirSuite(ext)) })
	}
}

func TestVdirIgnoresForeignFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"displayname":                "Work",
		"color":                      "#ff0000",
		".hidden.vcf":                "BEGIN:VCARD\r\nUID:h\r\nEND:VCARD\r\n",
		atomicfile.TempName("x.vcf"): "BEGIN:VCARD\r\nUID:t\r\nEND:VCARD\r\n",
		"notes.txt":                  "UID:n",
		"real.vcf":                   "BEGIN:VCARD\r\nUID:real\r\nEND:VCARD\r\n",
		"broken.vcf":                 "no uid here",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.vcf"), 0o700); err != nil {
		t.Fatal(err)
	}
	v, err := store.OpenVdir(dir, ".vcf", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := v.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		got[e.Href] = e.UID
	}
	want := map[string]string{"real.vcf": "real", "broken.vcf": ""}
	if len(got) != len(want) || got["real.vcf"] != "real" || got["broken.vcf"] != "" {
		t.Errorf("List = %v, want %v", got, want)
	}
}

func TestVdirTouchIsNotAnEdit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v, err := store.OpenVdir(dir, ".vcf", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := storetest.Item(".vcf", "touch", "t")
	e, err := v.Create(ctx, "touch", data)
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, e.Href), later, later); err != nil {
		t.Fatal(err)
	}
	// The etag from Create carries the content hash: a touch is no edit.
	if _, err := v.Update(ctx, e.Href, storetest.Item(".vcf", "touch", "u"), e.Etag); err != nil {
		t.Errorf("Update after touch: %v", err)
	}
	// An etag with stat data only cannot tell, and refuses.
	entries, _ := v.List(ctx)
	if err := os.Chtimes(filepath.Join(dir, e.Href), later, later.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Update(ctx, e.Href, data, entries[0].Etag); !errors.Is(err, store.ErrChanged) {
		t.Errorf("Update with stat-only etag after touch: err = %v, want ErrChanged", err)
	}
}

func TestVdirMetadata(t *testing.T) {
	dir := t.TempDir()
	v, err := store.OpenVdir(dir, ".ics", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := v.DisplayName(); err != nil || n != "" {
		t.Errorf("DisplayName of new vdir = %q, %v", n, err)
	}
	if err := v.SetDisplayName("Büro 🗓"); err != nil {
		t.Fatal(err)
	}
	if err := v.SetColor("#1a2B3c"); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "displayname"))
	if string(raw) != "Büro 🗓" {
		t.Errorf("displayname file = %q", raw)
	}
	if n, _ := v.DisplayName(); n != "Büro 🗓" {
		t.Errorf("DisplayName = %q", n)
	}
	if c, _ := v.Color(); c != "#1a2B3c" {
		t.Errorf("Color = %q", c)
	}
	for _, bad := range []string{"red", "#12345", "#1234567", "#gggggg", "1a2b3c"} {
		if err := v.SetColor(bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("SetColor(%q): err = %v, want ErrInvalid", bad, err)
		}
	}
	if err := v.SetDisplayName("two\nlines"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("SetDisplayName with newline: err = %v", err)
	}
	// Files written by other tools with a trailing newline.
	if err := os.WriteFile(filepath.Join(dir, "color"), []byte("#AABBCC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, _ := v.Color(); c != "#AABBCC" {
		t.Errorf("Color with newline = %q", c)
	}
	if err := v.SetColor(""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "color")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("SetColor(\"\") left the file: %v", err)
	}
}

func TestVdirSweepsStaleTemp(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, atomicfile.TempName("a.vcf"))
	if err := os.WriteFile(stale, []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-3 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := store.OpenVdir(dir, ".vcf", store.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file survived open: %v", err)
	}
}

func TestVdirRecordsOwnWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	log := store.NewWriteLog()
	v, err := store.OpenVdir(dir, ".vcf", store.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	e, err := v.Create(ctx, "own", storetest.Item(".vcf", "own", "a"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(v.Dir(), e.Href)
	fp, err := store.StatFingerprint(p)
	if err != nil {
		t.Fatal(err)
	}
	if !log.IsOwn(p, fp, true) {
		t.Error("Create not recorded as own write")
	}
	if err := os.WriteFile(p, []byte(strings.Repeat("user ", 20)), 0o600); err != nil {
		t.Fatal(err)
	}
	fp2, _ := store.StatFingerprint(p)
	if log.IsOwn(p, fp2, true) {
		t.Error("user's edit taken for an own write")
	}
	if err := v.Delete(ctx, e.Href, ""); err != nil {
		t.Fatal(err)
	}
	if !log.IsOwn(p, store.Fingerprint{}, false) {
		t.Error("Delete not recorded as own")
	}
}

func TestVdirRefusesSymlinks(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	dir := filepath.Join(parent, "coll")
	outside := filepath.Join(parent, "outside.vcf")
	if err := os.WriteFile(outside, []byte("BEGIN:VCARD\r\nUID:secret\r\nEND:VCARD\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := store.OpenVdir(dir, ".vcf", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link.vcf")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if entries, _ := v.List(ctx); len(entries) != 0 {
		t.Errorf("List shows the link: %+v", entries)
	}
	if _, _, err := v.Get(ctx, "link.vcf"); err == nil {
		t.Error("Get followed the link")
	}
	if _, err := v.Update(ctx, "link.vcf", []byte("x"), ""); err == nil {
		t.Error("Update replaced the link")
	}
	if got, _ := os.ReadFile(outside); !strings.Contains(string(got), "secret") {
		t.Errorf("file behind the link changed: %q", got)
	}
}

func TestVdirNameTakenByOtherUID(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// A file another tool wrote under the name Cradle would pick.
	if err := os.WriteFile(filepath.Join(dir, "x.vcf"), []byte("BEGIN:VCARD\r\nUID:other\r\nEND:VCARD\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := store.OpenVdir(dir, ".vcf", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := storetest.Item(".vcf", "x", "mine")
	e, err := v.Create(ctx, "x", data)
	if err != nil {
		t.Fatal(err)
	}
	if e.Href != "x~2.vcf" {
		t.Errorf("href = %q, want x~2.vcf", e.Href)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "x.vcf")); !strings.Contains(string(got), "UID:other") {
		t.Errorf("other tool's file clobbered: %q", got)
	}
	if _, err := v.Create(ctx, "x", data); !errors.Is(err, store.ErrExists) {
		t.Errorf("second Create of x: err = %v, want ErrExists", err)
	}
}
