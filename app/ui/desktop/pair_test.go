//go:build cgo

package desktop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
)

// TestPairDevice checks that the window's pairing reaches devices.toml
// through cli.PairDevice: a folder is paired, unpairing drops it.
func TestPairDevice(t *testing.T) {
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	cards, cal := filepath.Join(base, "cards"), filepath.Join(base, "cal")
	for _, d := range []string{cards, cal} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		p             uimodel.Pairing
		want, wantNot []string
	}{
		{uimodel.Pairing{Contacts: uimodel.PairTarget{Path: cards}, Calendar: uimodel.PairTarget{Path: cal}},
			[]string{`contacts = "` + cards + `"`, `calendar = "` + cal + `"`}, nil},
		{uimodel.Pairing{Calendar: uimodel.PairTarget{Unpair: true}},
			[]string{`contacts = "` + cards + `"`}, []string{"calendar ="}},
	}
	for i, s := range steps {
		if err := pairDevice(t.Context(), "R58M", s.p); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		b, err := os.ReadFile(filepath.Join(base, "config", "devices.toml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range s.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("step %d: devices.toml lacks %s:\n%s", i, w, b)
			}
		}
		for _, w := range s.wantNot {
			if strings.Contains(string(b), w) {
				t.Errorf("step %d: devices.toml has %s:\n%s", i, w, b)
			}
		}
	}
}
