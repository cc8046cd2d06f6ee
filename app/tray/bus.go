package tray

import (
	"os"
	"path/filepath"
	"strconv"

	"github.com/godbus/dbus/v5"
)

// sessionAddress returns the session bus address, found the way godbus
// finds it (DBUS_SESSION_BUS_ADDRESS, then /run/user/<uid>/bus) but
// without godbus's fallback of running dbus-launch: started from a daemon
// that would spawn a stray bus nobody else talks to. Empty means no
// session bus.
func sessionAddress() string {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return a
	}
	return sessionAddressFor(os.Getuid())
}

// sessionAddressFor is the address of uid's systemd-managed session bus
// socket, or empty if there is none.
func sessionAddressFor(uid int) string {
	sock := filepath.Join("/run/user", strconv.Itoa(uid), "bus")
	if fi, err := os.Stat(sock); err == nil && fi.Mode()&os.ModeSocket != 0 {
		return "unix:path=" + dbus.EscapeBusAddressValue(sock)
	}
	return ""
}
