package push

import "strconv"

// Status is a status code common to all commands (MS-ASCMD 2.2.2, values
// 101–177). Any command's Status element may carry one of these instead of a
// command-specific value; the per-command status types fall back to these
// names in their String methods.
type Status int

// Common status codes (MS-ASCMD 2.2.2).
const (
	StatusInvalidContent                  Status = 101
	StatusInvalidWBXML                    Status = 102
	StatusInvalidXML                      Status = 103
	StatusInvalidDateTime                 Status = 104
	StatusInvalidCombinationOfIDs         Status = 105
	StatusInvalidIDs                      Status = 106
	StatusInvalidMIME                     Status = 107
	StatusDeviceIDMissingOrInvalid        Status = 108
	StatusDeviceTypeMissingOrInvalid      Status = 109
	StatusServerError                     Status = 110
	StatusServerErrorRetryLater           Status = 111
	StatusActiveDirectoryAccessDenied     Status = 112
	StatusMailboxQuotaExceeded            Status = 113
	StatusMailboxServerOffline            Status = 114
	StatusSendQuotaExceeded               Status = 115
	StatusMessageRecipientUnresolved      Status = 116
	StatusMessageReplyNotAllowed          Status = 117
	StatusMessagePreviouslySent           Status = 118
	StatusMessageHasNoRecipient           Status = 119
	StatusMailSubmissionFailed            Status = 120
	StatusMessageReplyFailed              Status = 121
	StatusAttachmentIsTooLarge            Status = 122
	StatusUserHasNoMailbox                Status = 123
	StatusUserCannotBeAnonymous           Status = 124
	StatusUserPrincipalCouldNotBeFound    Status = 125
	StatusUserDisabledForSync             Status = 126
	StatusUserOnNewMailboxCannotSync      Status = 127
	StatusUserOnLegacyMailboxCannotSync   Status = 128
	StatusDeviceIsBlockedForThisUser      Status = 129
	StatusAccessDenied                    Status = 130
	StatusAccountDisabled                 Status = 131
	StatusSyncStateNotFound               Status = 132
	StatusSyncStateLocked                 Status = 133
	StatusSyncStateCorrupt                Status = 134
	StatusSyncStateAlreadyExists          Status = 135
	StatusSyncStateVersionInvalid         Status = 136
	StatusCommandNotSupported             Status = 137
	StatusVersionNotSupported             Status = 138
	StatusDeviceNotFullyProvisionable     Status = 139
	StatusRemoteWipeRequested             Status = 140
	StatusLegacyDeviceOnStrictPolicy      Status = 141
	StatusDeviceNotProvisioned            Status = 142
	StatusPolicyRefresh                   Status = 143
	StatusInvalidPolicyKey                Status = 144
	StatusExternallyManagedDevicesBlocked Status = 145
	StatusNoRecurrenceInCalendar          Status = 146
	StatusUnexpectedItemClass             Status = 147
	StatusRemoteServerHasNoSSL            Status = 148
	StatusInvalidStoredRequest            Status = 149
	StatusItemNotFound                    Status = 150
	StatusTooManyFolders                  Status = 151
	StatusNoFoldersFound                  Status = 152
	StatusItemsLostAfterMove              Status = 153
	StatusFailureInMoveOperation          Status = 154
	StatusMoveCommandDisallowed           Status = 155
	StatusMoveCommandInvalidDestination   Status = 156
	StatusAvailabilityTooManyRecipients   Status = 160
	StatusAvailabilityDLLimitReached      Status = 161
	StatusAvailabilityTransientFailure    Status = 162
	StatusAvailabilityFailure             Status = 163
	StatusBodyPartPreferenceNotSupported  Status = 164
	StatusDeviceInformationRequired       Status = 165
	StatusInvalidAccountID                Status = 166
	StatusAccountSendDisabled             Status = 167
	StatusIRMFeatureDisabled              Status = 168
	StatusIRMTransientError               Status = 169
	StatusIRMPermanentError               Status = 170
	StatusIRMInvalidTemplateID            Status = 171
	StatusIRMOperationNotPermitted        Status = 172
	StatusNoPicture                       Status = 173
	StatusPictureTooLarge                 Status = 174
	StatusPictureLimitReached             Status = 175
	StatusBodyPartConversationTooLarge    Status = 176
	StatusMaximumDevicesReached           Status = 177
)

var commonStatusNames = map[Status]string{
	101: "invalid content", 102: "invalid WBXML", 103: "invalid XML", 104: "invalid date/time",
	105: "invalid combination of ids", 106: "invalid ids", 107: "invalid MIME",
	108: "device id missing or invalid", 109: "device type missing or invalid",
	110: "server error", 111: "server error, retry later", 112: "directory access denied",
	113: "mailbox quota exceeded", 114: "mailbox server offline", 115: "send quota exceeded",
	116: "recipient unresolved", 117: "reply not allowed", 118: "message previously sent",
	119: "message has no recipient", 120: "mail submission failed", 121: "reply failed",
	122: "attachment too large", 123: "user has no mailbox", 124: "user cannot be anonymous",
	125: "user principal not found", 126: "user disabled for sync", 127: "user on new mailbox cannot sync",
	128: "user on legacy mailbox cannot sync", 129: "device blocked for this user", 130: "access denied",
	131: "account disabled", 132: "sync state not found", 133: "sync state locked",
	134: "sync state corrupt", 135: "sync state already exists", 136: "sync state version invalid",
	137: "command not supported", 138: "version not supported", 139: "device not fully provisionable",
	140: "remote wipe requested", 141: "legacy device on strict policy", 142: "device not provisioned",
	143: "policy refresh", 144: "invalid policy key", 145: "externally managed devices not allowed",
	146: "no recurrence in calendar", 147: "unexpected item class", 148: "remote server has no SSL",
	149: "invalid stored request", 150: "item not found", 151: "too many folders",
	152: "no folders found", 153: "items lost after move", 154: "failure in move operation",
	155: "move command disallowed", 156: "move command invalid destination",
	160: "availability: too many recipients", 161: "availability: DL limit reached",
	162: "availability: transient failure", 163: "availability: failure",
	164: "body part preference type not supported", 165: "device information required",
	166: "invalid account id", 167: "account send disabled", 168: "IRM feature disabled",
	169: "IRM transient error", 170: "IRM permanent error", 171: "IRM invalid template id",
	172: "IRM operation not permitted", 173: "no picture", 174: "picture too large",
	175: "picture limit reached", 176: "body part conversation too large", 177: "maximum devices reached",
}

// String returns a short English description, or "status N" if unknown.
func (s Status) String() string { return statusName(int(s), nil) }

func statusName(code int, own map[int]string) string {
	if n, ok := own[code]; ok {
		return n
	}
	if n, ok := commonStatusNames[Status(code)]; ok {
		return n
	}
	return "status " + strconv.Itoa(code)
}

// SyncStatus is the Status of a Sync response, of one of its collections or
// of one item in Responses (MS-ASCMD 2.2.3.177.17).
type SyncStatus int

// Sync status values.
const (
	SyncSuccess          SyncStatus = 1
	SyncInvalidSyncKey   SyncStatus = 3  // restart the collection from SyncKey 0
	SyncProtocolError    SyncStatus = 4  // malformed request
	SyncServerError      SyncStatus = 5  // transient; retry later
	SyncConversionError  SyncStatus = 6  // the item was rejected (e.g. empty element on 16.x)
	SyncConflict         SyncStatus = 7  // the server's copy won
	SyncObjectNotFound   SyncStatus = 8  // ServerId or CollectionId unknown
	SyncCannotComplete   SyncStatus = 9  // e.g. mailbox full
	SyncHierarchyChanged SyncStatus = 12 // run FolderSync first
	SyncIncompleteBody   SyncStatus = 13 // empty or partial Sync with nothing cached; send the full request
	SyncInvalidInterval  SyncStatus = 14 // Wait or HeartbeatInterval out of range; Limit holds the bound
	SyncTooManyFolders   SyncStatus = 15 // too many collections
	SyncRetry            SyncStatus = 16 // transient; retry
)

var syncStatusNames = map[int]string{
	1: "success", 3: "invalid sync key", 4: "protocol error", 5: "server error",
	6: "error converting item", 7: "conflict", 8: "object not found", 9: "cannot complete",
	12: "folder hierarchy changed", 13: "incomplete request", 14: "invalid wait or heartbeat interval",
	15: "too many collections", 16: "retry",
}

// String returns a short English description of the status.
func (s SyncStatus) String() string { return statusName(int(s), syncStatusNames) }

// FolderSyncStatus is the Status of a FolderSync response (MS-ASCMD 2.2.3.177.5).
type FolderSyncStatus int

// FolderSync status values.
const (
	FolderSyncSuccess        FolderSyncStatus = 1
	FolderSyncServerError    FolderSyncStatus = 6
	FolderSyncInvalidSyncKey FolderSyncStatus = 9 // restart from SyncKey 0
	FolderSyncBadRequest     FolderSyncStatus = 10
	FolderSyncUnknownError   FolderSyncStatus = 11
	FolderSyncCodeUnknown    FolderSyncStatus = 12
)

var folderSyncStatusNames = map[int]string{
	1: "success", 6: "server error", 9: "invalid sync key", 10: "incorrectly formatted request",
	11: "unknown error", 12: "code unknown",
}

// String returns a short English description of the status.
func (s FolderSyncStatus) String() string { return statusName(int(s), folderSyncStatusNames) }

// PingStatus is the Status of a Ping response (MS-ASCMD 2.2.3.177.10).
type PingStatus int

// Ping status values.
const (
	PingExpired          PingStatus = 1 // heartbeat ended without changes
	PingChanges          PingStatus = 2 // Folders lists the changed folders
	PingMissingParams    PingStatus = 3 // send the full request (folders and heartbeat)
	PingSyntaxError      PingStatus = 4
	PingInvalidHeartbeat PingStatus = 5 // HeartbeatInterval holds the allowed bound
	PingTooManyFolders   PingStatus = 6 // MaxFolders holds the limit
	PingHierarchyChanged PingStatus = 7 // run FolderSync
	PingServerError      PingStatus = 8 // back off and retry
)

var pingStatusNames = map[int]string{
	1: "heartbeat expired", 2: "changes available", 3: "missing parameters", 4: "syntax error",
	5: "heartbeat interval out of range", 6: "too many folders", 7: "folder hierarchy changed",
	8: "server error",
}

// String returns a short English description of the status.
func (s PingStatus) String() string { return statusName(int(s), pingStatusNames) }

// EstimateStatus is the Status of a GetItemEstimate response (MS-ASCMD 2.2.3.177.6).
type EstimateStatus int

// GetItemEstimate status values.
const (
	EstimateSuccess           EstimateStatus = 1
	EstimateInvalidCollection EstimateStatus = 2
	EstimateNotPrimed         EstimateStatus = 3 // no Sync with SyncKey 0 yet
	EstimateInvalidSyncKey    EstimateStatus = 4
)

var estimateStatusNames = map[int]string{
	1: "success", 2: "invalid collection", 3: "sync state not primed", 4: "invalid sync key",
}

// String returns a short English description of the status.
func (s EstimateStatus) String() string { return statusName(int(s), estimateStatusNames) }

// ProvisionStatus is the top-level Status of a Provision response (MS-ASPROV 2.2.2.54.2).
type ProvisionStatus int

// Provision status values.
const (
	ProvisionSuccess       ProvisionStatus = 1
	ProvisionProtocolError ProvisionStatus = 2
	ProvisionServerError   ProvisionStatus = 3
)

var provisionStatusNames = map[int]string{1: "success", 2: "protocol error", 3: "server error"}

// String returns a short English description of the status.
func (s ProvisionStatus) String() string { return statusName(int(s), provisionStatusNames) }

// PolicyStatus is the Status of a Policy element in a Provision response
// (MS-ASPROV 2.2.2.54.1). In a request the client's acknowledgement uses
// PolicyApplied.
type PolicyStatus int

// Policy status values in responses.
const (
	PolicySuccess        PolicyStatus = 1
	PolicyNone           PolicyStatus = 2 // no policy for this client: nothing to acknowledge
	PolicyUnknownType    PolicyStatus = 3
	PolicyCorrupt        PolicyStatus = 4
	PolicyWrongPolicyKey PolicyStatus = 5

	// PolicyApplied is the value a client sends to acknowledge that it
	// applied the policy.
	PolicyApplied PolicyStatus = 1
)

var policyStatusNames = map[int]string{
	1: "success", 2: "no policy for this client", 3: "unknown policy type",
	4: "policy data corrupt", 5: "wrong policy key acknowledged",
}

// String returns a short English description of the status.
func (s PolicyStatus) String() string { return statusName(int(s), policyStatusNames) }
