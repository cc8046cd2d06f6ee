package autostart

// runCommand is the command line a Windows Run value holds: the
// program, quoted (paths may contain spaces; they cannot contain a
// double quote), then "run".
func runCommand(prog string) string {
	return `"` + prog + `" run`
}
