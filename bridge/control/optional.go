package control

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/cradle-sync/cradle/bridge/api"
)

// maxActivityLimit bounds the limit a client may ask for; the backend
// keeps fewer events than this anyway.
const maxActivityLimit = 100000

// notImplemented is the answer for a route whose optional interface
// the Backend lacks: the daemon is up but cannot do this (an older
// engine, or one built without phone support).
func notImplemented(what string) error {
	return &statusError{http.StatusNotImplemented, "this daemon does not support " + what}
}

func (s *Server) serveActivity(w http.ResponseWriter, r *http.Request) error {
	al, ok := s.Backend.(api.ActivityLog)
	if !ok {
		return notImplemented("the activity log")
	}
	limit := 0
	if raw := r.URL.Query().Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > maxActivityLimit {
			return badRequest(fmt.Sprintf("limit must be a number from 0 (everything kept) to %d, not %q", maxActivityLimit, raw))
		}
		limit = n
	}
	evs, err := al.Activity(r.Context(), limit)
	if err != nil {
		return fmt.Errorf("activity: %w", err)
	}
	if limit > 0 && len(evs) > limit {
		// The contract says "up to limit"; keep the newest if a backend
		// returns more.
		evs = evs[len(evs)-limit:]
	}
	if evs == nil {
		evs = []api.Event{}
	}
	writeJSON(w, http.StatusOK, evs)
	return nil
}

func (s *Server) serveDevices(w http.ResponseWriter, r *http.Request) error {
	dev, ok := s.Backend.(api.DeviceBackend)
	if !ok {
		return notImplemented("devices")
	}
	ds, err := dev.Devices(r.Context())
	if err != nil {
		return fmt.Errorf("devices: %w", err)
	}
	if ds == nil {
		ds = []api.Device{}
	}
	writeJSON(w, http.StatusOK, ds)
	return nil
}

func (s *Server) serveSyncDevice(w http.ResponseWriter, r *http.Request) error {
	dev, ok := s.Backend.(api.DeviceBackend)
	if !ok {
		return notImplemented("devices")
	}
	name := r.PathValue("name")
	if name == "" {
		return badRequest("a device name is required")
	}
	if err := dev.SyncDevice(r.Context(), name); err != nil {
		return fmt.Errorf("sync device %q: %w", name, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) serveReload(w http.ResponseWriter, r *http.Request) error {
	rl, ok := s.Backend.(api.Reloader)
	if !ok {
		return notImplemented("reloading the configuration")
	}
	if err := rl.Reload(r.Context()); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
