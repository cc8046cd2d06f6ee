package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
)

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestScan(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.vcf"), "A")
	write(t, filepath.Join(dir, "b.vcf"), "B")
	write(t, filepath.Join(dir, "c.vcf"), "C")
	write(t, filepath.Join(dir, atomicfile.TempName("d.vcf")), "temp")
	write(t, filepath.Join(dir, "notes.txt"), "ignored by keep")
	if err := os.Mkdir(filepath.Join(dir, "sub.vcf"), 0o700); err != nil {
		t.Fatal(err)
	}
	keep := func(n string) bool { return strings.HasSuffix(n, ".vcf") }

	first, err := Scan(ctx, dir, nil, keep)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(first.Added)); !slices.Equal(got, []string{"a.vcf", "b.vcf", "c.vcf"}) {
		t.Fatalf("first scan added %v", got)
	}
	again, err := Scan(ctx, dir, first.Files, keep)
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed() {
		t.Errorf("unchanged folder: %+v", again)
	}

	write(t, filepath.Join(dir, "a.vcf"), "A, edited")
	os.Remove(filepath.Join(dir, "b.vcf"))
	write(t, filepath.Join(dir, "e.vcf"), "E")
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "c.vcf"), later, later); err != nil { // touch only
		t.Fatal(err)
	}
	third, err := Scan(ctx, dir, again.Files, keep)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(third.Added, []string{"e.vcf"}) || !slices.Equal(third.Modified, []string{"a.vcf"}) ||
		!slices.Equal(third.Removed, []string{"b.vcf"}) {
		t.Errorf("third scan = added %v modified %v removed %v", third.Added, third.Modified, third.Removed)
	}
	if third.Files["c.vcf"].Fingerprint == again.Files["c.vcf"].Fingerprint {
		t.Error("touched file kept its old fingerprint")
	}
	if fourth, _ := Scan(ctx, dir, third.Files, keep); fourth.Changed() {
		t.Errorf("rescan after touch: %+v", fourth)
	}
}

func TestScanSameSizeSameMtimeEdit(t *testing.T) {
	// A replacement by rename that keeps size and modification time is
	// still seen, through the inode. (An in-place rewrite keeping both is
	// not: stat data cannot tell, which is the documented limit.)
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "x.ics")
	write(t, p, "AAAA")
	fi, _ := os.Stat(p)
	s1, _ := Scan(ctx, dir, nil, nil)
	if err := atomicfile.WriteFile(p, []byte("BBBB"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	s2, err := Scan(ctx, dir, s1.Files, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s2.Modified, []string{"x.ics"}) {
		t.Errorf("rename-replace with same size and mtime not seen: %+v", s2)
	}
}

func makeVdir(b *testing.B, n int) string {
	dir := b.TempDir()
	for i := range n {
		write(b, filepath.Join(dir, fmt.Sprintf("%05d.vcf", i)),
			fmt.Sprintf("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%d\r\nFN:Person %d\r\nEND:VCARD\r\n", i, i))
	}
	return dir
}

func BenchmarkScanNoop10000(b *testing.B) {
	ctx := context.Background()
	dir := makeVdir(b, 10000)
	base, err := Scan(ctx, dir, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		r, err := Scan(ctx, dir, base.Files, nil)
		if err != nil || r.Changed() {
			b.Fatalf("changed=%v err=%v", r.Changed(), err)
		}
	}
}

func BenchmarkScan1PercentChanged(b *testing.B) {
	ctx := context.Background()
	dir := makeVdir(b, 10000)
	base, err := Scan(ctx, dir, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		for i := 0; i < 10000; i += 100 {
			write(b, filepath.Join(dir, fmt.Sprintf("%05d.vcf", i)), fmt.Sprintf("BEGIN:VCARD\r\nUID:%d\r\nFN:round %d\r\nEND:VCARD\r\n", i, round))
		}
		b.StartTimer()
		r, err := Scan(ctx, dir, base.Files, nil)
		if err != nil || len(r.Modified) != 100 {
			b.Fatalf("modified %d, err %v", len(r.Modified), err)
		}
	}
}
