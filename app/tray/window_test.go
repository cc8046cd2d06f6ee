package tray

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestWindowFor(t *testing.T) {
	for a, want := range map[Action]string{
		ShowActivity: "activity", ShowConflicts: "conflicts", ShowDevices: "devices",
		ShowSettings: "setup", ExportContacts: "export", ExportCalendar: "export",
	} {
		if got, ok := WindowFor(a); !ok || got != want {
			t.Errorf("WindowFor(%s) = %q, %v; want %q", a, got, ok, want)
		}
	}
	for _, a := range []Action{SyncNow, Pause, Resume, OpenContactsFolder, Quit} {
		if _, ok := WindowFor(a); ok {
			t.Errorf("%s opens a window", a)
		}
		if err := openWindow("/nonexistent", a); !errors.Is(err, ErrNoWindow) {
			t.Errorf("openWindow(%s) = %v; want ErrNoWindow", a, err)
		}
	}
}

func TestOpenWindowMissingExecutable(t *testing.T) {
	if err := openWindow(filepath.Join(t.TempDir(), "gone"), ShowActivity); err == nil || !strings.Contains(err.Error(), "open activity window") {
		t.Errorf("err = %v", err)
	}
}
