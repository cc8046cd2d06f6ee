package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Dirs are where Cradle keeps its files.
type Dirs struct {
	// Config holds config.toml: $CRADLE_CONFIG_DIR, else
	// $XDG_CONFIG_HOME/cradle (~/.config/cradle).
	Config string
	// Data holds the state database and default collections:
	// $CRADLE_DATA_DIR, else the per-user data folder (see dataBase) plus
	// cradle: ~/.local/share/cradle on Linux.
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
		base, err := dataBase(runtime.GOOS, os.Getenv, os.UserHomeDir)
		if err != nil {
			return d, fmt.Errorf("data dir: %w", err)
		}
		d.Data = filepath.Join(base, "cradle")
	}
	return d, nil
}

// dataBase is the per-user data folder: $XDG_DATA_HOME when absolute, else
// %LocalAppData% on Windows, ~/Library/Application Support on macOS and
// ~/.local/share elsewhere. It must agree with state.DefaultPath and the
// control socket's folder, or a Windows daemon would split its files.
func dataBase(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	if dir := getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return dir, nil
	}
	if goos == "windows" {
		if dir := getenv("LocalAppData"); dir != "" {
			return dir, nil
		}
	}
	h, err := home()
	if err != nil {
		return "", err
	}
	if goos == "darwin" {
		return filepath.Join(h, "Library", "Application Support"), nil
	}
	return filepath.Join(h, ".local", "share"), nil
}
