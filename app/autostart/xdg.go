//go:build unix && !darwin

package autostart

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// entryName is the autostart entry's file name. A system-wide entry of
// the same name (in $XDG_CONFIG_DIRS/autostart) is overridden by the
// user's, which is how switching off beats one an administrator put in
// /etc/xdg/autostart.
const entryName = "cradle.desktop"

// maxEntry bounds how much of an existing entry is read.
const maxEntry = 64 << 10

func enabled() (bool, error) {
	user, err := userEntry()
	if err != nil {
		return false, err
	}
	data, err := readEntry(user)
	if err == nil {
		return entryEnabled(data), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	for _, sys := range systemEntries() {
		data, err := readEntry(sys)
		if err == nil {
			return entryEnabled(data), nil
		}
	}
	return false, nil
}

func set(on bool) error {
	user, err := userEntry()
	if err != nil {
		return err
	}
	if on {
		prog, err := program("cradle")
		if err != nil {
			return err
		}
		return writeEntry(user, desktopEntry(prog))
	}
	for _, sys := range systemEntries() {
		if _, err := os.Stat(sys); err == nil {
			// Removing ours would let the system-wide entry start us.
			return writeEntry(user, []byte("[Desktop Entry]\nType=Application\nName=Cradle\nHidden=true\n"))
		}
	}
	if err := os.Remove(user); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// userEntry is $XDG_CONFIG_HOME/autostart/cradle.desktop, with the
// spec's default of ~/.config; a relative XDG_CONFIG_HOME is ignored, as
// the spec requires.
func userEntry() (string, error) {
	base := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("config dir: %w", err)
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "autostart", entryName), nil
}

// systemEntries lists where a system-wide entry may be, most important
// first: $XDG_CONFIG_DIRS, default /etc/xdg.
func systemEntries() []string {
	dirs := os.Getenv("XDG_CONFIG_DIRS")
	if dirs == "" {
		dirs = "/etc/xdg"
	}
	var out []string
	for _, d := range strings.Split(dirs, ":") {
		if filepath.IsAbs(d) {
			out = append(out, filepath.Join(d, "autostart", entryName))
		}
	}
	return out
}

func readEntry(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(io.LimitReader(f, maxEntry)); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b.Bytes(), nil
}

// writeEntry replaces path atomically, so a desktop reading the folder
// at login never sees half an entry.
func writeEntry(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".cradle-*.tmp") // not *.desktop: never read as an entry
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
