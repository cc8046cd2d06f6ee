// Package state is Cradle's durable memory: accounts, folders, the items
// last synced with their 3-way-merge base, the queue of local changes not
// yet accepted by the server, conflicts, and the Direct Push heartbeat
// learned per network. It is one SQLite database (modernc.org/sqlite, pure
// Go) in WAL mode, so readers never block the writer.
//
// No SQL leaves this package; callers use the typed API of [DB].
//
// # Secrets
//
// The schema has no column for passwords, OAuth tokens or other
// credentials, and none may be added: they live in the OS keyring. The
// EAS policy key is stored; it is a server-issued acknowledgement of a
// security policy, not a credential. TestSchemaHasNoSecrets guards this.
//
// # Atomicity
//
// [DB.ApplyServerBatch] stores a folder's new SyncKey together with the
// items it covers in one transaction: after a crash the database holds
// either the old key and the old items or the new key and the new items,
// never a key whose items are missing (which would make the server never
// resend them) or items without their key.
//
// # Push session persistence
//
// The push session (package push/session) needs a few values to survive
// restarts. [DB] satisfies this interface, which that package may declare
// as its own:
//
//	type Persistence interface {
//		// SyncKey returns the folder's SyncKey, "0" if none; folder ""
//		// names the account's FolderSync (hierarchy) key.
//		SyncKey(ctx context.Context, account, folder string) (string, error)
//		SetSyncKey(ctx context.Context, account, folder, key string) error
//		PolicyKey(ctx context.Context, account string) (string, error)
//		SetPolicyKey(ctx context.Context, account, key string) error
//		// Heartbeat returns the interval learned on network, 0 if none.
//		Heartbeat(ctx context.Context, account, network string) (time.Duration, error)
//		SetHeartbeat(ctx context.Context, account, network string, d time.Duration) error
//	}
//
// Accounts are named by [Account.Name] and folders by their server id.
package state
