// Package easclient is an Exchange ActiveSync client for the commands Cradle
// needs: OPTIONS (version negotiation), Provision, FolderSync, Sync,
// GetItemEstimate and Ping, plus Autodiscover and OAuth2 helpers.
//
// A Client speaks MS-ASHTTP: every command is a POST of a WBXML body to
// <URL>?Cmd=<Cmd>&User=<u>&DeviceId=<id>&DeviceType=<t> with the negotiated
// MS-ASProtocolVersion and, once provisioned, X-MS-PolicyKey. HTTP goes
// through a one-method Doer (an *http.Client satisfies it); credentials are
// added by an Authorizer (BasicAuth, BearerAuth).
//
// Errors: protocol statuses are *push.Error (use push.IsInvalidSyncKey and
// friends); HTTP-level failures are *HTTPError, *AuthError (401) or
// *RetryAfterError (503/429, throttling); a response over the client's
// bounds (body size, WBXML depth, string length or element count, a Sync
// window far above the WindowSize asked for) is *TooLargeError and nothing
// of it is applied; a server's remote-wipe order is ErrRemoteWipe and is
// never acted on. Every error names its command.
//
// Automatic recovery, at most once per call: HTTP 449 or status 142/143/144
// (and 140) re-run Provision and repeat the command; HTTP 451 follows
// X-MS-Location and keeps the new URL for later commands. Nothing else is
// retried: back-off belongs to the caller (push/session).
//
// A Client is safe for concurrent use. It keeps one HTTP connection alive
// when the Doer allows, so response bodies are always drained and closed.
package easclient
