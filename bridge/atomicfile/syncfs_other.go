//go:build !linux

package atomicfile

import (
	"errors"
	"os"
)

// errSyncFSUnavailable is what syncFS returns where there is no syncfs.
var errSyncFSUnavailable = errors.New("syncfs unavailable")

// canSyncFS reports false: without Linux's syncfs, whose writeback error
// reporting is known, every file of a batch is synced by itself.
func canSyncFS(*os.File) bool { return false }

func syncFS(*os.File) error { return errSyncFSUnavailable }

func device(*os.File) (uint64, bool) { return 0, false }
