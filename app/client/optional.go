package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cradle-sync/cradle/bridge/api"
)

// ErrUnsupported reports that the daemon runs but does not offer what
// was asked (it answered 501): an older daemon, or one whose backend
// lacks the activity log, devices or reloading. Errors from Activity,
// Devices, SyncDevice and Reload match it under errors.Is, so a window
// can say "not available" instead of failing.
var ErrUnsupported = errors.New("not supported by the running cradle daemon")

// Activity returns up to limit of the daemon's most recent events,
// oldest first; limit <= 0 asks for every event the daemon keeps.
func (c *Client) Activity(ctx context.Context, limit int) ([]api.Event, error) {
	var q url.Values
	if limit > 0 {
		q = url.Values{"limit": {strconv.Itoa(limit)}}
	}
	var evs []api.Event
	err := c.call(ctx, http.MethodGet, "/v1/activity", q, &evs)
	return evs, err
}

// Devices lists the phones and storage the daemon knows.
func (c *Client) Devices(ctx context.Context) ([]api.Device, error) {
	var ds []api.Device
	err := c.call(ctx, http.MethodGet, "/v1/devices", nil, &ds)
	return ds, err
}

// SyncDevice asks the daemon to reconcile the named paired device now.
// An unknown device gives an *Error matching fs.ErrNotExist (if the
// daemon reports it so).
func (c *Client) SyncDevice(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("sync device: a device name is required")
	}
	return c.call(ctx, http.MethodPost, "/v1/devices/"+url.PathEscape(name)+"/sync", nil, nil)
}

// Reload asks the daemon to re-read its configuration: accounts added
// since it started begin syncing, removed ones stop. It returns once the
// daemon has done so.
func (c *Client) Reload(ctx context.Context) error {
	return c.call(ctx, http.MethodPost, "/v1/reload", nil, nil)
}
