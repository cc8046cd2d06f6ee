package eastest

import (
	"context"
	"net/http"
	"time"
)

// Fault is a failure injected into the next matching requests. The steps
// run in order: Delay, then Cut, or HTTPStatus, or Status.
type Fault struct {
	// Command selects requests by Cmd ("Sync", "Ping", "OPTIONS"…); empty
	// matches any command except OPTIONS, which clients send unprompted.
	Command string
	// Times is how many matching requests the fault affects; 0 means 1.
	Times int
	// Delay holds the request first (released early by Close or when the
	// client disconnects).
	Delay time.Duration
	// Cut closes the connection without an answer.
	Cut bool
	// HTTPStatus answers with this status, Header and no body; e.g. 503
	// with Retry-After, or 451 with X-MS-Location.
	HTTPStatus int
	Header     http.Header
	// Status makes the command answer with this EAS status: Sync 3, 6, 7
	// and 8 per collection, other Sync values at the top level; FolderSync,
	// Ping, GetItemEstimate and Provision in their Status element.
	Status int
	// Limit goes with Status: the HeartbeatInterval of Ping 5, MaxFolders
	// of Ping 6, Limit of Sync 14/15.
	Limit int
}

// Inject queues f; faults apply in the order they were injected.
func (s *Server) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// takeFault consumes one use of the first fault matching cmd.
func (s *Server) takeFault(cmd string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Command != cmd && (f.Command != "" || cmd == "OPTIONS") {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		c := *f
		return &c
	}
	return nil
}

// applyFault runs f's transport-level steps; it reports whether the request
// is finished.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		switch s.wait(r.Context(), nil, t.C, nil, nil) {
		case waitGone:
			return true
		case waitClosed:
			http.Error(w, "server closed", http.StatusServiceUnavailable)
			return true
		}
	}
	switch {
	case f.Cut:
		cutConnection(w)
		return true
	case f.HTTPStatus != 0:
		for k, vs := range f.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(f.HTTPStatus)
		return true
	}
	return false
}

type faultKey struct{}

func withFault(ctx context.Context, f *Fault) context.Context {
	return context.WithValue(ctx, faultKey{}, f)
}

func faultFrom(ctx context.Context) *Fault {
	f, _ := ctx.Value(faultKey{}).(*Fault)
	return f
}
