//go:build cgo

package main

import (
	"context"

	"github.com/cradle-sync/cradle/app/ui/desktop"
)

func run(ctx context.Context, args []string) error {
	cmd := desktop.Command()
	cmd.SetArgs(args)
	return cmd.ExecuteContext(ctx)
}
