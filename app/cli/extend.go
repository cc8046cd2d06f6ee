package cli

import (
	"sync"

	"github.com/spf13/cobra"
)

// extensions build commands that live outside this package, such as
// `cradle ui`, whose Fyne dependency only cgo builds carry.
var (
	extMu      sync.Mutex
	extensions []func() *cobra.Command
)

// AddCommand registers a subcommand built by build. Main calls build each
// time it runs, so a command's flags never carry over between runs. Call
// AddCommand before Main, typically from an init function in package
// main.
func AddCommand(build func() *cobra.Command) {
	extMu.Lock()
	defer extMu.Unlock()
	extensions = append(extensions, build)
}

// addExtensions adds the registered commands to root.
func addExtensions(root *cobra.Command) {
	extMu.Lock()
	defer extMu.Unlock()
	for _, build := range extensions {
		root.AddCommand(build())
	}
}
