//go:build windows

package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

const (
	runKey = `Software\Microsoft\Windows\CurrentVersion\Run`
	// Task Manager's Startup tab records its on/off switch here, under
	// the same value name, without touching the Run value.
	approvedKey = `Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`
	valueName   = "Cradle"
)

func enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf(`open HKCU\%s: %w`, runKey, err)
	}
	defer k.Close()
	cmd, _, err := k.GetStringValue(valueName)
	if errors.Is(err, registry.ErrNotExist) || (err == nil && cmd == "") {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf(`read HKCU\%s\%s: %w`, runKey, valueName, err)
	}
	return approved(), nil
}

// approved reports whether Task Manager leaves the entry switched on. It
// stores 12 bytes per value: first byte 2 when enabled, 3 (and the time
// of the change) when disabled; only the low bit is read. No value means
// enabled.
func approved() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.QUERY_VALUE)
	if err != nil {
		return true
	}
	defer k.Close()
	b, _, err := k.GetBinaryValue(valueName)
	if err != nil || len(b) == 0 {
		return true
	}
	return b[0]&1 == 0
}

func set(on bool) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf(`open HKCU\%s: %w`, runKey, err)
	}
	defer k.Close()
	if !on {
		if err := k.DeleteValue(valueName); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf(`delete HKCU\%s\%s: %w`, runKey, valueName, err)
		}
		return nil
	}
	prog, err := program("cradle.exe")
	if err != nil {
		return err
	}
	if err := k.SetStringValue(valueName, runCommand(prog)); err != nil {
		return fmt.Errorf(`write HKCU\%s\%s: %w`, runKey, valueName, err)
	}
	// An earlier "Disable" in Task Manager would still hold: switching on
	// here is the user's newer choice.
	if a, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.SET_VALUE); err == nil {
		a.DeleteValue(valueName)
		a.Close()
	}
	return nil
}
