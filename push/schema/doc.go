// Package schema holds the typed ActiveSync item schemas that travel inside a
// Sync command's ApplicationData: contacts (MS-ASCNTC), calendar items
// (MS-ASCAL), tasks (MS-ASTASK) and the AirSyncBase body (MS-ASAIRS).
//
// The structs are tagged for encoding/xml with the ActiveSync code page name
// as namespace, which is what push's WBXML codec maps to code pages. A nil
// pointer field is an absent element; a pointer to a zero value is an empty
// element. The distinction matters: on EAS 14.x an omitted field keeps the
// server's value and an empty one clears it, while on 16.x a Change replaces
// the whole item and empty elements are rejected.
package schema
