package control

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/cradle-sync/cradle/bridge/api"
)

// route is one endpoint: the method it answers, the permission it needs
// and the handler. Handlers that return an error have written nothing;
// the error becomes the JSON answer.
type route struct {
	method string
	perm   Perm
	serve  func(s *Server, w http.ResponseWriter, r *http.Request) error
}

// routes maps http.ServeMux path patterns to endpoints. The method is
// checked here rather than in the pattern so a wrong method gets a JSON
// 405 and not the mux's plain-text one.
var routes = map[string]route{
	"/v1/status":                 {http.MethodGet, PermRead, (*Server).serveStatus},
	"/v1/sync":                   {http.MethodPost, PermWrite, (*Server).serveSync},
	"/v1/pause":                  {http.MethodPost, PermWrite, (*Server).servePause},
	"/v1/resume":                 {http.MethodPost, PermWrite, (*Server).serveResume},
	"/v1/conflicts":              {http.MethodGet, PermRead, (*Server).serveConflicts},
	"/v1/conflicts/{id}":         {http.MethodGet, PermRead, (*Server).serveConflict},
	"/v1/conflicts/{id}/resolve": {http.MethodPost, PermWrite, (*Server).serveResolve},
	"/v1/mass-delete/allow":      {http.MethodPost, PermWrite, (*Server).serveAllowMassDelete},
	"/v1/events":                 {http.MethodGet, PermRead, (*Server).serveEvents},
	"/v1/quit":                   {http.MethodPost, PermWrite, (*Server).serveQuit},
	// Optional: 501 when the Backend lacks the interface (optional.go).
	"/v1/activity":            {http.MethodGet, PermRead, (*Server).serveActivity},
	"/v1/devices":             {http.MethodGet, PermRead, (*Server).serveDevices},
	"/v1/devices/{name}/sync": {http.MethodPost, PermWrite, (*Server).serveSyncDevice},
	"/v1/reload":              {http.MethodPost, PermWrite, (*Server).serveReload},
}

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	for pattern, rt := range routes {
		mux.Handle(pattern, s.guard(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if s.authorize(w, r, 0) {
			writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
		}
	})
	return mux
}

// authorize answers 403 and reports false unless the request's peer is
// known, has some permission, and has all of need. It runs before
// anything else so a refused peer learns nothing about the API.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, need Perm) bool {
	perm, err := s.permits(r)
	if err == nil && (perm == 0 || perm&need != need) {
		err = fmt.Errorf("permission denied for %s %s", r.Method, r.URL.Path)
	}
	if err != nil {
		s.logger().Warn("control: request refused", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusForbidden, err.Error())
		return false
	}
	return true
}

// guard checks permission, method and body size before running rt.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorize(w, r, rt.perm) {
			return
		}
		if r.Method != rt.method {
			w.Header().Set("Allow", rt.method)
			writeError(w, http.StatusMethodNotAllowed, r.Method+" not allowed; use "+rt.method)
			return
		}
		if r.ContentLength > maxBody {
			writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := rt.serve(s, w, r); err != nil {
			code := statusOf(err)
			// 501 is the client asking an older daemon: not a failure.
			if code >= 500 && code != http.StatusNotImplemented {
				s.logger().Error("control: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeError(w, code, err.Error())
		}
	})
}

func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Backend.Status(r.Context())
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if st.Accounts == nil {
		st.Accounts = []api.Account{} // a list, never null, for scripts reading --json
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) serveSync(w http.ResponseWriter, r *http.Request) error {
	account := r.URL.Query().Get("account")
	if err := s.Backend.SyncNow(r.Context(), account); err != nil {
		return fmt.Errorf("sync %q: %w", account, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) servePause(w http.ResponseWriter, r *http.Request) error {
	return s.setPaused(w, r, true)
}

func (s *Server) serveResume(w http.ResponseWriter, r *http.Request) error {
	return s.setPaused(w, r, false)
}

func (s *Server) setPaused(w http.ResponseWriter, r *http.Request, paused bool) error {
	if err := s.Backend.SetPaused(r.Context(), paused); err != nil {
		return fmt.Errorf("set paused %t: %w", paused, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) serveConflicts(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Backend.Conflicts(r.Context())
	if err != nil {
		return fmt.Errorf("conflicts: %w", err)
	}
	if cs == nil {
		cs = []api.Conflict{}
	}
	writeJSON(w, http.StatusOK, cs)
	return nil
}

func (s *Server) serveConflict(w http.ResponseWriter, r *http.Request) error {
	id, err := conflictID(r)
	if err != nil {
		return err
	}
	c, err := s.Backend.Conflict(r.Context(), id)
	if err != nil {
		return fmt.Errorf("conflict %d: %w", id, err)
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) serveResolve(w http.ResponseWriter, r *http.Request) error {
	id, err := conflictID(r)
	if err != nil {
		return err
	}
	keep := api.Keep(r.URL.Query().Get("keep"))
	switch keep {
	case api.KeepLocal, api.KeepServer, api.KeepBoth:
	default:
		return badRequest(fmt.Sprintf("keep must be local, server or both, not %q", keep))
	}
	if err := s.Backend.ResolveConflict(r.Context(), id, keep); err != nil {
		return fmt.Errorf("resolve conflict %d: %w", id, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) serveAllowMassDelete(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	account, folder := q.Get("account"), q.Get("folder")
	if account == "" || folder == "" {
		return badRequest("account and folder are required")
	}
	if err := s.Backend.AllowMassDelete(r.Context(), account, folder); err != nil {
		return fmt.Errorf("allow mass delete %s/%s: %w", account, folder, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) serveQuit(w http.ResponseWriter, r *http.Request) error {
	if err := s.Backend.Quit(r.Context()); err != nil {
		return fmt.Errorf("quit: %w", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func conflictID(r *http.Request) (int64, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest(fmt.Sprintf("bad conflict id %q", raw))
	}
	return id, nil
}
