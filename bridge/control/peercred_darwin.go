package control

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerCred asks the kernel (LOCAL_PEERCRED, LOCAL_PEERPID) who is at the
// other end of c.
func peerCred(c net.Conn) (cred, error) {
	return sysCred(c, func(fd int) (cred, error) {
		x, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
		if err != nil {
			return cred{}, err
		}
		pid, err := unix.GetsockoptInt(fd, unix.SOL_LOCAL, unix.LOCAL_PEERPID)
		if err != nil {
			pid = 0 // the uid is what matters; the pid only decorates messages
		}
		return cred{uid: int(x.Uid), pid: pid}, nil
	})
}
