package control_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cradle-sync/cradle/bridge/control"
)

func TestDefaultPath(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the fallback data dir is platform-specific")
	}
	for _, tc := range []struct {
		name                         string
		dataDir, runtimeDir, xdgData string
		want                         string
	}{
		{"data dir wins", "/data", "/run/user/1", "/xdg", "/data/control.sock"},
		{"runtime dir", "", "/run/user/1", "/xdg", "/run/user/1/cradle/control.sock"},
		{"relative runtime dir ignored", "", "run", "/xdg", "/xdg/cradle/control.sock"},
		{"xdg data home", "", "", "/xdg", "/xdg/cradle/control.sock"},
		{"home", "", "", "", "/home/u/.local/share/cradle/control.sock"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CRADLE_DATA_DIR", tc.dataDir)
			t.Setenv("XDG_RUNTIME_DIR", tc.runtimeDir)
			t.Setenv("XDG_DATA_HOME", tc.xdgData)
			t.Setenv("HOME", "/home/u")
			got, err := control.DefaultPath()
			if err != nil {
				t.Fatal(err)
			}
			if got != filepath.FromSlash(tc.want) {
				t.Errorf("DefaultPath() = %s, want %s", got, tc.want)
			}
		})
	}
}
