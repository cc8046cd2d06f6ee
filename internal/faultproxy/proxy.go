// Package faultproxy is a TCP proxy for tests that puts a misbehaving
// network between a client and a real server: it can cut every connection,
// swallow traffic without a word (the NAT that silently forgets a
// connection), refuse new connections, and add latency. It also counts the
// bytes that cross it, which is how idle cost is measured on the wire.
package faultproxy

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Mode is how the proxy treats traffic.
type Mode int

const (
	// Pass forwards everything.
	Pass Mode = iota
	// BlackHole accepts connections and reads what is sent, but forwards
	// nothing in either direction and never closes: packets vanish.
	BlackHole
	// Refuse closes new connections at once, as an unreachable server
	// would; existing ones keep working.
	Refuse
)

// Proxy forwards connections from Addr to a target address.
type Proxy struct {
	// Addr is the proxy's listening address (host:port on loopback).
	Addr string

	target string
	ln     net.Listener
	wg     sync.WaitGroup

	up, down atomic.Int64 // bytes client→server, server→client

	mu      sync.Mutex // guards the fields below
	mode    Mode
	latency time.Duration
	conns   map[*link]struct{}
	closed  bool
}

type link struct {
	client net.Conn

	mu     sync.Mutex // guards server and closed
	server net.Conn
	closed bool
}

func (l *link) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.closed = true
	l.client.Close()
	if l.server != nil {
		l.server.Close()
	}
}

// setServer attaches the server side, or reports false (and closes s) if
// the link was cut while it was being dialled.
func (l *link) setServer(s net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		s.Close()
		return false
	}
	l.server = s
	return true
}

// Start listens on a free loopback port and forwards to target.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln, conns: map[*link]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// SetMode switches how new and existing traffic is treated.
func (p *Proxy) SetMode(m Mode) {
	p.mu.Lock()
	p.mode = m
	p.mu.Unlock()
}

// SetLatency delays every forwarded chunk by d.
func (p *Proxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	p.latency = d
	p.mu.Unlock()
}

// CutAll resets every open connection (both sides see a reset or EOF). It
// returns how many were cut.
func (p *Proxy) CutAll() int {
	p.mu.Lock()
	links := make([]*link, 0, len(p.conns))
	for l := range p.conns {
		links = append(links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		if tc, ok := l.client.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST, not FIN
		}
		l.close()
	}
	return len(links)
}

// Open returns the number of open connections.
func (p *Proxy) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// Bytes returns the bytes forwarded so far, client→server and back.
func (p *Proxy) Bytes() (up, down int64) { return p.up.Load(), p.down.Load() }

// Close stops listening, closes every connection and waits for the
// proxy's goroutines to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	err := p.ln.Close()
	p.CutAll()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		mode, closed := p.mode, p.closed
		p.mu.Unlock()
		if closed || mode == Refuse {
			c.Close()
			continue
		}
		l := &link{client: c}
		p.mu.Lock()
		p.conns[l] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(1)
		go p.serve(l)
	}
}

func (p *Proxy) serve(l *link) {
	defer p.wg.Done()
	defer func() {
		l.close()
		p.mu.Lock()
		delete(p.conns, l)
		p.mu.Unlock()
	}()
	s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		return
	}
	if !l.setServer(s) {
		return
	}
	p.mu.Lock()
	gone := p.closed
	p.mu.Unlock()
	if gone {
		return // Close cuts every link, this one included
	}
	done := make(chan struct{}, 2)
	go func() { p.pipe(s, l.client, &p.up); done <- struct{}{} }()
	go func() { p.pipe(l.client, s, &p.down); done <- struct{}{} }()
	<-done
	l.close()
	<-done
}

// pipe copies src to dst chunk by chunk, applying the mode and latency in
// force when each chunk arrives.
func (p *Proxy) pipe(dst, src net.Conn, n *atomic.Int64) {
	buf := make([]byte, 32<<10)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			p.mu.Lock()
			mode, lat := p.mode, p.latency
			p.mu.Unlock()
			if lat > 0 {
				time.Sleep(lat)
			}
			if mode != BlackHole {
				if _, werr := dst.Write(buf[:k]); werr != nil {
					return
				}
				n.Add(int64(k))
			}
		}
		if err != nil {
			return // EOF or a cut: either way this direction is done
		}
	}
}
