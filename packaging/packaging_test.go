// Package packaging holds the desktop integration files and build.sh; this
// test builds a .deb and a tar.xz from a dummy binary and validates what
// goes into them with Debian's own tools.
package packaging

import (
	"archive/zip"
	"bytes"
	"debug/pe"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/assets"
)

// tool returns the path of a program the test needs; missing, it skips
// the test, or fails it under CI=true.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (Debian package %s); CI must provide it", name, pkg)
	}
	t.Skipf("%s not found (Debian package %s)", name, pkg)
	return ""
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestDesktopFilesValidate(t *testing.T) {
	v := tool(t, "desktop-file-validate", "desktop-file-utils")
	for _, f := range []string{"cradle.desktop", "cradle-autostart.desktop"} {
		// The validator exits 0 on hints; errors and warnings fail.
		out := run(t, v, f)
		if strings.Contains(out, "error:") || strings.Contains(out, "warning:") {
			t.Errorf("%s:\n%s", f, out)
		}
	}
}

func TestMetainfoValidates(t *testing.T) {
	v := tool(t, "appstreamcli", "appstream")
	run(t, v, "validate", "--no-net", "io.github.cradle_sync.Cradle.metainfo.xml")
}

func TestServiceUnitVerifies(t *testing.T) {
	v := tool(t, "systemd-analyze", "systemd")
	// verify insists that ExecStart exists, so point it at a stand-in.
	dir := t.TempDir()
	bin := filepath.Join(dir, "cradle")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	unit, err := os.ReadFile("cradle.service")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(unit, []byte("ExecStart=/usr/bin/cradle run --no-tray\n")) {
		t.Fatal("cradle.service does not run `cradle run --no-tray`")
	}
	unitPath := filepath.Join(dir, "cradle.service")
	if err := os.WriteFile(unitPath, bytes.ReplaceAll(unit, []byte("/usr/bin/cradle"), []byte(bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(v, "verify", "--user", unitPath)
	// A user manager needs a runtime dir, which a build box may lack.
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestBuildPackages(t *testing.T) {
	dpkgDeb := tool(t, "dpkg-deb", "dpkg")
	tool(t, "xz", "xz-utils")
	dir := t.TempDir()
	bin := filepath.Join(dir, "cradle")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho dummy cradle\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// build.sh takes the windows program from next to cradle.
	if err := os.WriteFile(filepath.Join(dir, "cradle-ui"), []byte("#!/bin/sh\necho dummy cradle-ui\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "dist")
	cmd := exec.Command("./build.sh", bin, "v1.2.3", out)
	cmd.Env = append(os.Environ(), "ARCH=amd64", "SOURCE_DATE_EPOCH=1700000000")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, b)
	}
	deb := filepath.Join(out, "cradle_1.2.3_amd64.deb")
	tarball := filepath.Join(out, "cradle-1.2.3-linux-amd64.tar.xz")

	want := []string{
		"-rwxr-xr-x root/root ./usr/bin/cradle",
		"-rwxr-xr-x root/root ./usr/bin/cradle-ui",
		"-rw-r--r-- root/root ./usr/share/applications/cradle.desktop",
		"-rw-r--r-- root/root ./usr/share/metainfo/io.github.cradle_sync.Cradle.metainfo.xml",
		"-rw-r--r-- root/root ./usr/lib/systemd/user/cradle.service",
		"-rw-r--r-- root/root ./usr/share/cradle/cradle-autostart.desktop",
	}
	for _, s := range assets.Sizes {
		want = append(want, "-rw-r--r-- root/root ./usr/share/icons/hicolor/"+strconv.Itoa(s)+"x"+strconv.Itoa(s)+"/apps/cradle.png")
	}
	var files []string
	for _, line := range strings.Split(run(t, dpkgDeb, "-c", deb), "\n") {
		f := strings.Fields(line)
		if len(f) == 6 && !strings.HasPrefix(f[0], "d") {
			files = append(files, f[0]+" "+f[1]+" "+f[5]) // mode, owner, path
		}
	}
	slices.Sort(files)
	slices.Sort(want)
	if !slices.Equal(files, want) {
		t.Errorf("deb holds\n%s\nwant\n%s", strings.Join(files, "\n"), strings.Join(want, "\n"))
	}

	for field, value := range map[string]string{"Package": "cradle", "Version": "1.2.3", "Architecture": "amd64"} {
		if got := strings.TrimSpace(run(t, dpkgDeb, "-f", deb, field)); got != value {
			t.Errorf("control %s = %q, want %q", field, got, value)
		}
	}

	// The installed icon is the committed asset, byte for byte.
	x := filepath.Join(dir, "x")
	run(t, dpkgDeb, "-x", deb, x)
	got, err := os.ReadFile(filepath.Join(x, "usr/share/icons/hicolor/48x48/apps/cradle.png"))
	if err != nil || !bytes.Equal(got, assets.AppIcon(48)) {
		t.Errorf("48 px icon in the package differs from assets (err %v)", err)
	}
	if b, err := os.ReadFile(filepath.Join(x, "usr/bin/cradle")); err != nil || !strings.Contains(string(b), "dummy cradle") {
		t.Errorf("usr/bin/cradle is not the given binary (err %v)", err)
	}
	if b, err := os.ReadFile(filepath.Join(x, "usr/bin/cradle-ui")); err != nil || !strings.Contains(string(b), "dummy cradle-ui") {
		t.Errorf("usr/bin/cradle-ui is not the one next to cradle (err %v)", err)
	}

	// The tarball carries the same tree under one top directory.
	var tarFiles []string
	for _, p := range strings.Fields(run(t, "tar", "-tJf", tarball)) {
		if !strings.HasSuffix(p, "/") {
			tarFiles = append(tarFiles, "./"+strings.TrimPrefix(p, "cradle-1.2.3/"))
		}
	}
	var debPaths []string
	for _, f := range files {
		debPaths = append(debPaths, f[strings.LastIndex(f, " ")+1:])
	}
	slices.Sort(tarFiles)
	slices.Sort(debPaths)
	if !slices.Equal(tarFiles, debPaths) {
		t.Errorf("tarball holds %v, want the deb's %v", tarFiles, debPaths)
	}
}

func TestBuildRejectsBadInput(t *testing.T) {
	tool(t, "dpkg-deb", "dpkg")
	dir := t.TempDir()
	bin := filepath.Join(dir, "cradle")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"missing binary": {filepath.Join(dir, "nope"), "1.0", dir},
		"bad version":    {bin, "latest", dir},
	} {
		if out, err := exec.Command("./build.sh", args...).CombinedOutput(); err == nil {
			t.Errorf("%s: build.sh succeeded:\n%s", name, out)
		}
	}
}

// Without a cradle-ui next to it, build.sh still packages cradle (whose
// `cradle ui` then says the windows are missing) and warns; a cradle-ui
// named by UI_BINARY that is not a program is an error.
func TestBuildWithoutWindows(t *testing.T) {
	dpkgDeb := tool(t, "dpkg-deb", "dpkg")
	tool(t, "xz", "xz-utils")
	dir := t.TempDir()
	bin := filepath.Join(dir, "cradle")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "dist")
	cmd := exec.Command("./build.sh", bin, "1.0", out)
	cmd.Env = append(os.Environ(), "ARCH=amd64", "UI_BINARY=")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("build.sh: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "without the windows") {
		t.Errorf("no warning about the missing windows program:\n%s", b)
	}
	if list := run(t, dpkgDeb, "-c", filepath.Join(out, "cradle_1.0_amd64.deb")); strings.Contains(list, "cradle-ui") {
		t.Errorf("deb holds a cradle-ui:\n%s", list)
	}

	notProgram := filepath.Join(dir, "ui.txt")
	if err := os.WriteFile(notProgram, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command("./build.sh", bin, "1.0", out)
	cmd.Env = append(os.Environ(), "ARCH=amd64", "UI_BINARY="+notProgram)
	if b, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("build.sh took a cradle-ui that is not executable:\n%s", b)
	}
}

// windows.sh cross-builds cradle.exe as a GUI-subsystem PE32+ program
// and zips it under cradle/. cradle-ui.exe (minutes of cgo when cold)
// is left to `make package`.
func TestWindowsZip(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds cradle.exe")
	}
	tool(t, "zip", "zip")
	dir := t.TempDir()
	cmd := exec.Command("./windows.sh", "v1.2.3", dir)
	cmd.Env = append(os.Environ(), "NO_UI=1", "SOURCE_DATE_EPOCH=1700000000")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("windows.sh: %v\n%s", err, b)
	}
	z, err := zip.OpenReader(filepath.Join(dir, "cradle-1.2.3-windows-amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if len(z.File) != 1 || z.File[0].Name != "cradle/cradle.exe" {
		t.Fatalf("zip holds %d files, want only cradle/cradle.exe", len(z.File))
	}
	r, err := z.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sub, err := peSubsystem(exe); err != nil || sub != 2 {
		t.Fatalf("subsystem %d (%v), want 2 (Windows GUI): a console would open at login", sub, err)
	}
	if !bytes.Contains(exe, []byte("1.2.3")) {
		t.Error("the version is not linked in")
	}
}

// peSubsystem reads the Subsystem field of a PE32+ image.
func peSubsystem(b []byte) (uint16, error) {
	f, err := pe.NewFile(bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		return 0, fmt.Errorf("not a PE32+ image")
	}
	return oh.Subsystem, nil
}
