package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cradle-sync/cradle/bridge/api"
)

func newStatus(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--json]",
		Short: "Show each account and folder: state, local path, items, last sync, pending changes, conflicts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := currentStatus(cmd)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			printStatus(e, st)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// currentStatus asks the running daemon, or reads the state when none runs.
func currentStatus(cmd *cobra.Command) (api.Status, error) { return statusNow(cmd.Context()) }

// statusNow is the running daemon's status or, without a daemon, the
// configured accounts' with their sessions stopped.
func statusNow(ctx context.Context) (api.Status, error) {
	if st, ok, err := daemonStatus(ctx); ok || err != nil {
		return st, err
	}
	eng, err := openEngine(ctx)
	if err != nil {
		return api.Status{}, err
	}
	defer eng.Close()
	st, err := eng.Status(ctx)
	for i := range st.Accounts {
		if st.Accounts[i].URL != "" {
			st.Accounts[i].State = "stopped"
		}
	}
	return st, err
}

func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return time.Since(t).Round(time.Second).String() + " ago"
}

func printStatus(e *env, st api.Status) {
	if st.Paused {
		fmt.Fprintln(e.stdout, "Syncing is paused.")
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, a := range st.Accounts {
		line := fmt.Sprintf("%s\t%s", a.Name, a.State)
		if a.Error != "" {
			line += "\t" + a.Error
		}
		fmt.Fprintln(w, line)
		for _, f := range a.Folders {
			fmt.Fprintf(w, "  %s\t%s\t%s\t%d items\t%s\tlast sync %s", f.Kind, f.Name, f.State, f.Items, f.LocalPath, ago(f.LastSync))
			if f.Pending > 0 {
				fmt.Fprintf(w, "\t%d pending", f.Pending)
			}
			if f.Conflicts > 0 {
				fmt.Fprintf(w, "\t%d conflicts", f.Conflicts)
			}
			if f.Error != "" {
				fmt.Fprintf(w, "\t%s", f.Error)
			}
			fmt.Fprintln(w)
		}
	}
	w.Flush()
}
