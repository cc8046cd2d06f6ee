//go:build unix

package launch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// run replaces this process with the windows program, so a window
// opened from the tray is one process, not cradle waiting on cradle-ui.
func run(argv []string) error {
	err := syscall.Exec(argv[0], argv, os.Environ())
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoWindows
	}
	if err != nil {
		return fmt.Errorf("start %s: %w", argv[0], err)
	}
	return nil // not reached
}
