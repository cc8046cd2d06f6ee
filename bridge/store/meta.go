package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
)

// staleTemp is the age past which a temporary file is a crash leftover.
const staleTemp = time.Hour

// maxMetaSize bounds a metadata file; a name or a color is a short line.
const maxMetaSize = 4 << 10

// Names of the vdir metadata files, as vdirsyncer's metasync writes them.
const (
	metaDisplayName = "displayname"
	metaColor       = "color"
)

var colorRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$`)

// DisplayName returns the collection's display name from the "displayname"
// file, or "" if there is none.
func (v *Vdir) DisplayName() (string, error) { return v.readMeta(metaDisplayName) }

// SetDisplayName writes the "displayname" file; an empty name removes it.
// The name must be one line of valid UTF-8.
func (v *Vdir) SetDisplayName(name string) error {
	if !utf8.ValidString(name) || strings.ContainsAny(name, "\r\n\x00") {
		return fmt.Errorf("set display name: %w: %q", ErrInvalid, name)
	}
	return v.writeMeta(metaDisplayName, name)
}

// Color returns the collection's color from the "color" file, as "#RRGGBB"
// or "#RRGGBBAA", or "" if there is none or it is not a color.
func (v *Vdir) Color() (string, error) {
	c, err := v.readMeta(metaColor)
	if err != nil || !colorRE.MatchString(c) {
		return "", err
	}
	return c, nil
}

// SetColor writes the "color" file; color must be "#RRGGBB" or
// "#RRGGBBAA", or empty to remove the file.
func (v *Vdir) SetColor(color string) error {
	if color != "" && !colorRE.MatchString(color) {
		return fmt.Errorf("set color: %w: %q", ErrInvalid, color)
	}
	return v.writeMeta(metaColor, color)
}

func (v *Vdir) readMeta(name string) (string, error) {
	f, err := os.Open(filepath.Join(v.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s of %s: %w", name, v.dir, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxMetaSize))
	if err != nil {
		return "", fmt.Errorf("read %s of %s: %w", name, v.dir, err)
	}
	// vdirsyncer writes the bare value; other tools add a newline.
	return strings.TrimSpace(strings.ToValidUTF8(string(data), "\uFFFD")), nil
}

func (v *Vdir) writeMeta(name, value string) error {
	p := filepath.Join(v.dir, name)
	if value == "" {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s of %s: %w", name, v.dir, err)
		}
		return nil
	}
	if err := atomicfile.WriteFile(p, []byte(value), v.opts.Perm); err != nil {
		return fmt.Errorf("write %s of %s: %w", name, v.dir, err)
	}
	return nil
}
