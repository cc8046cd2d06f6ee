package control

import (
	"errors"
	"fmt"
)

// ErrRunning reports that a daemon already answers on the control
// socket. Listen returns it wrapped in a *RunningError.
var ErrRunning = errors.New("cradle daemon already running")

// ErrNotRunning reports that no daemon listens on the control socket:
// the socket (or control file) is missing or nothing accepts on it.
// Dial returns it wrapped with the underlying error; callers such as the
// CLI use it to fall back to doing the work themselves.
var ErrNotRunning = errors.New("cradle daemon not running")

// RunningError is what Listen returns when another daemon owns the
// socket. errors.Is(err, ErrRunning) holds for it.
type RunningError struct {
	Path string
	// PID is the running daemon's process id, or 0 where the platform
	// cannot tell.
	PID int
}

func (e *RunningError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%v (pid %d, socket %s)", ErrRunning, e.PID, e.Path)
	}
	return fmt.Sprintf("%v (socket %s)", ErrRunning, e.Path)
}

// Unwrap returns ErrRunning.
func (e *RunningError) Unwrap() error { return ErrRunning }
