//go:build windows

package atomicfile

import "os"

// syncDir is a no-op: Windows cannot open a folder for flushing, and NTFS
// journals the rename (MoveFileEx with MOVEFILE_REPLACE_EXISTING) itself.
func syncDir(string) error { return nil }

// openFolder returns no handle, for the reason given on syncDir; a batch
// then syncs each file itself and skips the folder sync.
func openFolder(string) (*os.File, error) { return nil, nil }
