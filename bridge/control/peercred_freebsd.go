package control

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerCred asks the kernel (LOCAL_PEERCRED) who is at the other end of c.
func peerCred(c net.Conn) (cred, error) {
	return sysCred(c, func(fd int) (cred, error) {
		x, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
		if err != nil {
			return cred{}, err
		}
		return cred{uid: int(x.Uid)}, nil
	})
}
