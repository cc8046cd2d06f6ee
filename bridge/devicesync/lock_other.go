//go:build !unix

package devicesync

import "context"

// lockState does nothing where flock is missing: Pairing's own mutex
// still serialises syncs within one process.
func lockState(ctx context.Context, statePath string) (func(), error) { return func() {}, nil }
