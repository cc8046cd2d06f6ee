package adb

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
)

// Bounds on what we read from the adb server and the phone.
const (
	// MaxOutput is the most shell output (stdout plus stderr) read from
	// one command; a phone with more data than this is refused rather
	// than buffered without limit.
	MaxOutput = 64 << 20
	// maxMessage bounds a length-prefixed server message (4 hex digits
	// already cap it at 65535).
	maxMessage = 0xffff
)

// ServerAddr returns the adb server address the adb tool would use:
// ADB_SERVER_SOCKET ("tcp:HOST:PORT"), else 127.0.0.1 with
// ANDROID_ADB_SERVER_PORT or 5037.
func ServerAddr() string {
	if s := os.Getenv("ADB_SERVER_SOCKET"); strings.HasPrefix(s, "tcp:") {
		return strings.TrimPrefix(s, "tcp:")
	}
	port := "5037"
	if p := os.Getenv("ANDROID_ADB_SERVER_PORT"); p != "" {
		port = p
	}
	return net.JoinHostPort("127.0.0.1", port)
}

// client speaks the adb server's "smart socket" protocol: each request is
// a 4-hex-digit length and a service name; the server answers OKAY or FAIL
// followed by a length-prefixed message.
type client struct {
	addr string
}

// ServerError is a FAIL answer from the adb server.
type ServerError struct {
	Request string
	Message string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("adb server: %s: %s", e.Request, e.Message)
}

// Is makes FAIL answers about unauthorized or vanished devices match
// device.ErrUnauthorized and device.ErrGone.
func (e *ServerError) Is(target error) bool {
	switch target {
	case device.ErrUnauthorized:
		return strings.Contains(e.Message, "unauthorized")
	case device.ErrGone:
		return strings.Contains(e.Message, "not found") || strings.Contains(e.Message, "offline")
	}
	return false
}

func (c *client) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, fmt.Errorf("adb server %s: %w", c.addr, err)
	}
	// Close the connection when ctx ends so blocked reads return.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	return &ctxConn{Conn: conn, stop: stop}, nil
}

type ctxConn struct {
	net.Conn
	stop func() bool
}

func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// request sends one service request and reads the OKAY/FAIL status.
func request(conn net.Conn, r *bufio.Reader, service string) error {
	if len(service) > maxMessage {
		return fmt.Errorf("adb request too long (%d bytes)", len(service))
	}
	if _, err := fmt.Fprintf(conn, "%04x%s", len(service), service); err != nil {
		return fmt.Errorf("adb request %s: %w", service, err)
	}
	var status [4]byte
	if _, err := io.ReadFull(r, status[:]); err != nil {
		return fmt.Errorf("adb request %s: %w", service, err)
	}
	switch string(status[:]) {
	case "OKAY":
		return nil
	case "FAIL":
		msg, err := readMessage(r)
		if err != nil {
			return fmt.Errorf("adb request %s: reading FAIL message: %w", service, err)
		}
		return &ServerError{Request: service, Message: string(msg)}
	}
	return fmt.Errorf("adb request %s: unexpected status %q", service, status[:])
}

// readMessage reads a 4-hex-digit length and that many bytes.
func readMessage(r io.Reader) ([]byte, error) {
	var hexLen [4]byte
	if _, err := io.ReadFull(r, hexLen[:]); err != nil {
		return nil, err
	}
	n, err := strconv.ParseUint(string(hexLen[:]), 16, 32)
	if err != nil {
		return nil, fmt.Errorf("bad length %q", hexLen[:])
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// query sends a host request that answers with one message.
func (c *client) query(ctx context.Context, service string) ([]byte, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	if err := request(conn, r, service); err != nil {
		return nil, err
	}
	msg, err := readMessage(r)
	if err != nil {
		return nil, fmt.Errorf("adb %s: %w", service, err)
	}
	return msg, nil
}

// features returns the device's feature list (shell_v2, cmd, …).
func (c *client) features(ctx context.Context, serial string) (map[string]bool, error) {
	msg, err := c.query(ctx, "host-serial:"+serial+":features")
	if err != nil {
		return nil, err
	}
	f := map[string]bool{}
	for _, s := range strings.Split(strings.TrimSpace(string(msg)), ",") {
		f[s] = true
	}
	return f, nil
}

// shellResult is what one shell command produced.
type shellResult struct {
	stdout, stderr []byte
	exit           int
}

// shell runs command on the device. With shell_v2 the exit status and
// stderr come back framed; without it, stdout and stderr are mixed and the
// exit status is recovered from an echo appended to the command.
func (c *client) shell(ctx context.Context, serial string, v2 bool, command string) (shellResult, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return shellResult{}, err
	}
	defer conn.Close()
	r := bufio.NewReaderSize(conn, 64<<10)
	if err := request(conn, r, "host:transport:"+serial); err != nil {
		return shellResult{}, err
	}
	if !v2 {
		if err := request(conn, r, "shell:"+command+"; echo CRADLE_EXIT:$?"); err != nil {
			return shellResult{}, err
		}
		return readLegacy(r)
	}
	if err := request(conn, r, "shell,v2,raw:"+command); err != nil {
		return shellResult{}, err
	}
	return readShellV2(r)
}

func readLegacy(r io.Reader) (shellResult, error) {
	out, err := io.ReadAll(io.LimitReader(r, MaxOutput+1))
	if err != nil {
		return shellResult{}, fmt.Errorf("adb shell: %w", err)
	}
	if len(out) > MaxOutput {
		return shellResult{}, fmt.Errorf("adb shell: output exceeds %d bytes", MaxOutput)
	}
	// Old adbd runs commands on a pty, which turns \n into \r\n.
	out = bytes.ReplaceAll(out, []byte("\r\n"), []byte("\n"))
	res := shellResult{exit: -1}
	if i := bytes.LastIndex(out, []byte("CRADLE_EXIT:")); i >= 0 {
		code, convErr := strconv.Atoi(strings.TrimSpace(string(out[i+len("CRADLE_EXIT:"):])))
		if convErr == nil {
			res.exit = code
		}
		out = out[:i]
	}
	res.stdout = out
	return res, nil
}

// readShellV2 reads shell_v2 packets (id byte, LE32 length, data) until
// the exit packet or EOF.
func readShellV2(r io.Reader) (shellResult, error) {
	res := shellResult{exit: -1}
	var hdr [5]byte
	total := 0
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) && res.exit >= 0 {
				return res, nil
			}
			return res, fmt.Errorf("adb shell_v2: stream ended before exit status: %w", err)
		}
		n := int(binary.LittleEndian.Uint32(hdr[1:]))
		total += n
		if n < 0 || total > MaxOutput {
			return res, fmt.Errorf("adb shell_v2: output exceeds %d bytes", MaxOutput)
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(r, data); err != nil {
			return res, fmt.Errorf("adb shell_v2: %w", err)
		}
		switch hdr[0] {
		case 1:
			res.stdout = append(res.stdout, data...)
		case 2:
			res.stderr = append(res.stderr, data...)
		case 3:
			if len(data) > 0 {
				res.exit = int(data[0])
			}
			return res, nil
		}
	}
}

// deviceState is one line of host:devices / host:track-devices.
type deviceState struct {
	serial, state string
}

func parseDeviceList(msg []byte) []deviceState {
	var out []deviceState
	for _, line := range strings.Split(string(msg), "\n") {
		serial, state, ok := strings.Cut(line, "\t")
		if !ok || serial == "" {
			continue
		}
		out = append(out, deviceState{serial: serial, state: strings.TrimSpace(state)})
	}
	return out
}

// labels returns each device's model from host:devices-l, with
// underscores turned back into spaces.
func (c *client) labels(ctx context.Context) (map[string]string, error) {
	msg, err := c.query(ctx, "host:devices-l")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(msg), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		for _, kv := range f[2:] {
			if m, ok := strings.CutPrefix(kv, "model:"); ok {
				out[f[0]] = strings.ReplaceAll(m, "_", " ")
			}
		}
	}
	return out, nil
}

// track calls fn with the full device list every time it changes, until
// ctx ends or the server connection fails.
func (c *client) track(ctx context.Context, fn func([]deviceState)) error {
	conn, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	if err := request(conn, r, "host:track-devices"); err != nil {
		return err
	}
	for {
		msg, err := readMessage(r)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("adb track-devices: %w", err)
		}
		fn(parseDeviceList(msg))
	}
}

// backoff returns the wait before reconnect attempt n.
func backoff(n int) time.Duration {
	d := 500 * time.Millisecond << min(n, 6)
	return min(d, 30*time.Second)
}
