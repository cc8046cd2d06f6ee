// Package launch is the `cradle ui` command: it starts the cradle-ui
// program, which holds Cradle's Fyne windows. The windows live in a
// program of their own so that the cradle binary, daemon included, links
// neither Fyne nor OpenGL and X11: it starts on headless machines
// without those libraries and prints nothing from Fyne's start-up.
package launch

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"
)

// Program is the windows program's name (cradle-ui.exe on Windows).
const Program = "cradle-ui"

// Windows are the window names cradle-ui accepts.
var Windows = []string{"activity", "conflicts", "devices", "export", "setup"}

// ErrNoWindows reports an installation without the windows program.
var ErrNoWindows = errors.New("this installation of cradle has no windows (" + Program + " was not found next to cradle or on PATH); the cradle commands do the same work: cradle --help")

// Find returns the windows program: the one next to the cradle
// executable exe, so an installation uses its own, else the first on
// PATH.
func Find(exe string) (string, error) {
	name := Program
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if exe != "" {
		p := filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", ErrNoWindows
	}
	return p, nil
}

// Command builds `cradle ui WINDOW [--socket PATH]`.
func Command() *cobra.Command {
	var socket string
	cmd := &cobra.Command{
		Use:       "ui activity|conflicts|devices|export|setup",
		Short:     "Open one of Cradle's windows (the tray starts these)",
		Long:      "Opens a window that talks to the running daemon over its control socket.\nThe window runs in the " + Program + " program, which exits when the window is closed.",
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: Windows,
		RunE: func(cmd *cobra.Command, args []string) error {
			exe, _ := os.Executable() // "" falls back to PATH
			prog, err := Find(exe)
			if err != nil {
				return err
			}
			argv := []string{prog, args[0]}
			if socket != "" {
				argv = append(argv, "--socket", socket)
			}
			return run(argv)
		},
	}
	cmd.Flags().StringVar(&socket, "socket", "", "control socket of the daemon (default: the one `cradle run` listens on)")
	return cmd
}
