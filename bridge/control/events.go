package control

import (
	"encoding/json"
	"net/http"
	"time"
)

// serveEvents streams the backend's events as newline-delimited JSON
// until the client leaves, the server shuts down, or the backend closes
// the subscription. Each event is flushed as it comes. A client that
// stops reading blocks only its own handler, and only until
// StreamWriteTimeout: the backend drops events for a full subscription
// (its contract), and the timeout then ends the subscription.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	// Subscribe before answering, so a client that has the response
	// headers knows no later event is missed.
	events := s.Backend.Subscribe(ctx)
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return nil // headers sent or client gone: nothing left to answer
	}
	timeout := s.StreamWriteTimeout
	if timeout <= 0 {
		timeout = defaultStreamWriteTimeout
	}
	// The connection may carry later requests; leave no deadline behind.
	defer rc.SetWriteDeadline(time.Time{})
	enc := json.NewEncoder(w)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			if err := rc.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
				return nil
			}
			if err := enc.Encode(ev); err != nil {
				s.logger().Debug("control: event watcher dropped", "err", err)
				return nil
			}
			if err := rc.Flush(); err != nil {
				s.logger().Debug("control: event watcher dropped", "err", err)
				return nil
			}
		}
	}
}
