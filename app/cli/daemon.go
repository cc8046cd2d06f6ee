package cli

import (
	"context"

	"github.com/cradle-sync/cradle/bridge/engine"
)

// serveDaemon runs the engine until ctx ends or it is asked to quit.
func serveDaemon(ctx context.Context, e *env, eng *engine.Engine, noTray bool) error {
	return eng.Run(ctx)
}
