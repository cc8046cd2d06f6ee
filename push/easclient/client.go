package easclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/internal/wbxml"
)

const (
	contentType = "application/vnd.ms-sync.wbxml"

	// DefaultTimeout bounds commands other than Ping.
	DefaultTimeout = 2 * time.Minute
	// DefaultMaxResponse bounds a response body. A Sync window of 100
	// contacts with 48 KB photos (the size EAS servers are asked to keep
	// to) is under 5 MB. Applying a window costs about six times its size
	// (decoded tokens, the local files, the state rows), so 16 MB keeps
	// Cradle under 200 MB whatever the server sends; the bomb tests
	// measure it.
	DefaultMaxResponse = 16 << 20

	maxRedirects = 3

	// maxString bounds one string of a response: a contact photo of 6 MB
	// in base64. Applying an item costs about ten times its largest
	// string (decoded, converted, written, recorded), so a bigger one
	// could take Cradle past 200 MB on its own.
	maxString = 8 << 20
)

// Config configures a Client. URL, User and DeviceID are required.
type Config struct {
	// URL is the EAS endpoint, e.g. https://mail.example.com/Microsoft-Server-ActiveSync.
	URL string
	// User is sent as the User query parameter (servers authenticate by
	// the credentials, some log this).
	User string
	// DeviceID identifies this installation: stable, [A-Za-z0-9], ≤ 32 characters.
	DeviceID string
	// DeviceType defaults to "Cradle".
	DeviceType string
	// UserAgent defaults to "Cradle/1.0".
	UserAgent string
	// Auth adds credentials to every request; nil sends none.
	Auth Authorizer
	// HTTP sends requests; nil uses a dedicated *http.Client with keep-alive.
	HTTP Doer
	// Version fixes the protocol version; zero negotiates it with OPTIONS
	// before the first command.
	Version push.Version
	// PolicyKey is a key stored from an earlier Provision; empty if none.
	PolicyKey string
	// DeviceInformation is sent with Provision on 14.1 and later (some
	// servers require it); nil sends Model "Cradle", the OS name and the
	// UserAgent.
	DeviceInformation *push.DeviceInformationSet
	// Timeout bounds each command except Ping; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxResponse bounds response bodies; zero means DefaultMaxResponse.
	MaxResponse int64
	// Logger receives one debug line per command; nil uses slog.Default().
	Logger *slog.Logger
	// Trace, if set, is called with each request and response body decoded
	// to XML, for debugging. Authorization headers are redacted, but the
	// bodies hold the user's data: never enable it by default.
	Trace func(Trace)
}

// Trace is one traced message.
type Trace struct {
	Command  string
	Response bool        // false: the request
	Status   int         // HTTP status of a response
	Header   http.Header // Authorization redacted
	XML      string      // decoded body; empty if there was none
}

// Client runs EAS commands for one account and device. Create it with New.
type Client struct {
	// constructor parameters, read-only
	user, deviceID, deviceType, userAgent string
	http                                  Doer
	timeout                               time.Duration
	maxResponse                           int64
	log                                   *slog.Logger
	trace                                 func(Trace)
	fixedVersion                          push.Version
	deviceInfo                            *push.DeviceInformationSet

	mu        sync.Mutex // guards the fields below
	base      *url.URL
	version   push.Version
	policyKey string

	negotiateMu sync.Mutex // serialises OPTIONS when the version is unknown
	provisionMu sync.Mutex // serialises Provision
}

// New returns a Client for cfg. It does no I/O.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("easclient: url: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("easclient: url %q: want http(s)://host/path", cfg.URL)
	}
	if cfg.DeviceID == "" {
		return nil, errors.New("easclient: DeviceID is required")
	}
	c := &Client{
		user:         cfg.User,
		deviceID:     cfg.DeviceID,
		deviceType:   cfg.DeviceType,
		userAgent:    cfg.UserAgent,
		http:         cfg.HTTP,
		timeout:      cfg.Timeout,
		maxResponse:  cfg.MaxResponse,
		log:          cfg.Logger,
		trace:        cfg.Trace,
		fixedVersion: cfg.Version,
		deviceInfo:   cfg.DeviceInformation,
		base:         u,
		version:      cfg.Version,
		policyKey:    cfg.PolicyKey,
	}
	if c.deviceType == "" {
		c.deviceType = "Cradle"
	}
	if c.userAgent == "" {
		c.userAgent = "Cradle/1.0"
	}
	if c.http == nil {
		c.http = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	c.http = &staleConnDoer{next: c.http}
	if cfg.Auth != nil {
		c.http = WithAuth(c.http, cfg.Auth)
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.deviceInfo == nil {
		c.deviceInfo = &push.DeviceInformationSet{Model: "Cradle", FriendlyName: "Cradle", OS: runtime.GOOS, UserAgent: c.userAgent}
	}
	if c.maxResponse <= 0 {
		c.maxResponse = DefaultMaxResponse
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	return c, nil
}

// Version returns the protocol version in use, zero before negotiation.
// Callers building item data must follow its write rules (push.Version.Is16).
func (c *Client) Version() push.Version {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// PolicyKey returns the current policy key; store it to skip provisioning
// on the next start.
func (c *Client) PolicyKey() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.policyKey
}

// URL returns the endpoint in use; it changes after an HTTP 451 redirect,
// so callers should store it.
func (c *Client) URL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.String()
}

func (c *Client) setPolicyKey(k string) {
	c.mu.Lock()
	c.policyKey = k
	c.mu.Unlock()
}

// commandURL returns base?Cmd=…&User=…&DeviceId=…&DeviceType=… (plain form).
// host is the server's host name, for messages.
func (c *Client) host() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Hostname()
}

func (c *Client) commandURL(cmd string) string {
	c.mu.Lock()
	u := *c.base
	c.mu.Unlock()
	q := u.Query()
	if cmd != "" {
		q.Set("Cmd", cmd)
	}
	q.Set("User", c.user)
	q.Set("DeviceId", c.deviceID)
	q.Set("DeviceType", c.deviceType)
	u.RawQuery = q.Encode()
	return u.String()
}

// call describes one command exchange.
type call struct {
	cmd     string
	req     any           // nil: empty body
	resp    any           // decoded into when the body is non-empty
	timeout time.Duration // zero: c.timeout
	// check inspects the decoded response and returns a *push.Error for a
	// failure status; a provisioning status makes run re-provision.
	check func() error
}

// errEmptyBody is returned by exchange for HTTP 200 without a body.
var errEmptyBody = errors.New("empty response body")

// run performs c, negotiating the version first if needed and recovering
// once from a provisioning demand and from redirects.
func (c *Client) run(ctx context.Context, cl call) error {
	if err := c.ensureVersion(ctx); err != nil {
		return fmt.Errorf("%s: %w", cl.cmd, err)
	}
	var body []byte
	if cl.req != nil {
		b, err := wbxml.Marshal(cl.req)
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", cl.cmd, err)
		}
		body = b
	}
	reprovisioned := false
	redirects := 0
	for {
		sentKey := c.PolicyKey()
		err := c.exchange(ctx, cl, body)
		if err == nil && cl.check != nil {
			err = cl.check()
		}
		var redir *redirectError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &redir) && redirects < maxRedirects:
			redirects++
			if uerr := c.redirect(redir.location); uerr != nil {
				return fmt.Errorf("%s: %w", cl.cmd, uerr)
			}
			continue
		case cl.cmd != "Provision" && !reprovisioned && needsProvision(err):
			reprovisioned = true
			c.log.Info("easclient: server demands provisioning", "command", cl.cmd, "reason", err)
			if perr := c.reprovision(ctx, sentKey); perr != nil {
				return fmt.Errorf("%s: re-provision: %w", cl.cmd, perr)
			}
			continue
		}
		if errors.Is(err, errEmptyBody) {
			return fmt.Errorf("%s: %w", cl.cmd, err)
		}
		return err // already names the command
	}
}

func needsProvision(err error) bool {
	return push.IsProvisioningRequired(err) || push.IsRemoteWipeRequested(err)
}

// redirectError carries HTTP 451's X-MS-Location. Callers follow it; it
// escapes only after maxRedirects.
type redirectError struct{ cmd, location string }

func (e *redirectError) Error() string {
	return fmt.Sprintf("easclient: %s: redirected (HTTP 451) to %s too many times", e.cmd, e.location)
}

func (c *Client) redirect(location string) error {
	u, err := url.Parse(location)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("HTTP 451 with invalid X-MS-Location %q", location)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base.Scheme == "https" && u.Scheme != "https" {
		// Following would send credentials in clear text.
		return fmt.Errorf("HTTP 451 redirect from https to %s refused", u.Scheme)
	}
	u.RawQuery = ""
	c.log.Info("easclient: server moved the mailbox", "from", c.base.Redacted(), "to", u.Redacted())
	c.base = u
	return nil
}

// exchange sends one request and decodes the response into cl.resp.
func (c *Client) exchange(ctx context.Context, cl call, body []byte) error {
	timeout := cl.timeout
	if timeout == 0 {
		timeout = c.timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.commandURL(cl.cmd), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", cl.cmd, err)
	}
	c.setHeaders(req)
	req.Header.Set("Content-Type", contentType)
	c.traceBody(cl.cmd, false, 0, req.Header, body)

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", cl.cmd, err)
	}
	data, err := c.readBody(resp)
	c.log.Debug("easclient: command", "command", cl.cmd, "http", resp.StatusCode, "bytes", len(data), "duration", time.Since(start))
	if errors.Is(err, errTooLarge) {
		return &TooLargeError{Command: cl.cmd, Host: req.URL.Hostname(), What: "body", Limit: c.maxResponse}
	}
	if err != nil {
		return fmt.Errorf("%s: read response: %w", cl.cmd, err)
	}
	c.traceBody(cl.cmd, true, resp.StatusCode, resp.Header, data)
	c.renegotiate(resp.Header.Get("X-MS-RP"))
	if err := c.httpError(cl.cmd, resp); err != nil {
		return err
	}
	if len(data) == 0 {
		return errEmptyBody
	}
	if cl.resp == nil {
		return nil
	}
	// A repeated exchange (after re-provisioning) must not append to
	// slices the previous answer filled.
	reflect.ValueOf(cl.resp).Elem().SetZero()
	lim := wbxml.Limits{MaxBytes: c.maxResponse, MaxStringLen: maxString}
	if err := wbxml.UnmarshalLimits(data, cl.resp, lim); err != nil {
		var le *wbxml.LimitError
		if errors.As(err, &le) {
			return &TooLargeError{Command: cl.cmd, Host: req.URL.Hostname(), What: limitWhat[le.Limit], Limit: le.Max, Err: err}
		}
		return fmt.Errorf("%s: decode response: %w", cl.cmd, err)
	}
	return nil
}

func (c *Client) setHeaders(req *http.Request) {
	c.mu.Lock()
	v, key := c.version, c.policyKey
	c.mu.Unlock()
	req.Header.Set("User-Agent", c.userAgent)
	if v != 0 {
		req.Header.Set("MS-ASProtocolVersion", v.String())
	}
	if key != "" {
		req.Header.Set("X-MS-PolicyKey", key)
	}
}

// limitWhat names the decoder's limits for TooLargeError.
var limitWhat = map[string]string{
	"MaxBytes": "body", "MaxDepth": "nesting depth", "MaxStringLen": "string", "MaxTokens": "element count",
}

// errTooLarge is returned by readBody for a body over c.maxResponse.
var errTooLarge = errors.New("response body too large")

// readBody reads at most c.maxResponse bytes and always drains (bounded)
// and closes the body so the connection can be reused. A body announced
// larger than the bound is refused before any of it is read.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	defer func() {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()
	if resp.ContentLength > c.maxResponse {
		return nil, fmt.Errorf("%w: %d bytes announced", errTooLarge, resp.ContentLength)
	}
	// The buffer is sized up front when the length is known; otherwise it
	// doubles but never beyond the bound, so refusing an endless body
	// costs about twice the bound, not four times as with io.ReadAll.
	limit := int(c.maxResponse) + 1
	buf := make([]byte, 0, min(max(int(resp.ContentLength), 32<<10), limit))
	for {
		if len(buf) == cap(buf) {
			if len(buf) == limit {
				return nil, errTooLarge
			}
			buf = append(make([]byte, 0, min(2*cap(buf), limit)), buf...)
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(buf) == limit {
		return nil, errTooLarge
	}
	return buf, nil
}

// httpError maps a non-200 status to the package's error types.
func (c *Client) httpError(cmd string, resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusUnauthorized:
		return &AuthError{Command: cmd, Challenge: resp.Header.Get("WWW-Authenticate")}
	case 449: // "Retry With": provision first
		return &push.Error{Command: cmd, Status: int(push.StatusDeviceNotProvisioned)}
	case 451: // mailbox moved
		if loc := resp.Header.Get("X-MS-Location"); loc != "" {
			return &redirectError{cmd: cmd, location: loc}
		}
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		return &RetryAfterError{
			Command:    cmd,
			StatusCode: resp.StatusCode,
			Delay:      parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
			Throttle:   resp.Header.Get("X-MS-ASThrottle"),
		}
	}
	return &HTTPError{Command: cmd, StatusCode: resp.StatusCode}
}

func (c *Client) traceBody(cmd string, response bool, status int, h http.Header, body []byte) {
	if c.trace == nil {
		return
	}
	t := Trace{Command: cmd, Response: response, Status: status, Header: h.Clone()}
	if t.Header.Get("Authorization") != "" {
		t.Header.Set("Authorization", "[redacted]")
	}
	if len(body) > 0 {
		x, err := wbxml.ToXML(body)
		if err != nil {
			t.XML = fmt.Sprintf("<!-- undecodable body (%d bytes): %v -->", len(body), err)
		} else {
			t.XML = string(x)
		}
	}
	c.trace(t)
}

// ServerInfo is what OPTIONS reports.
type ServerInfo struct {
	Versions []push.Version // MS-ASProtocolVersions, as announced
	Commands []string       // MS-ASProtocolCommands
	Server   string         // MS-Server-ActiveSync
}

// Options asks the server for its protocol versions and commands and, unless
// Config.Version fixed one, adopts the highest version both sides speak.
// It changes nothing on the server; repeating it is safe.
func (c *Client) Options(ctx context.Context) (*ServerInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var resp *http.Response
	for redirects := 0; ; redirects++ {
		r, err := c.options(ctx)
		var redir *redirectError
		if errors.As(err, &redir) && redirects < maxRedirects {
			if uerr := c.redirect(redir.location); uerr != nil {
				return nil, fmt.Errorf("OPTIONS: %w", uerr)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		resp = r
		break
	}
	info := &ServerInfo{
		Versions: push.ParseVersions(resp.Header.Get("MS-ASProtocolVersions")),
		Server:   resp.Header.Get("MS-Server-ActiveSync"),
	}
	for _, cmd := range strings.Split(resp.Header.Get("MS-ASProtocolCommands"), ",") {
		if cmd = strings.TrimSpace(cmd); cmd != "" {
			info.Commands = append(info.Commands, cmd)
		}
	}
	if c.fixedVersion != 0 {
		return info, nil
	}
	v, err := push.Negotiate(info.Versions)
	if err != nil {
		return info, fmt.Errorf("OPTIONS: %w", err)
	}
	c.mu.Lock()
	c.version = v
	c.mu.Unlock()
	c.log.Debug("easclient: negotiated protocol version", "version", v.String(), "server", info.Versions)
	return info, nil
}

// options sends one OPTIONS request; the body is drained and closed.
func (c *Client) options(ctx context.Context) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodOptions, c.commandURL(""), nil)
	if err != nil {
		return nil, fmt.Errorf("OPTIONS: %w", err)
	}
	c.setHeaders(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("OPTIONS: %w", err)
	}
	if _, err := c.readBody(resp); err != nil {
		return nil, fmt.Errorf("OPTIONS: %w", err)
	}
	if err := c.httpError("OPTIONS", resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// renegotiate handles X-MS-RP, which a server sends once after its
// supported versions changed (e.g. a mailbox upgrade): the next command
// uses the best version of the new list.
func (c *Client) renegotiate(header string) {
	if header == "" || c.fixedVersion != 0 {
		return
	}
	v, err := push.Negotiate(push.ParseVersions(header))
	if err != nil {
		c.log.Warn("easclient: server announced versions without a common one", "X-MS-RP", header)
		return
	}
	c.mu.Lock()
	old := c.version
	c.version = v
	c.mu.Unlock()
	if old != v {
		c.log.Info("easclient: protocol version changed by the server", "from", old.String(), "to", v.String())
	}
}

func (c *Client) ensureVersion(ctx context.Context) error {
	if c.Version() != 0 {
		return nil
	}
	c.negotiateMu.Lock()
	defer c.negotiateMu.Unlock()
	if c.Version() != 0 {
		return nil
	}
	_, err := c.Options(ctx)
	return err
}
