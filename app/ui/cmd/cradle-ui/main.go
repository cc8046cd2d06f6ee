// Command cradle-ui shows one of Cradle's windows (activity, conflicts,
// devices, export, setup) for the running daemon and exits when the
// window closes. The tray and `cradle ui` start it; it is a program of
// its own so that cradle, which runs all day, carries no GUI toolkit.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cradle-ui:", err)
		os.Exit(1)
	}
}
