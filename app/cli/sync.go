package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newSync(e *env) *cobra.Command {
	var once bool
	var account string
	cmd := &cobra.Command{
		Use:   "sync --once [--account NAME]",
		Short: "Run one full sync pass and exit (0 when everything converged)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !once {
				return fmt.Errorf("use 'cradle sync --once' for one pass, or 'cradle run' to keep syncing")
			}
			ctx := cmd.Context()
			// Holding the control socket keeps a daemon from starting
			// beside this pass, and lets `cradle status` watch it.
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
			sctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go serve(sctx, eng)
			if err := eng.SyncOnce(ctx, account); err != nil {
				return err
			}
			st, err := eng.Status(ctx)
			if err != nil {
				return err
			}
			for _, a := range st.Accounts {
				if a.URL == "" {
					continue
				}
				for _, f := range a.Folders {
					if f.State == "skipped" {
						continue
					}
					fmt.Fprintf(e.stdout, "%s/%s: %d items in %s\n", a.Name, f.Name, f.Items, f.LocalPath)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "one pass, then exit")
	cmd.Flags().StringVar(&account, "account", "", "only this account")
	return cmd
}
