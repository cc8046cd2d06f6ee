package push

import "encoding/xml"

// FolderType is a folder's Type in FolderSync (MS-ASCMD 2.2.3.186.3).
type FolderType int

// Folder types.
const (
	FolderGeneric            FolderType = 1
	FolderInbox              FolderType = 2
	FolderDrafts             FolderType = 3
	FolderDeletedItems       FolderType = 4
	FolderSentItems          FolderType = 5
	FolderOutbox             FolderType = 6
	FolderDefaultTasks       FolderType = 7
	FolderDefaultCalendar    FolderType = 8
	FolderDefaultContacts    FolderType = 9
	FolderDefaultNotes       FolderType = 10
	FolderDefaultJournal     FolderType = 11
	FolderUserMail           FolderType = 12
	FolderUserCalendar       FolderType = 13
	FolderUserContacts       FolderType = 14
	FolderUserTasks          FolderType = 15
	FolderUserJournal        FolderType = 16
	FolderUserNotes          FolderType = 17
	FolderUnknown            FolderType = 18
	FolderRecipientInfoCache FolderType = 19
)

// Class returns the item class a Ping or Sync uses for folders of this type:
// "Contacts", "Calendar", "Tasks", "Notes", "Email", or "" if none applies.
func (t FolderType) Class() string {
	switch t {
	case FolderDefaultContacts, FolderUserContacts, FolderRecipientInfoCache:
		return "Contacts"
	case FolderDefaultCalendar, FolderUserCalendar:
		return "Calendar"
	case FolderDefaultTasks, FolderUserTasks:
		return "Tasks"
	case FolderDefaultNotes, FolderUserNotes:
		return "Notes"
	case FolderGeneric, FolderInbox, FolderDrafts, FolderDeletedItems, FolderSentItems, FolderOutbox, FolderUserMail:
		return "Email"
	}
	return ""
}

// FolderSyncRequest asks for folder hierarchy changes since SyncKey ("0" for
// the full list). Repeating it is safe: it changes nothing on the server.
type FolderSyncRequest struct {
	XMLName xml.Name `xml:"FolderHierarchy: FolderSync"`
	SyncKey string   `xml:"FolderHierarchy: SyncKey"`
}

// FolderSyncResponse is the server's answer to FolderSyncRequest.
type FolderSyncResponse struct {
	XMLName xml.Name         `xml:"FolderHierarchy: FolderSync"`
	Status  FolderSyncStatus `xml:"FolderHierarchy: Status"`
	SyncKey string           `xml:"FolderHierarchy: SyncKey,omitempty"`
	Changes *FolderChanges   `xml:"FolderHierarchy: Changes,omitempty"`
}

// FolderChanges lists hierarchy changes. Count is informational.
type FolderChanges struct {
	Count  int            `xml:"FolderHierarchy: Count,omitempty"`
	Update []Folder       `xml:"FolderHierarchy: Update"`
	Delete []FolderDelete `xml:"FolderHierarchy: Delete"`
	Add    []Folder       `xml:"FolderHierarchy: Add"`
}

// Folder is a folder added or updated in the hierarchy. ServerID is opaque
// (SOGo sends URL-escaped ids such as "vcard%2Fpersonal"); compare verbatim.
type Folder struct {
	ServerID    string     `xml:"FolderHierarchy: ServerId"`
	ParentID    string     `xml:"FolderHierarchy: ParentId"`
	DisplayName string     `xml:"FolderHierarchy: DisplayName"`
	Type        FolderType `xml:"FolderHierarchy: Type"`
}

// FolderDelete names a folder removed from the hierarchy.
type FolderDelete struct {
	ServerID string `xml:"FolderHierarchy: ServerId"`
}
