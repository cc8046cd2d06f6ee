package watch

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// vdirsyncer runs the Debian package's vdirsyncer (0.19) on a pair of
// filesystem storages, a and b, holding the same 10,000 vCards as the
// Scan benchmarks: what a user without Cradle runs to keep two vdirs in
// step. Its status database is built before timing starts, so the timed
// runs are the steady state a user sees on every invocation.
type vdirsyncer struct {
	bin, cfg, a, b string
}

func newVdirsyncer(b *testing.B, n int) *vdirsyncer {
	bin, err := exec.LookPath("vdirsyncer")
	if err != nil {
		msg := "vdirsyncer not installed (scripts/deps.sh bench installs it)"
		if os.Getenv("CI") == "true" {
			b.Fatal(msg)
		}
		b.Skip(msg)
	}
	root := b.TempDir()
	v := &vdirsyncer{bin: bin, cfg: filepath.Join(root, "config"), a: makeVdir(b, n), b: filepath.Join(root, "b")}
	// Copying b from a, rather than letting vdirsyncer upload 10,000
	// items, keeps set-up short; the first sync then records that both
	// sides hold the same content.
	if err := os.CopyFS(v.b, os.DirFS(v.a)); err != nil {
		b.Fatal(err)
	}
	cfg := fmt.Sprintf(`[general]
status_path = %q

[pair bench]
a = "bench_a"
b = "bench_b"
collections = null

[storage bench_a]
type = "filesystem"
path = %q
fileext = ".vcf"

[storage bench_b]
type = "filesystem"
path = %q
fileext = ".vcf"
`, filepath.Join(root, "status")+"/", v.a+"/", v.b+"/")
	if err := os.WriteFile(v.cfg, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	v.run(b, "discover", "bench")
	v.run(b, "sync")
	return v
}

func (v *vdirsyncer) run(b testing.TB, args ...string) string {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, v.bin, append([]string{"-c", v.cfg}, args...)...)
	cmd.Stdin = strings.NewReader(strings.Repeat("y\n", 8)) // discover may ask to create collections
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("vdirsyncer %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// BenchmarkVdirsyncer10000 is vdirsyncer's counterpart of the Scan
// benchmarks, on one pair of storages set up once:
//   - noop: `vdirsyncer sync` when nothing changed (BenchmarkScanNoop10000);
//   - 1PercentChanged: 100 of the 10,000 files edited on side a, then
//     `vdirsyncer sync`, which also copies them to side b
//     (BenchmarkScan1PercentChanged).
//
// Process start-up is included, as a user or a cron job runs it.
func BenchmarkVdirsyncer10000(b *testing.B) {
	v := newVdirsyncer(b, 10000)
	b.Run("noop", func(b *testing.B) {
		for b.Loop() {
			if out := v.run(b, "sync"); strings.Contains(out, "Copying") {
				b.Fatalf("no-op sync copied items:\n%s", out)
			}
		}
	})
	b.Run("1PercentChanged", func(b *testing.B) {
		round := 0
		for b.Loop() {
			b.StopTimer()
			round++
			for i := 0; i < 10000; i += 100 {
				write(b, filepath.Join(v.a, fmt.Sprintf("%05d.vcf", i)), fmt.Sprintf("BEGIN:VCARD\r\nUID:%d\r\nFN:round %d\r\nEND:VCARD\r\n", i, round))
			}
			b.StartTimer()
			v.run(b, "sync")
			b.StopTimer()
			got, err := os.ReadFile(filepath.Join(v.b, "09900.vcf"))
			if err != nil || !strings.Contains(string(got), fmt.Sprintf("FN:round %d\r\n", round)) {
				b.Fatalf("edit not copied to b: %q, %v", got, err)
			}
			b.StartTimer()
		}
	})
}
