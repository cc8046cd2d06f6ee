// Package cli is Cradle's command line: it parses arguments and runs the
// matching command. Long-running work lives in bridge and push; this
// package only wires flags to it and prints results.
package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Version is the program version, set at link time with
// -ldflags "-X github.com/cradle-sync/cradle/app/cli.Version=…".
var Version = "dev"

// env is what a command may touch of the outside world; tests replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// Main runs the command line args and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "cradle:", err)
		return 1
	}
	return 0
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "cradle",
		Short:         "Keep contacts, calendars and tasks in step with an ActiveSync server, local files and phones",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.AddCommand(newRun(e), newAccount(e), newSync(e), newStatus(e), newConflicts(e), newExport(e), newDevices(e), newDebug(e))
	addExtensions(root)
	return root
}
