// Package eastest is an in-process Exchange ActiveSync server for tests. It
// holds folders of items (kept as push.ItemData), speaks the commands
// Cradle uses (OPTIONS, Provision, FolderSync, Sync, GetItemEstimate, Ping)
// in the 14.x and 16.x dialects, and can inject faults: HTTP errors,
// protocol statuses, delays and cut connections.
//
// Behaviour that matters for clients and mirrors real servers:
//   - SyncKeys advance whenever a reply carries changes; a Sync repeated
//     with the previous key gets the previous reply again (so a resent Add
//     does not duplicate), any other unknown key gets Status 3.
//   - The client's own changes are not echoed back to it.
//   - 14.x Change merges (omitted elements kept, empty ones cleared); 16.x
//     Change replaces the item and rejects empty elements with Status 6,
//     except Contacts:Picture (omitted keeps the photo, empty deletes it).
//   - Ping holds until a watched folder has changes for the device, the
//     heartbeat ends, a newer Ping from the same device arrives (Status 1),
//     the client disconnects, or the server is closed.
//
// Simplifications: Sync Options (FilterType, BodyPreference, Conflict) are
// ignored, a client change always wins over a concurrent server change,
// SoftDelete is never sent, and requests must use the plain query form.
//
// Use Start in tests; it registers cleanup that releases held requests
// before the HTTP server shuts down. All methods are safe for concurrent
// use.
package eastest
