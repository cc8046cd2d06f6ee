//go:build !linux

package folder

import "context"

// watchMountinfo waits for ctx: only Linux has /proc/self/mountinfo; the
// root watches and periodic rescans find mounts elsewhere.
func watchMountinfo(ctx context.Context, path string, changed chan<- struct{}) error {
	<-ctx.Done()
	return ctx.Err()
}
