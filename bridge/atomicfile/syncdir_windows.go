//go:build windows

package atomicfile

// syncDir is a no-op: Windows cannot open a folder for flushing, and NTFS
// journals the rename (MoveFileEx with MOVEFILE_REPLACE_EXISTING) itself.
func syncDir(string) error { return nil }
