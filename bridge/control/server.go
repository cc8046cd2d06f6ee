package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
)

// Perm is what a peer may do; each route requires one.
type Perm uint8

// Permissions.
const (
	PermRead  Perm = 1 << iota // look: status, conflicts, events
	PermWrite                  // act: sync, pause, resolve, quit
	PermAll   = PermRead | PermWrite
)

const (
	defaultStreamWriteTimeout = 10 * time.Second
	// shutdownGrace is how long Serve lets in-flight requests finish
	// after its context ends before cutting connections.
	shutdownGrace = 2 * time.Second
	// maxBody bounds request bodies: no route takes one, so anything
	// beyond a stray newline is refused.
	maxBody = 4 << 10
)

// Server serves the control API for a Backend. Set its fields before
// calling Serve and do not change them after.
type Server struct {
	// Backend answers every route. Required.
	Backend api.Backend
	// Logger receives refused connections and failed requests; nil means
	// slog.Default().
	Logger *slog.Logger
	// PeerUID reports the user id of the process at the other end of a
	// connection. Nil asks the kernel (SO_PEERCRED, LOCAL_PEERCRED); on
	// Windows, connections that passed the token handshake count as the
	// owner. An error refuses the connection's requests.
	PeerUID func(net.Conn) (int, error)
	// Permit says what a peer uid may do. Nil grants PermAll to the
	// daemon's own uid and nothing to anyone else.
	Permit func(uid int) Perm
	// StreamWriteTimeout bounds how long one event may take to reach a
	// watcher; a watcher that stops reading for longer is disconnected so
	// it holds no subscription. Zero means 10s.
	StreamWriteTimeout time.Duration
}

// Serve serves the control API for backend on ln with the default
// policy: only the daemon's own user may connect. See Server.Serve.
func Serve(ctx context.Context, ln net.Listener, backend api.Backend) error {
	s := &Server{Backend: backend}
	return s.Serve(ctx, ln)
}

// Serve answers requests on ln until ctx ends, then stops accepting,
// ends event streams, lets other requests finish for a short grace
// period, closes every connection and ln, and returns nil. It returns an
// error if ln fails first. Request contexts derive from ctx, so backend
// calls see the shutdown too. The Server keeps no state of its own, so
// Serve may run on several listeners at once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.Backend == nil {
		ln.Close()
		return errors.New("control: Server.Backend is nil")
	}
	log := s.logger()
	srv := &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ConnContext:       s.identify,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		srv.Close()
		return fmt.Errorf("control: serve: %w", err)
	case <-ctx.Done():
	}
	// ctx is done, so every request context is too: streams return and
	// backend calls unwind; the grace covers writing their answers.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("control: requests outlived shutdown grace", "err", err)
		srv.Close()
	}
	<-errc // http.ErrServerClosed once Serve has returned
	return nil
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

type peerKey struct{}

// peer is who is on a connection, found once when it is accepted.
type peer struct {
	uid int
	err error
}

// identify is the http.Server's ConnContext: it asks who the peer is so
// each request can be checked against its route's permission.
func (s *Server) identify(ctx context.Context, c net.Conn) context.Context {
	var p peer
	if s.PeerUID != nil {
		p.uid, p.err = s.PeerUID(c)
	} else {
		cr, err := peerCred(c)
		p.uid, p.err = cr.uid, err
	}
	if p.err != nil {
		s.logger().Warn("control: cannot identify peer", "err", p.err)
	}
	return context.WithValue(ctx, peerKey{}, p)
}

// permits reports what the request's peer may do.
func (s *Server) permits(r *http.Request) (Perm, error) {
	p, ok := r.Context().Value(peerKey{}).(peer)
	if !ok {
		return 0, errNoCred // not served through Serve
	}
	if p.err != nil {
		return 0, p.err
	}
	if s.Permit != nil {
		return s.Permit(p.uid), nil
	}
	if p.uid == os.Getuid() {
		return PermAll, nil
	}
	return 0, fmt.Errorf("uid %d is not the daemon's user", p.uid)
}
