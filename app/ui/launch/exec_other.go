//go:build !unix

package launch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
)

// run starts the windows program and waits for it; Windows has no exec.
func run(argv []string) error {
	c := exec.Command(argv[0], argv[1:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := c.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitError{ee.ExitCode()}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoWindows
	}
	return err
}

// exitError carries the windows program's exit status through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("%s exited with status %d", Program, e.code) }
