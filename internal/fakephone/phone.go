// Package fakephone is the phone end of adb for tests: it listens on a
// loopback port and speaks the adbd transport protocol (CNXN, AUTH, OPEN,
// OKAY, WRTE, CLSE) to a real adb server that was told to
// `adb connect` to it. Its shell runs only what Cradle's adb driver sends —
// Android's `content` command against an in-memory contacts and calendar
// provider, printing exactly what Android prints — and reports exit codes
// through the shell_v2 protocol it advertises.
package fakephone

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
)

// Options configure a Phone.
type Options struct {
	// Model is reported in the connection banner (adb devices -l).
	Model string
	// Unauthorized makes the phone refuse the adb server's keys, as a
	// phone does until the user accepts the computer; Authorize accepts.
	Unauthorized bool
	// NoShellV2 makes the phone advertise no shell_v2 feature, as
	// Android before 7 does.
	NoShellV2 bool
	// SDK is the Android API level `getprop ro.build.version.sdk`
	// reports; 0 means 33. From 30 on, `content` splits --bind values at
	// unescaped colons (so ':' and '\' in values are escaped with '\')
	// and knows the null type "n"; before, the value is everything after
	// the second colon, taken literally.
	SDK int
	// Logger receives protocol errors; nil discards them.
	Logger *slog.Logger
}

// Phone is a running fake phone. Its methods are safe for concurrent use.
type Phone struct {
	opts     Options
	ln       net.Listener
	provider *Provider
	wg       sync.WaitGroup

	mu         sync.Mutex
	authorized bool
	conns      map[*conn]struct{}
	closed     bool
}

// Start listens on 127.0.0.1 at a free port and serves adb connections
// until Close.
func Start(opts Options) (*Phone, error) {
	if opts.Model == "" {
		opts.Model = "Fake_Phone"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fakephone: listen: %w", err)
	}
	if opts.SDK == 0 {
		opts.SDK = 33
	}
	prov := NewProvider()
	prov.sdk = opts.SDK
	p := &Phone{opts: opts, ln: ln, provider: prov, authorized: !opts.Unauthorized,
		conns: map[*conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr returns the "127.0.0.1:port" to `adb connect` to; it is also the
// device serial the adb server reports.
func (p *Phone) Addr() string { return p.ln.Addr().String() }

// Provider returns the phone's contacts and calendar data.
func (p *Phone) Provider() *Provider { return p.provider }

// Authorize plays the user tapping "Allow" on the phone: connections
// waiting for authorization come online.
func (p *Phone) Authorize() {
	p.mu.Lock()
	p.authorized = true
	var waiting []*conn
	for c := range p.conns {
		waiting = append(waiting, c)
	}
	p.mu.Unlock()
	for _, c := range waiting {
		c.authorize()
	}
}

// Close stops listening, drops every connection (the adb server sees the
// phone go away) and waits for all goroutines to end.
func (p *Phone) Close() error {
	p.mu.Lock()
	p.closed = true
	conns := make([]*conn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	err := p.ln.Close()
	for _, c := range conns {
		c.nc.Close()
	}
	p.wg.Wait()
	return err
}

func (p *Phone) accept() {
	defer p.wg.Done()
	for {
		nc, err := p.ln.Accept()
		if err != nil {
			return
		}
		c := &conn{phone: p, nc: nc, streams: map[uint32]chan message{}, maxData: 4096}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			nc.Close()
			return
		}
		p.conns[c] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			err := c.serve()
			if err != nil && !errors.Is(err, net.ErrClosed) {
				p.opts.Logger.Debug("fakephone connection ended", "err", err)
			}
			p.mu.Lock()
			delete(p.conns, c)
			p.mu.Unlock()
		}()
	}
}

// conn is one adb server connection. serve reads messages; each open
// stream runs in its own goroutine and receives the OKAY/CLSE messages
// addressed to it through its channel.
type conn struct {
	phone *Phone
	nc    net.Conn

	wmu sync.Mutex // serialises writes to nc

	mu        sync.Mutex
	online    bool // CNXN sent
	pendingPK bool // host sent its public key, awaiting Authorize
	maxData   uint32
	nextID    uint32
	streams   map[uint32]chan message
	wg        sync.WaitGroup
}

func (c *conn) send(m message) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return writeMessage(c.nc, m)
}

func (c *conn) banner() []byte {
	features := "shell_v2,cmd"
	if c.phone.opts.NoShellV2 {
		features = "cmd"
	}
	return []byte(fmt.Sprintf("device::ro.product.name=cradlefake;ro.product.model=%s;ro.product.device=fake;features=%s",
		c.phone.opts.Model, features))
}

func (c *conn) goOnline() error {
	c.mu.Lock()
	if c.online {
		c.mu.Unlock()
		return nil
	}
	c.online = true
	c.mu.Unlock()
	return c.send(message{cmd: cmdCNXN, arg0: protocolVersion, arg1: maxPayload, data: c.banner()})
}

func (c *conn) authorize() {
	c.mu.Lock()
	pending := c.pendingPK
	c.mu.Unlock()
	if pending {
		_ = c.goOnline()
	}
}

func (c *conn) sendToken() error {
	token := make([]byte, 20)
	_, _ = rand.Read(token)
	return c.send(message{cmd: cmdAUTH, arg0: authToken, data: token})
}

func (c *conn) serve() error {
	defer c.nc.Close()
	defer func() {
		c.mu.Lock()
		for id, ch := range c.streams {
			close(ch)
			delete(c.streams, id)
		}
		c.mu.Unlock()
		c.wg.Wait()
	}()
	for {
		m, err := readMessage(c.nc)
		if err != nil {
			return err
		}
		switch m.cmd {
		case cmdCNXN:
			c.mu.Lock()
			if m.arg1 > 0 {
				c.maxData = min(m.arg1, maxPayload)
			}
			c.mu.Unlock()
			c.phone.mu.Lock()
			ok := c.phone.authorized
			c.phone.mu.Unlock()
			if ok {
				err = c.goOnline()
			} else {
				err = c.sendToken()
			}
		case cmdAUTH:
			switch m.arg0 {
			case authSignature:
				// A phone that does not know the key asks again; the
				// host then offers its public key.
				c.phone.mu.Lock()
				ok := c.phone.authorized
				c.phone.mu.Unlock()
				if ok {
					err = c.goOnline()
				} else {
					err = c.sendToken()
				}
			case authRSAPublicKey:
				c.mu.Lock()
				c.pendingPK = true
				c.mu.Unlock()
				c.phone.mu.Lock()
				ok := c.phone.authorized
				c.phone.mu.Unlock()
				if ok {
					err = c.goOnline()
				}
			}
		case cmdOPEN:
			err = c.open(m)
		case cmdOKAY, cmdCLSE, cmdWRTE:
			c.mu.Lock()
			ch := c.streams[m.arg1]
			if m.cmd == cmdCLSE && ch != nil {
				delete(c.streams, m.arg1)
			}
			c.mu.Unlock()
			if m.cmd == cmdWRTE {
				// Input (stdin) is accepted and ignored.
				err = c.send(message{cmd: cmdOKAY, arg0: m.arg1, arg1: m.arg0})
			}
			if ch != nil {
				if m.cmd == cmdCLSE {
					close(ch)
				} else if m.cmd == cmdOKAY {
					select {
					case ch <- m:
					default:
					}
				}
			}
		}
		if err != nil {
			return err
		}
	}
}

// open starts a stream for an OPEN("service\0").
func (c *conn) open(m message) error {
	c.mu.Lock()
	if !c.online {
		c.mu.Unlock()
		return c.send(message{cmd: cmdCLSE, arg0: 0, arg1: m.arg0})
	}
	c.nextID++
	local := c.nextID
	ch := make(chan message, 1)
	c.streams[local] = ch
	maxData := c.maxData
	c.mu.Unlock()
	service := string(bytes.TrimRight(m.data, "\x00"))
	remote := m.arg0

	v2, command, ok := parseService(service, !c.phone.opts.NoShellV2)
	if !ok {
		c.mu.Lock()
		delete(c.streams, local)
		c.mu.Unlock()
		return c.send(message{cmd: cmdCLSE, arg0: 0, arg1: remote})
	}
	if err := c.send(message{cmd: cmdOKAY, arg0: local, arg1: remote}); err != nil {
		return err
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		stdout, stderr, code := c.phone.run(command)
		var out []byte
		if v2 {
			if len(stdout) > 0 {
				out = append(out, shellPacket(shellStdout, stdout)...)
			}
			if len(stderr) > 0 {
				out = append(out, shellPacket(shellStderr, stderr)...)
			}
			out = append(out, shellPacket(shellExit, []byte{byte(code)})...)
		} else {
			out = append(stdout, stderr...)
		}
		for len(out) > 0 {
			n := min(len(out), int(maxData))
			if err := c.send(message{cmd: cmdWRTE, arg0: local, arg1: remote, data: out[:n]}); err != nil {
				return
			}
			out = out[n:]
			// Flow control: one WRTE in flight until the host's OKAY.
			if _, ok := <-ch; !ok {
				return
			}
		}
		_ = c.send(message{cmd: cmdCLSE, arg0: local, arg1: remote})
	}()
	return nil
}

// parseService understands "shell:cmd", "shell,v2,raw:cmd" and
// "shell,raw:cmd"; v2 reports whether output is framed as shell_v2.
func parseService(s string, haveV2 bool) (v2 bool, command string, ok bool) {
	head, cmd, found := strings.Cut(s, ":")
	if !found {
		return false, "", false
	}
	args := strings.Split(head, ",")
	if args[0] != "shell" {
		return false, "", false
	}
	for _, a := range args[1:] {
		switch a {
		case "v2":
			if !haveV2 {
				return false, "", false
			}
			v2 = true
		case "raw", "pty":
		default:
			if !strings.HasPrefix(a, "TERM=") {
				return false, "", false
			}
		}
	}
	return v2, cmd, true
}
