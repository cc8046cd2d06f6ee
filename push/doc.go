// Package push is the Exchange ActiveSync (EAS) vocabulary shared by Cradle's
// client (push/easclient), its in-process test server (push/eastest) and the
// Direct Push session loop: typed request and response structs for the
// commands Cradle speaks (FolderSync, Sync, GetItemEstimate, Ping,
// Provision), their status codes, the protocol versions, the typed protocol
// error *Error and ItemData, an item's ApplicationData carried verbatim.
//
// The structs are tagged like encoding/xml with the ActiveSync code page name
// plus ":" as the namespace (see docs/contracts.md); push/internal/wbxml maps
// them to WBXML. Element order follows the MS-ASCMD schemas because strict
// servers validate it.
//
// Naming follows Go (ServerID, CollectionID) where the wire says ServerId.
package push
