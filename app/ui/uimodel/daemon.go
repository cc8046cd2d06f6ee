package uimodel

import (
	"context"
	"errors"
	"net/http"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
)

// Daemon is what every window needs of the running daemon; *client.Client
// implements it.
type Daemon interface {
	Status(ctx context.Context) (api.Status, error)
	// Watch streams events until ctx ends or the daemon goes away.
	Watch(ctx context.Context) (<-chan api.Event, error)
	SyncNow(ctx context.Context, account string) error
	Conflicts(ctx context.Context) ([]api.Conflict, error)
	Conflict(ctx context.Context, id int64) (api.Conflict, error)
	ResolveConflict(ctx context.Context, id int64, keep api.Keep) error
}

// ActivityLog is implemented by clients of daemons that keep recent
// events (GET /v1/activity). Windows check for it with a type assertion
// and treat Unsupported errors as "no history".
type ActivityLog interface {
	Activity(ctx context.Context, limit int) ([]api.Event, error)
}

// Devices is implemented by clients of daemons that follow phones.
type Devices interface {
	Devices(ctx context.Context) ([]api.Device, error)
	SyncDevice(ctx context.Context, name string) error
}

// Reloader is implemented by clients of daemons that re-read the
// configuration on request.
type Reloader interface {
	Reload(ctx context.Context) error
}

// Unsupported reports whether err says the daemon does not offer the
// endpoint at all (an older daemon): 404 for an unknown route, 405, or
// 501. A 404 about a known object (no such conflict) looks the same on
// the wire, so call it only for list and control endpoints.
func Unsupported(err error) bool {
	if errors.Is(err, client.ErrUnsupported) {
		return true
	}
	var e *client.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.StatusCode {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	}
	return false
}
