// Package assets holds Cradle's icons: tray icons for each sync state, for
// light and dark panels, and the application icon, all embedded PNGs.
//
// The PNGs are drawn from code by ./gen (see internal/glyph) and
// committed; run `go generate ./assets` after changing the drawing.
package assets

import (
	"embed"
	"fmt"
)

//go:generate go run ./gen -out .

//go:embed icons cradle.png
var files embed.FS

// Tray icon states, as accepted by TrayIcon.
const (
	UpToDate  = "up-to-date" // green check: everything is in step
	Syncing   = "syncing"    // blue arrows: a sync is running
	Offline   = "offline"    // grey cloud-off: no server, retrying
	Attention = "attention"  // orange "!": conflicts, sign-in failure, mass-delete guard
	Paused    = "paused"     // grey pause: the user paused syncing
)

// States lists every tray icon state.
var States = []string{UpToDate, Syncing, Offline, Attention, Paused}

// Sizes lists the pixel sizes every icon exists in, ascending.
var Sizes = []int{16, 22, 24, 32, 48, 64, 128, 256}

// TrayIcon returns the PNG tray icon for state, drawn for a dark panel if
// dark is set and for a light panel otherwise. It picks the smallest
// rendered size that is at least size pixels (256 for anything larger),
// so a host never has to scale up. It returns nil for an unknown state.
// The returned slice is shared: do not modify it.
func TrayIcon(state string, dark bool, size int) []byte {
	theme := "light"
	if dark {
		theme = "dark"
	}
	b, err := files.ReadFile(fmt.Sprintf("icons/tray/%s/%s-%d.png", theme, state, fit(size)))
	if err != nil {
		return nil
	}
	return b
}

// AppIcon returns the PNG application icon at the smallest rendered size
// that is at least size pixels (256 for anything larger).
func AppIcon(size int) []byte {
	b, err := files.ReadFile(fmt.Sprintf("icons/app/cradle-%d.png", fit(size)))
	if err != nil {
		// Every size in Sizes is embedded; this is a build defect.
		panic(fmt.Sprintf("assets: app icon %d missing: %v", fit(size), err))
	}
	return b
}

func fit(size int) int {
	for _, s := range Sizes {
		if s >= size {
			return s
		}
	}
	return Sizes[len(Sizes)-1]
}
