// Package control is the daemon's local control API: an HTTP/1.1 server
// on a per-user socket that the CLI and the tray talk to.
//
// On Unix the socket is a Unix domain socket in a directory only its
// owner can enter, and every connection's peer is identified by the
// kernel (SO_PEERCRED on Linux, LOCAL_PEERCRED on macOS and FreeBSD), so
// the check does not rest on file permissions alone. On Windows, where
// the standard library has no named pipes and peer credentials are out
// of reach, the daemon listens on loopback TCP and writes the address
// and a random token to the control file in the user's profile; a
// client proves it can read that file by sending the token first.
//
// The routes, all JSON, are:
//
//	GET  /v1/status                                  api.Status
//	POST /v1/sync?account=                           sync now ("" = all)
//	POST /v1/pause, /v1/resume
//	GET  /v1/conflicts                               []api.Conflict
//	GET  /v1/conflicts/{id}                          api.Conflict
//	POST /v1/conflicts/{id}/resolve?keep=local|server|both
//	POST /v1/mass-delete/allow?account=&folder=
//	GET  /v1/events                                  api.Event per line, until the client leaves
//	POST /v1/quit
//
// Routes served only when the Backend implements the optional interface
// (api.ActivityLog, api.DeviceBackend, api.Reloader); otherwise they
// answer 501 Not Implemented:
//
//	GET  /v1/activity?limit=N                        []api.Event, oldest first (0 or absent = all kept)
//	GET  /v1/devices                                 []api.Device
//	POST /v1/devices/{name}/sync                     reconcile a paired device now
//	POST /v1/reload                                  re-read the configuration
//
// Actions answer 204 No Content. Failures answer {"error": "..."} with a
// 4xx or 5xx status; a Backend error matching fs.ErrNotExist is a 404. Package app/client is the matching client.
package control
