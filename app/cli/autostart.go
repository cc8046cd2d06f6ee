package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cradle-sync/cradle/app/autostart"
)

func init() { AddCommand(newAutostart) }

// newAutostart builds `cradle autostart`; it prints to the command's
// output, which Main points at its stdout.
func newAutostart() *cobra.Command {
	return &cobra.Command{
		Use:   "autostart on|off|status",
		Short: "Start Cradle at login, or stop doing so",
		Long: `Switches starting "cradle run" at login on or off for the current user,
or prints whether it is on. On Linux this is an XDG autostart entry
(~/.config/autostart/cradle.desktop); on Windows the "Cradle" value of
HKCU\Software\Microsoft\Windows\CurrentVersion\Run; on macOS a launch
agent. The entry runs the cradle executable this command was run from.`,
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"on", "off", "status"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "status" {
				if err := autostart.SetAutostart(args[0] == "on"); err != nil {
					return err
				}
			}
			on, err := autostart.Autostart()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), map[bool]string{true: "on", false: "off"}[on])
			return nil
		},
	}
}
