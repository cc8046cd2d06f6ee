// Command cradle keeps contacts, calendars and tasks in step between an
// Exchange ActiveSync server, local vCard/iCalendar files and phones.
//
// main only wires the command line; everything else lives in app/.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cradle-sync/cradle/app/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
