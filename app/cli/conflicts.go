package cli

import (
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cradle-sync/cradle/bridge/api"
)

func newConflicts(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "conflicts", Short: "List, show and resolve conflicts"}
	list := &cobra.Command{
		Use: "list", Short: "List open conflicts", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, closeFn, err := backend(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			cs, err := b.Conflicts(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tACCOUNT\tKIND\tITEM\tLOCAL COPY")
			for _, c := range cs {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", c.ID, c.Account, c.Kind, c.ItemPath, c.LocalCopyPath)
			}
			return w.Flush()
		},
	}
	show := &cobra.Command{
		Use: "show ID", Short: "Show both versions of a conflict", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("conflict id %q: %w", args[0], err)
			}
			b, closeFn, err := backend(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			c, err := b.Conflict(cmd.Context(), id)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Conflict %d in %s (%s), item %s\n\n--- yours (kept at %s)\n%s\n--- server's\n%s\n",
				c.ID, c.Account, c.Kind, c.ItemPath, c.LocalCopyPath, c.Local, c.Server)
			return nil
		},
	}
	var keep string
	resolve := &cobra.Command{
		Use: "resolve ID --keep local|server|both", Short: "Settle a conflict", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("conflict id %q: %w", args[0], err)
			}
			b, closeFn, err := backend(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			if err := b.ResolveConflict(cmd.Context(), id, api.Keep(keep)); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "conflict %d resolved (kept %s)\n", id, keep)
			return nil
		},
	}
	resolve.Flags().StringVar(&keep, "keep", "", "local, server or both")
	resolve.MarkFlagRequired("keep")
	cmd.AddCommand(list, show, resolve)
	return cmd
}
