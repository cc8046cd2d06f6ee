package cli

import (
	"github.com/spf13/cobra"

	"github.com/cradle-sync/cradle/bridge/api"
)

// backend returns the running daemon's backend, or an engine opened in
// this process when no daemon runs. Call the returned function when done.
func backend(cmd *cobra.Command) (api.Backend, func(), error) {
	if b, ok := daemonBackend(cmd.Context()); ok {
		return b, func() {}, nil
	}
	eng, err := openEngine(cmd.Context())
	if err != nil {
		return nil, nil, err
	}
	return eng, func() { eng.Close() }, nil
}
