package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/engine"
)

func openEngine(ctx context.Context) (*engine.Engine, error) {
	dirs, secrets, err := dirsAndSecrets()
	if err != nil {
		return nil, err
	}
	return engine.Open(ctx, engine.Options{Dirs: dirs, Secrets: secrets})
}

func newRun(e *env) *cobra.Command {
	var noTray bool
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the sync daemon: push sessions, file watchers and the tray icon",
		Long: `Runs Cradle until interrupted: every account keeps a Direct Push
session to its server, local collections are watched for changes, and (on
a desktop) a tray icon shows the state. With no account configured, the
built-in "This computer" account keeps its collections under the data
directory.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDaemon(cmd.Context(), e, noTray)
		},
	}
	cmd.Flags().BoolVar(&noTray, "no-tray", false, "do not show a tray icon (headless use)")
	return cmd
}

func runDaemon(ctx context.Context, e *env, noTray bool) error {
	dirs, err := config.DefaultDirs()
	if err != nil {
		return err
	}
	serve, closeSocket, err := listenControl()
	if err != nil {
		return err
	}
	defer closeSocket()
	eng, err := openEngine(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	st, err := eng.Status(ctx)
	if err != nil {
		return err
	}
	for _, a := range st.Accounts {
		for _, f := range a.Folders {
			fmt.Fprintf(e.stdout, "%s: %s %s → %s\n", a.Name, f.Kind, f.Name, f.LocalPath)
		}
	}
	slog.Info("cradle running", "config", dirs.Config, "data", dirs.Data, "accounts", len(st.Accounts))
	return serveDaemon(ctx, e, eng, serve, noTray)
}
