package push

import "encoding/xml"

// Class names of the item collections Cradle syncs.
const (
	ClassContacts = "Contacts"
	ClassCalendar = "Calendar"
	ClassTasks    = "Tasks"
)

// SyncRequest is a Sync command (MS-ASCMD 2.2.1.21).
//
// Retry safety: a Sync that carries only GetChanges may be repeated freely.
// A Sync carrying client Add commands must only be repeated with the same
// SyncKey and the same ClientIDs, so that the server recognises the resend
// and answers with the ServerIDs it already assigned instead of creating
// duplicates. Change and Delete are idempotent per item.
type SyncRequest struct {
	XMLName     xml.Name         `xml:"AirSync: Sync"`
	Collections []SyncCollection `xml:"AirSync: Collections>Collection,omitempty"`
	// Wait (minutes) or HeartbeatInterval (seconds) turn the Sync into a
	// long poll that returns when a collection changes; set at most one.
	Wait              int  `xml:"AirSync: Wait,omitempty"`
	HeartbeatInterval int  `xml:"AirSync: HeartbeatInterval,omitempty"`
	WindowSize        int  `xml:"AirSync: WindowSize,omitempty"`
	Partial           Flag `xml:"AirSync: Partial,omitempty"`
}

// SyncCollection is one collection in a SyncRequest. SyncKey "0" starts the
// collection; the server then returns a key and no items, and GetChanges and
// Commands must not be sent with it.
type SyncCollection struct {
	SyncKey        string `xml:"AirSync: SyncKey"`
	CollectionID   string `xml:"AirSync: CollectionId"`
	DeletesAsMoves *Bool  `xml:"AirSync: DeletesAsMoves,omitempty"`
	// GetChanges nil leaves the server default: true for any SyncKey other
	// than "0" on 12.1 and later.
	GetChanges *Bool         `xml:"AirSync: GetChanges,omitempty"`
	WindowSize int           `xml:"AirSync: WindowSize,omitempty"`
	Options    *SyncOptions  `xml:"AirSync: Options,omitempty"`
	Commands   *SyncCommands `xml:"AirSync: Commands,omitempty"`
}

// FilterType limits which items a Sync returns by age (MS-ASCMD 2.2.3.70.2).
type FilterType int

// Filter types for calendar (and tasks: FilterIncomplete).
const (
	FilterNone       FilterType = 0
	FilterOneDay     FilterType = 1
	FilterThreeDays  FilterType = 2
	FilterOneWeek    FilterType = 3
	FilterTwoWeeks   FilterType = 4
	FilterOneMonth   FilterType = 5
	FilterThreeMonth FilterType = 6
	FilterSixMonths  FilterType = 7
	FilterIncomplete FilterType = 8
)

// ConflictPolicy says who wins when client and server changed the same item.
type ConflictPolicy int

// Conflict policies.
const (
	ClientWins ConflictPolicy = 0
	ServerWins ConflictPolicy = 1
)

// SyncOptions are a collection's Sync options.
type SyncOptions struct {
	// FilterType is written only when set; FilterNone and absent mean the same.
	FilterType     FilterType       `xml:"AirSync: FilterType,omitempty"`
	BodyPreference []BodyPreference `xml:"AirSyncBase: BodyPreference"`
	Conflict       *ConflictPolicy  `xml:"AirSync: Conflict,omitempty"`
	// MIMESupport: 0 never, 1 S/MIME only, 2 always.
	MIMESupport int `xml:"AirSync: MIMESupport,omitempty"`
}

// BodyPreference asks for bodies of Type (1 plain, 2 HTML, 3 RTF, 4 MIME).
// TruncationSize nil asks for untruncated bodies, which Cradle needs: a
// truncated body must never overwrite a complete local one.
type BodyPreference struct {
	Type           int     `xml:"AirSyncBase: Type"`
	TruncationSize *uint32 `xml:"AirSyncBase: TruncationSize,omitempty"`
	AllOrNone      *Bool   `xml:"AirSyncBase: AllOrNone,omitempty"`
	Preview        int     `xml:"AirSyncBase: Preview,omitempty"`
}

// SyncCommands are item changes, sent by the client (Add, Change, Delete,
// Fetch) or by the server (Add, Change, Delete, SoftDelete).
type SyncCommands struct {
	Add        []SyncAdd    `xml:"AirSync: Add"`
	Change     []SyncChange `xml:"AirSync: Change"`
	Delete     []SyncDelete `xml:"AirSync: Delete"`
	SoftDelete []SyncDelete `xml:"AirSync: SoftDelete"`
	Fetch      []SyncDelete `xml:"AirSync: Fetch"`
}

// Len returns the total number of commands.
func (c *SyncCommands) Len() int {
	if c == nil {
		return 0
	}
	return len(c.Add) + len(c.Change) + len(c.Delete) + len(c.SoftDelete) + len(c.Fetch)
}

// SyncAdd adds an item. The client sets ClientID (unique per request, stable
// across resends); the server sets ServerID.
type SyncAdd struct {
	ClientID        string   `xml:"AirSync: ClientId,omitempty"`
	ServerID        string   `xml:"AirSync: ServerId,omitempty"`
	ApplicationData ItemData `xml:"AirSync: ApplicationData"`
}

// SyncChange changes the item ServerID. On 14.x omitted elements keep their
// value and empty elements clear it; on 16.x the item is replaced.
type SyncChange struct {
	ServerID        string   `xml:"AirSync: ServerId"`
	ApplicationData ItemData `xml:"AirSync: ApplicationData"`
}

// SyncDelete names an item by ServerID; it is used for Delete, SoftDelete
// (the item left the filter window but still exists) and Fetch.
type SyncDelete struct {
	ServerID string `xml:"AirSync: ServerId"`
}

// SyncResponse is the server's answer to a SyncRequest. A Sync answered with
// HTTP 200 and an empty body means "no changes"; easclient returns a zero
// SyncResponse for it.
type SyncResponse struct {
	XMLName xml.Name `xml:"AirSync: Sync"`
	// Status is set only when the whole request failed.
	Status SyncStatus `xml:"AirSync: Status,omitempty"`
	// Limit is the allowed bound when Status is SyncInvalidInterval or
	// SyncTooManyFolders.
	Limit       int                    `xml:"AirSync: Limit,omitempty"`
	Collections []SyncCollectionResult `xml:"AirSync: Collections>Collection,omitempty"`
}

// Collection returns the result for id, or nil.
func (r *SyncResponse) Collection(id string) *SyncCollectionResult {
	for i := range r.Collections {
		if r.Collections[i].CollectionID == id {
			return &r.Collections[i]
		}
	}
	return nil
}

// SyncCollectionResult is one collection in a SyncResponse.
type SyncCollectionResult struct {
	Class         string         `xml:"AirSync: Class,omitempty"`
	SyncKey       string         `xml:"AirSync: SyncKey"`
	CollectionID  string         `xml:"AirSync: CollectionId"`
	Status        SyncStatus     `xml:"AirSync: Status"`
	MoreAvailable Flag           `xml:"AirSync: MoreAvailable,omitempty"`
	Commands      *SyncCommands  `xml:"AirSync: Commands,omitempty"`
	Responses     *SyncResponses `xml:"AirSync: Responses,omitempty"`
}

// Err returns a *Error for a Status other than success, else nil.
func (c *SyncCollectionResult) Err() error {
	if c.Status == SyncSuccess {
		return nil
	}
	return &Error{Command: "Sync", Status: int(c.Status), Collection: c.CollectionID}
}

// SyncResponses are the server's per-item results for client commands. Add
// results are always present; servers differ on whether successful Change
// and Delete results are listed, so absence means success.
type SyncResponses struct {
	Add    []SyncItemResult `xml:"AirSync: Add"`
	Change []SyncItemResult `xml:"AirSync: Change"`
	Delete []SyncItemResult `xml:"AirSync: Delete"`
	Fetch  []SyncItemResult `xml:"AirSync: Fetch"`
}

// SyncItemResult is the outcome of one client command. ApplicationData is
// set only for Fetch.
type SyncItemResult struct {
	ClientID        string     `xml:"AirSync: ClientId,omitempty"`
	ServerID        string     `xml:"AirSync: ServerId,omitempty"`
	Status          SyncStatus `xml:"AirSync: Status"`
	ApplicationData *ItemData  `xml:"AirSync: ApplicationData,omitempty"`
}
