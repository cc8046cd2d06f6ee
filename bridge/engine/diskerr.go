package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// folderProblem is the sentence the status shows for a folder whose last
// sync failed. Local storage failures (a read-only folder, a full disk)
// are the user's to fix and the raw chain of wrapped errors, with paths
// of temporary files, tells them nothing; the full error is in the log.
// Other errors are shown as they are.
func folderProblem(err error, dir string) string {
	switch {
	case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("cannot write to %s: the folder is read-only. Nothing was lost; syncing resumes by itself once it is writable.", dir)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Sprintf("cannot write to %s: the disk is full. Nothing was lost; syncing resumes by itself once there is space.", dir)
	}
	return err.Error()
}
