package easclient

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// staleWindow is how soon after the request was written a dropped
// connection counts as one the server had already closed. A connection
// that dies later was cut while the server held the request (a NAT, a
// crash): that is not retried here, the caller must see it.
const staleWindow = time.Second

// staleConnDoer retries a request that failed on a reused keep-alive
// connection before any response arrived, which is what happens when the
// server closed the idle connection without announcing it: SOGo, for one,
// answers HTTP/1.1 without "Connection: close" and then closes every
// connection. net/http cannot retry such a POST by itself, because it cannot
// know the server did not act on it; here we can, since the failure came
// from a connection the server had already given up on.
//
// After the same thing happens twice in a row the doer stops offering
// keep-alive to this server (req.Close), so a server that never keeps
// connections costs one request, not one failed attempt per request.
type staleConnDoer struct {
	next       Doer
	strikes    atomic.Int32
	noKeepOpen atomic.Bool
}

func (d *staleConnDoer) Do(req *http.Request) (*http.Response, error) {
	if d.noKeepOpen.Load() {
		req.Close = true
		return d.next.Do(req)
	}
	var reused bool
	var wrote atomic.Int64
	trace := &httptrace.ClientTrace{
		GotConn:      func(i httptrace.GotConnInfo) { reused = i.Reused },
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(time.Now().UnixNano()) },
	}
	traced := req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := d.next.Do(traced)
	if err == nil {
		if reused {
			d.strikes.Store(0)
		}
		return resp, nil
	}
	quick := wrote.Load() == 0 || time.Since(time.Unix(0, wrote.Load())) < staleWindow
	if !reused || !quick || !connDropped(err) || req.Context().Err() != nil || (req.Body != nil && req.GetBody == nil) {
		return resp, err
	}
	if d.strikes.Add(1) >= 2 {
		d.noKeepOpen.Store(true)
	}
	retry := req.Clone(req.Context())
	if req.GetBody != nil {
		body, berr := req.GetBody()
		if berr != nil {
			return resp, err
		}
		retry.Body = body
	}
	retry.Close = true
	return d.next.Do(retry)
}

func connDropped(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		// net/http's own report of the same race; its error value is
		// unexported, so only the text identifies it.
		strings.Contains(err.Error(), "server closed idle connection")
}
