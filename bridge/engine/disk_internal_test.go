package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

func TestFolderProblem(t *testing.T) {
	wrap := func(err error) error {
		return fmt.Errorf("fetch contacts: store server item c:6: atomicfile: write /x/.cradle-tmp-1: %w", &fs.PathError{Op: "open", Path: "/x/.cradle-tmp-1", Err: err})
	}
	tests := []struct {
		err  error
		want string
	}{
		{wrap(syscall.EROFS), "cannot write to /x: the folder is read-only."},
		{wrap(syscall.EACCES), "cannot write to /x: the folder is read-only."},
		{wrap(syscall.ENOSPC), "cannot write to /x: the disk is full."},
		{errors.New("Sync contacts: HTTP 500"), "Sync contacts: HTTP 500"},
	}
	for _, tt := range tests {
		got := folderProblem(tt.err, "/x")
		if !strings.HasPrefix(got, tt.want) || strings.Contains(got, "cradle-tmp") {
			t.Errorf("folderProblem(%v) = %q, want it to start %q", tt.err, got, tt.want)
		}
	}
}
