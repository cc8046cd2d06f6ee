package reconcile

import (
	"context"
	"fmt"
)

// Verify compares the server's whole item set with the local state and
// heals any divergence: it syncs the folder from SyncKey 0, so every
// server item is delivered again and matched to its local copy (by server
// id, then content), items missing locally are written, and local copies
// of items the server no longer has are removed (unless edited locally,
// which sends them back). Some servers lose changes that land in the same
// second as the client's SyncKey (SOGo); this is the cure. It costs one
// full download of the folder, so it runs rarely (daily by default).
func (f *Folder) Verify(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() { f.allowDelete, f.echo = false, nil }()
	if err := f.DB.SetFolderSyncKey(ctx, f.ID, "0"); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if err := f.fetchFrom(ctx, true); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	sent, err := f.sendLocal(ctx)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if sent {
		return f.fetch(ctx)
	}
	return nil
}
