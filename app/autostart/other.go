//go:build !unix && !windows

package autostart

func enabled() (bool, error) { return false, ErrUnsupported }
func set(bool) error         { return ErrUnsupported }
