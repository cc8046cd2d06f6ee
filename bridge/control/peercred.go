package control

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// cred is what the kernel says about the process at the other end of a
// local connection.
type cred struct {
	uid int
	pid int // 0 where the platform does not tell
}

// errNoCred reports a connection whose peer the platform cannot identify.
var errNoCred = errors.New("peer credentials unavailable")

// sysCred runs get on c's file descriptor.
func sysCred(c net.Conn, get func(fd int) (cred, error)) (cred, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return cred{}, fmt.Errorf("%w: %T", errNoCred, c)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	var cr cred
	var gerr error
	if err := raw.Control(func(fd uintptr) { cr, gerr = get(int(fd)) }); err != nil {
		return cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	if gerr != nil {
		return cred{}, fmt.Errorf("peer credentials: %w", gerr)
	}
	return cr, nil
}
