//go:build !((linux || freebsd || openbsd || netbsd) && !android)

package tray

import (
	"errors"
	"log/slog"
)

// startSystray is not wired up here yet: on Windows and macOS systray
// needs its own event loop on a locked thread, and that adapter has not
// been written or tested. Run carries on without an icon.
func startSystray(view, []byte, *slog.Logger) (surface, error) {
	return nil, errors.New("tray icon not supported on this platform yet")
}
