package easclient

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// ErrRemoteWipe reports that the server ordered this device to be wiped
// (Provision RemoteWipe or AccountOnlyRemoteWipe). Cradle never wipes
// anything and never acknowledges the order: the caller must stop syncing
// the account and tell the user.
var ErrRemoteWipe = errors.New("easclient: server requested a remote wipe (not performed)")

// HTTPError is an HTTP status the client has no more specific error for.
type HTTPError struct {
	Command    string
	StatusCode int
}

// Error names the command and the HTTP status.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("easclient: %s: HTTP %d %s", e.Command, e.StatusCode, http.StatusText(e.StatusCode))
}

// AuthError is HTTP 401: the credentials (or the OAuth2 token) were
// rejected. Challenge is the WWW-Authenticate header, if any.
type AuthError struct {
	Command   string
	Challenge string
}

// Error names the command; the challenge is left out.
func (e *AuthError) Error() string {
	return fmt.Sprintf("easclient: %s: authentication failed (HTTP 401)", e.Command)
}

// RetryAfterError is HTTP 503 or 429, or a throttling response
// (X-MS-ASThrottle): the server asks the client to wait. Delay is the
// server's Retry-After, zero if it gave none (the caller picks a back-off).
// Throttle is the X-MS-ASThrottle reason, if any.
type RetryAfterError struct {
	Command    string
	StatusCode int
	Delay      time.Duration
	Throttle   string
}

// Error names the command, the status, the throttle reason and the delay.
func (e *RetryAfterError) Error() string {
	msg := fmt.Sprintf("easclient: %s: server busy (HTTP %d)", e.Command, e.StatusCode)
	if e.Throttle != "" {
		msg += ", throttled: " + e.Throttle
	}
	if e.Delay > 0 {
		msg += ", retry after " + e.Delay.String()
	}
	return msg
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; negative or
// unparseable values give 0. Values are capped at a day so that a hostile
// header cannot park the client forever.
func parseRetryAfter(h string, now time.Time) time.Duration {
	const maxDelay = 24 * time.Hour
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(maxDelay/time.Second) {
			return maxDelay
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	if d < 0 {
		return 0
	}
	return min(d, maxDelay)
}

// TooLargeError reports a response the client refused because it crossed
// one of its bounds: the body size (Config.MaxResponse) or, inside the
// WBXML, the nesting depth, one string's length or the element count; or
// a Sync window with far more changes than the WindowSize asked for.
// Nothing of the response was applied. A server that keeps sending it
// (a huge photo, a Sync window far above the requested WindowSize) keeps
// failing the same way: the user has to fix the item on the server.
type TooLargeError struct {
	Command string
	Host    string // the server's host name
	What    string // "body", "nesting depth", "string", "element count" or "window"
	Limit   int64  // bytes for body and string, levels, elements or items otherwise
	Err     error  // the decoder's *wbxml.LimitError, nil for the body
}

// Error names the command, the server and the bound, e.g. "easclient: Sync
// response from mail.example.com refused: body exceeds 16 MB".
func (e *TooLargeError) Error() string {
	limit := strconv.FormatInt(e.Limit, 10)
	switch e.What {
	case "body", "string":
		limit = byteSize(e.Limit)
	case "nesting depth":
		limit += " levels"
	case "element count":
		limit += " elements"
	case "window":
		limit += " items"
	}
	return fmt.Sprintf("easclient: %s response from %s refused: %s exceeds %s", e.Command, e.Host, e.What, limit)
}

// Unwrap returns the decoder's limit error, if any.
func (e *TooLargeError) Unwrap() error { return e.Err }

// byteSize writes whole mebibytes as "N MB" and anything else in bytes.
func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
