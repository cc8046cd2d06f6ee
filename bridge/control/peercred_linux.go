package control

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerCred asks the kernel (SO_PEERCRED) who is at the other end of c.
func peerCred(c net.Conn) (cred, error) {
	return sysCred(c, func(fd int) (cred, error) {
		u, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
		if err != nil {
			return cred{}, err
		}
		return cred{uid: int(u.Uid), pid: int(u.Pid)}, nil
	})
}
