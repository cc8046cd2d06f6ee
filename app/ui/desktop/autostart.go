//go:build cgo

package desktop

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// cradleAutostart switches starting at login by asking the cradle program
// (`cradle autostart on|off|status`). The entry must start `cradle run`;
// written from here it would name cradle-ui instead.
type cradleAutostart struct{}

// cradleProgram is the cradle executable beside this one, else on PATH.
func cradleProgram() (string, error) {
	name := "cradle"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if me, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(me), name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

func (cradleAutostart) run(arg string) (string, error) {
	prog, err := cradleProgram()
	if err != nil {
		return "", fmt.Errorf("find the cradle program: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, prog, "autostart", arg)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(errOut.String()); msg != "" {
			return "", fmt.Errorf("cradle autostart %s: %s", arg, msg)
		}
		return "", fmt.Errorf("cradle autostart %s: %w", arg, err)
	}
	return strings.TrimSpace(out.String()), nil
}

func (a cradleAutostart) Autostart() (bool, error) {
	s, err := a.run("status")
	if err != nil {
		return false, err
	}
	switch s {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, fmt.Errorf("cradle autostart status said %q", s)
}

func (a cradleAutostart) SetAutostart(on bool) error {
	arg := "off"
	if on {
		arg = "on"
	}
	_, err := a.run(arg)
	return err
}
