package easclient

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// closingServer answers each HTTP request on a connection and then closes
// it without "Connection: close", as sogod does. hold delays the answer.
func closingServer(t *testing.T, hold time.Duration, answered *atomic.Int32) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				req.Body.Close()
				if hold > 0 {
					time.Sleep(hold)
					return // cut instead of answering
				}
				answered.Add(1)
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
				// Give the client time to pool the connection before it dies.
				time.Sleep(20 * time.Millisecond)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

func TestStaleConnectionRetriedOnce(t *testing.T) {
	var answered atomic.Int32
	url := closingServer(t, 0, &answered)
	d := &staleConnDoer{next: &http.Client{}}
	for i := 0; i < 5; i++ {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte("body")))
		resp, err := d.Do(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		resp.Body.Close()
		time.Sleep(40 * time.Millisecond) // the server has closed the idle connection by now
	}
	if answered.Load() != 5 {
		t.Fatalf("server answered %d requests, want exactly 5 (no duplicates)", answered.Load())
	}
}

// resettingDoer plays a server that resets every reused connection at once.
type resettingDoer struct{ calls, closes int }

func (r *resettingDoer) Do(req *http.Request) (*http.Response, error) {
	r.calls++
	if req.Close {
		r.closes++
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	}
	if tr := httptrace.ContextClientTrace(req.Context()); tr != nil {
		tr.GotConn(httptrace.GotConnInfo{Reused: true, WasIdle: true})
		tr.WroteRequest(httptrace.WroteRequestInfo{})
	}
	return nil, &net.OpError{Op: "read", Err: syscall.ECONNRESET}
}

func TestStaleConnectionStopsOfferingKeepAlive(t *testing.T) {
	next := &resettingDoer{}
	d := &staleConnDoer{next: next}
	for i := 0; i < 4; i++ {
		req, _ := http.NewRequest(http.MethodPost, "http://example.test/", bytes.NewReader([]byte("x")))
		if _, err := d.Do(req); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	// Two strikes (each a failed try plus a retry), then straight to Close.
	if next.calls != 6 || next.closes != 4 {
		t.Fatalf("calls=%d closes=%d, want 6 and 4", next.calls, next.closes)
	}
}

func TestHeldRequestCutIsNotRetried(t *testing.T) {
	var answered atomic.Int32
	url := closingServer(t, 1500*time.Millisecond, &answered)
	d := &staleConnDoer{next: &http.Client{}}
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("ping"))
	start := time.Now()
	_, err := d.Do(req)
	if err == nil {
		t.Fatal("a cut request reported success")
	}
	if time.Since(start) > 2500*time.Millisecond || !connDropped(errors.Unwrap(err)) && !connDropped(err) {
		t.Fatalf("cut reported after %v as %v; want one attempt ending in a dropped connection", time.Since(start), err)
	}
}

func TestServerClosedIdleCountsAsDropped(t *testing.T) {
	if !connDropped(errors.New(`Post "http://x/": http: server closed idle connection`)) {
		t.Fatal("net/http's closed-idle error is not recognised as a dropped connection")
	}
}
