package config

import (
	"fmt"
	"os"
	"path/filepath"
)

// Dirs are where Cradle keeps its files.
type Dirs struct {
	// Config holds config.toml: $CRADLE_CONFIG_DIR, else
	// $XDG_CONFIG_HOME/cradle (~/.config/cradle).
	Config string
	// Data holds the state database and default collections:
	// $CRADLE_DATA_DIR, else $XDG_DATA_HOME/cradle (~/.local/share/cradle).
	Data string
}

// DefaultDirs resolves Dirs from the environment.
func DefaultDirs() (Dirs, error) {
	var d Dirs
	d.Config = os.Getenv("CRADLE_CONFIG_DIR")
	if d.Config == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return d, fmt.Errorf("config dir: %w", err)
		}
		d.Config = filepath.Join(base, "cradle")
	}
	d.Data = os.Getenv("CRADLE_DATA_DIR")
	if d.Data == "" {
		base := os.Getenv("XDG_DATA_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return d, fmt.Errorf("data dir: %w", err)
			}
			base = filepath.Join(home, ".local", "share")
		}
		d.Data = filepath.Join(base, "cradle")
	}
	return d, nil
}
