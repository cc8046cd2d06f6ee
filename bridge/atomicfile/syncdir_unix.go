//go:build !windows

package atomicfile

import "os"

// syncDir flushes the folder entry so a completed rename survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// openFolder opens a folder so that it can be synced.
func openFolder(dir string) (*os.File, error) {
	return os.Open(dir)
}
