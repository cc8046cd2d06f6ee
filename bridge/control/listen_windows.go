package control

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/windows"
)

// Windows has no Unix-socket peer credentials, and named pipes need a
// dependency we do not carry, so the daemon listens on loopback TCP and
// writes "<addr>\n<token>\n" to the control file in the user's profile;
// a client proves it may read that file by sending "<token>\n" first.

const (
	probeTimeout = time.Second
	tokenBytes   = 32
)

// Listen listens on a loopback TCP port and publishes it, with a fresh
// token, in the control file at path. If a daemon answers at the address
// an existing control file names, Listen returns a *RunningError;
// otherwise the file is stale and replaced. Closing the listener removes
// the control file if it still names this listener.
func Listen(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("control file %s: %w", path, err)
	}
	if _, err := os.Stat(path); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
		c, err := Dial(ctx, path)
		cancel()
		if err == nil {
			c.Close()
			return nil, &RunningError{Path: path}
		}
	}
	tok := make([]byte, tokenBytes)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("control token: %w", err)
	}
	token := hex.EncodeToString(tok)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("control listener: %w", err)
	}
	content := formatControlFile(ln.Addr().String(), token)
	if err := writeFileAtomic(path, content); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control file %s: %w", path, err)
	}
	return &tokenListener{Listener: ln, path: path, content: content, token: token}, nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Dial reads the control file at path, connects to the daemon and sends
// the token. When no daemon listens the error wraps ErrNotRunning.
func Dial(ctx context.Context, path string) (net.Conn, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %w", ErrNotRunning, err)
	}
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxControlFile+1))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("control file %s: %w", path, err)
	}
	addr, token, err := parseControlFile(data)
	if err != nil {
		return nil, fmt.Errorf("control file %s: %w", path, err)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if errors.Is(err, windows.WSAECONNREFUSED) {
			return nil, fmt.Errorf("%w: %w", ErrNotRunning, err)
		}
		return nil, err
	}
	if _, err := io.WriteString(c, token+"\n"); err != nil {
		c.Close()
		return nil, fmt.Errorf("control handshake: %w", err)
	}
	return c, nil
}

type tokenListener struct {
	net.Listener
	path    string
	content []byte
	token   string
	once    sync.Once
	err     error
}

// Accept returns connections whose first Read checks the token, so a
// slow or silent peer never stalls the accept loop.
func (l *tokenListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &tokenConn{Conn: c, token: l.token}, nil
}

// Close stops listening and removes the control file unless a newer
// daemon already replaced it.
func (l *tokenListener) Close() error {
	l.once.Do(func() {
		l.err = l.Listener.Close()
		if cur, err := os.ReadFile(l.path); err == nil && bytes.Equal(cur, l.content) {
			os.Remove(l.path)
		}
	})
	return l.err
}

// tokenConn is a connection that must present the token before anything
// it sends is read.
type tokenConn struct {
	net.Conn
	token string
	once  sync.Once
	err   error
}

func (c *tokenConn) Read(p []byte) (int, error) {
	c.once.Do(func() { c.err = c.handshake() })
	if c.err != nil {
		return 0, c.err
	}
	return c.Conn.Read(p)
}

func (c *tokenConn) handshake() error {
	// No deadline of its own: http.Server set its header-read deadline
	// before this first Read, and it covers the token line too.
	// Byte by byte so nothing after the newline is consumed.
	var line []byte
	var b [1]byte
	for len(line) <= 2*tokenBytes {
		if _, err := io.ReadFull(c.Conn, b[:]); err != nil {
			c.Conn.Close()
			return fmt.Errorf("control handshake: %w", err)
		}
		if b[0] == '\n' {
			if subtle.ConstantTimeCompare(line, []byte(c.token)) == 1 {
				return nil
			}
			break
		}
		line = append(line, b[0])
	}
	c.Conn.Close()
	return errors.New("control handshake: bad token")
}
