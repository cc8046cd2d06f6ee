//go:build !((linux || freebsd || openbsd || netbsd) && !android) && !windows

package tray

// platformIcon returns png as is; macOS takes PNG.
func platformIcon(png []byte) []byte { return png }
