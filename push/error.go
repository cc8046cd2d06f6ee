package push

import (
	"errors"
	"fmt"
)

// Error is a protocol-level failure: the server answered, but with a Status
// other than success. Transport failures (network, HTTP) are not *Error.
type Error struct {
	// Command is the EAS command, e.g. "Sync".
	Command string
	// Status is the raw Status value; its meaning depends on Command for
	// values below 100 and is common to all commands from 101 on.
	Status int
	// Collection is the CollectionId the status applies to, if any.
	Collection string
}

// Error returns e.g. `push: Sync: collection "contacts": status 3 (invalid sync key)`.
func (e *Error) Error() string {
	where := ""
	if e.Collection != "" {
		where = fmt.Sprintf(" collection %q:", e.Collection)
	}
	return fmt.Sprintf("push: %s:%s status %d (%s)", e.Command, where, e.Status, e.describe())
}

func (e *Error) describe() string {
	switch e.Command {
	case "Sync":
		return SyncStatus(e.Status).String()
	case "FolderSync":
		return FolderSyncStatus(e.Status).String()
	case "Ping":
		return PingStatus(e.Status).String()
	case "GetItemEstimate":
		return EstimateStatus(e.Status).String()
	case "Provision":
		return ProvisionStatus(e.Status).String()
	}
	return Status(e.Status).String()
}

func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsProvisioningRequired reports whether err says the device must run
// Provision before the server accepts commands (common status 142, 143 or
// 144). easclient also reports HTTP 449 this way.
func IsProvisioningRequired(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	switch Status(e.Status) {
	case StatusDeviceNotProvisioned, StatusPolicyRefresh, StatusInvalidPolicyKey:
		return true
	}
	return false
}

// IsInvalidSyncKey reports whether err says the SyncKey the client sent is
// unknown to the server (Sync 3, FolderSync 9, GetItemEstimate 4). The
// client must restart from SyncKey "0" and match the items it already has
// instead of duplicating them.
func IsInvalidSyncKey(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	switch e.Command {
	case "Sync":
		return SyncStatus(e.Status) == SyncInvalidSyncKey
	case "FolderSync":
		return FolderSyncStatus(e.Status) == FolderSyncInvalidSyncKey
	case "GetItemEstimate":
		return EstimateStatus(e.Status) == EstimateInvalidSyncKey
	}
	return false
}

// IsFolderHierarchyChanged reports whether err says the folder list changed
// and the client must run FolderSync (Sync 12, Ping 7, GetItemEstimate 2).
func IsFolderHierarchyChanged(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	switch e.Command {
	case "Sync":
		return SyncStatus(e.Status) == SyncHierarchyChanged
	case "Ping":
		return PingStatus(e.Status) == PingHierarchyChanged
	case "GetItemEstimate":
		return EstimateStatus(e.Status) == EstimateInvalidCollection
	}
	return false
}

// IsRemoteWipeRequested reports whether err carries common status 140: the
// server wants the device wiped. Cradle never wipes; the user must be told.
func IsRemoteWipeRequested(err error) bool {
	e, ok := asError(err)
	return ok && Status(e.Status) == StatusRemoteWipeRequested
}

// IsTransient reports whether err is a server-side status worth retrying
// after a back-off (Sync 5/16, FolderSync 6, Ping 8, Provision 3, common
// 110/111/114).
func IsTransient(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	switch Status(e.Status) {
	case StatusServerError, StatusServerErrorRetryLater, StatusMailboxServerOffline, StatusSyncStateLocked:
		return true
	}
	switch e.Command {
	case "Sync":
		return SyncStatus(e.Status) == SyncServerError || SyncStatus(e.Status) == SyncRetry
	case "FolderSync":
		return FolderSyncStatus(e.Status) == FolderSyncServerError
	case "Ping":
		return PingStatus(e.Status) == PingServerError
	case "Provision":
		return ProvisionStatus(e.Status) == ProvisionServerError
	}
	return false
}
