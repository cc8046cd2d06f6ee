// Package client talks to the Cradle daemon's control socket. The CLI
// and the tray share it; see package bridge/control for the server and
// the routes.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
)

// ErrNotRunning reports that no daemon listens on the control socket.
// Every method's error wraps it in that case, so the CLI can fall back
// to doing the work itself. It is control.ErrNotRunning.
var ErrNotRunning = control.ErrNotRunning

const (
	// maxResponse bounds a JSON answer; conflicts carry two item bodies
	// each, so the list can be large, but not unbounded.
	maxResponse = 64 << 20
	// maxErrorBody bounds what is read of a failure's body.
	maxErrorBody = 64 << 10
	// maxEventLine bounds one streamed event.
	maxEventLine = 1 << 20
)

// Error is a failure the daemon answered with: its HTTP status and the
// message it gave. A 404 matches fs.ErrNotExist and a 501 matches
// ErrUnsupported under errors.Is.
type Error struct {
	StatusCode int
	Message    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("cradle daemon: %s (%d)", e.Message, e.StatusCode)
}

// Is reports whether a 404 is being compared with fs.ErrNotExist or a
// 501 with ErrUnsupported, so callers test "no such conflict" or "this
// daemon cannot do that" without knowing about HTTP.
func (e *Error) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e.StatusCode == http.StatusNotFound
	case ErrUnsupported:
		return e.StatusCode == http.StatusNotImplemented
	}
	return false
}

// Client talks to one daemon. Its methods are safe for concurrent use;
// each honours its context for cancellation and deadlines.
type Client struct {
	path    string
	pathErr error
	hc      *http.Client
}

// New returns a client for the control socket at path, or at
// control.DefaultPath() if path is "". It does not connect: a missing
// daemon shows up as ErrNotRunning from the first call, and so does a
// failure to work out the default path.
func New(path string) *Client {
	c := &Client{path: path}
	if path == "" {
		c.path, c.pathErr = control.DefaultPath()
	}
	c.hc = &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return control.Dial(ctx, c.path)
		},
		DisableCompression: true,
		MaxIdleConns:       2,
	}}
	return c
}

// Path returns the socket path the client dials.
func (c *Client) Path() string { return c.path }

// Close releases idle connections. The client stays usable.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Status returns the daemon's status snapshot.
func (c *Client) Status(ctx context.Context) (api.Status, error) {
	var st api.Status
	err := c.call(ctx, http.MethodGet, "/v1/status", nil, &st)
	return st, err
}

// SyncNow asks the daemon to sync every folder of account ("" for all
// accounts) now.
func (c *Client) SyncNow(ctx context.Context, account string) error {
	return c.call(ctx, http.MethodPost, "/v1/sync", url.Values{"account": {account}}, nil)
}

// SetPaused pauses or resumes all syncing.
func (c *Client) SetPaused(ctx context.Context, paused bool) error {
	p := "/v1/resume"
	if paused {
		p = "/v1/pause"
	}
	return c.call(ctx, http.MethodPost, p, nil, nil)
}

// Conflicts returns the open conflicts.
func (c *Client) Conflicts(ctx context.Context) ([]api.Conflict, error) {
	var cs []api.Conflict
	err := c.call(ctx, http.MethodGet, "/v1/conflicts", nil, &cs)
	return cs, err
}

// Conflict returns one conflict with both versions. An unknown id gives
// an *Error matching fs.ErrNotExist.
func (c *Client) Conflict(ctx context.Context, id int64) (api.Conflict, error) {
	var cf api.Conflict
	err := c.call(ctx, http.MethodGet, "/v1/conflicts/"+strconv.FormatInt(id, 10), nil, &cf)
	return cf, err
}

// ResolveConflict resolves conflict id the way keep says.
func (c *Client) ResolveConflict(ctx context.Context, id int64, keep api.Keep) error {
	p := "/v1/conflicts/" + strconv.FormatInt(id, 10) + "/resolve"
	return c.call(ctx, http.MethodPost, p, url.Values{"keep": {string(keep)}}, nil)
}

// AllowMassDelete lets the next pass of a folder stopped by the
// mass-delete guard go ahead.
func (c *Client) AllowMassDelete(ctx context.Context, account, folder string) error {
	q := url.Values{"account": {account}, "folder": {folder}}
	return c.call(ctx, http.MethodPost, "/v1/mass-delete/allow", q, nil)
}

// Quit asks the daemon to stop. It returns once the daemon has accepted
// the request, not once it has exited.
func (c *Client) Quit(ctx context.Context) error {
	return c.call(ctx, http.MethodPost, "/v1/quit", nil, nil)
}

// call sends one request and decodes a JSON answer into out (if not nil).
func (c *Client) call(ctx context.Context, method, path string, q url.Values, out any) error {
	resp, err := c.send(ctx, method, path, q)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if len(body) > maxResponse {
		return fmt.Errorf("%s %s: answer larger than %d bytes", method, path, maxResponse)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// send performs a request for the escaped path and returns a 2xx response with its body open;
// any other answer becomes an *Error.
func (c *Client) send(ctx context.Context, method, path string, q url.Values) (*http.Response, error) {
	if c.pathErr != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotRunning, c.pathErr)
	}
	// The host is a placeholder: the transport always dials the socket.
	// path is already escaped (a device name may hold a slash).
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	u := url.URL{Scheme: "http", Host: "cradle", Path: unescaped, RawPath: path, RawQuery: q.Encode()}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the placeholder URL
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, fmt.Errorf("%s %s: %w", method, path, readError(resp))
}

// readError turns a failed answer into an *Error, keeping the daemon's
// message when it sent one.
func readError(resp *http.Response) *Error {
	e := &Error{StatusCode: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var eb struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
		e.Message = eb.Error
	} else if b := bytes.TrimSpace(body); len(b) > 0 {
		e.Message = string(b)
	}
	return e
}
