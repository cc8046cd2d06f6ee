package cli

import (
	"log"
	"os"

	"golang.org/x/sys/windows"
)

// The release cradle.exe is linked as a GUI program (-H=windowsgui) so
// that starting it at login or from the tray opens no console window.
// Windows then gives it no standard handles, even when it is typed into
// a shell, and the command line would print nothing. Attaching to the
// parent's console brings the output back; output the shell redirected
// to a file or pipe already has a handle and is left alone.
//
// Shells do not wait for a GUI program, so their prompt may come back
// before the output, and both would read keystrokes: standard input is
// therefore not attached, and prompts want --password-stdin with a pipe
// (`cradle status | more` also makes the shell wait).
func init() {
	attachParentConsole()
}

// attachParentProcess is ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uint32(0)

func attachParentConsole() {
	missing := func(std uint32) bool {
		h, err := windows.GetStdHandle(std)
		return err != nil || h == 0 || h == windows.InvalidHandle
	}
	noOut, noErr := missing(windows.STD_OUTPUT_HANDLE), missing(windows.STD_ERROR_HANDLE)
	if !noOut && !noErr {
		return // a console program, or a GUI one with redirected output
	}
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(uintptr(attachParentProcess)); r == 0 {
		return // started from Explorer, the Run key or the tray: no console to use
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		if noOut {
			os.Stdout = f
		}
		if noErr {
			os.Stderr = f
			// log (and slog's default handler through it) took os.Stderr
			// when it was initialised, before this ran.
			log.SetOutput(f)
		}
	}
}
