package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/cradle-sync/cradle/bridge/api"

	"github.com/spf13/cobra"
)

// showProgress counts the changes a pass applies and, on a terminal, keeps
// one status line up to date. The returned channel yields the count when
// events ends.
func showProgress(ctx context.Context, e *env, events <-chan api.Event) <-chan int {
	done := make(chan int, 1)
	tty := false
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		tty = true
	}
	go func() {
		n := 0
		last := time.Time{}
		for ev := range events {
			if ev.Type != "change" && ev.Type != "conflict" {
				continue
			}
			n++
			if tty && time.Since(last) > 100*time.Millisecond {
				last = time.Now()
				fmt.Fprintf(e.stderr, "\r%s: %d changes applied", ev.Account, n)
			}
		}
		if tty && n > 0 {
			fmt.Fprintln(e.stderr)
		}
		done <- n
	}()
	return done
}

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
			done := showProgress(sctx, e, eng.Subscribe(sctx))
			err = eng.SyncOnce(ctx, account)
			cancel()
			n := <-done
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%d changes applied\n", n)
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
