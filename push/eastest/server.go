package eastest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/internal/wbxml"
)

// Path is where Start mounts the server.
const Path = "/Microsoft-Server-ActiveSync"

// maxRequestBody bounds request bodies the server reads.
const maxRequestBody = 16 << 20

// Folder describes a folder in the hierarchy.
type Folder struct {
	ID       string
	ParentID string // "0" for top level
	Name     string
	Type     push.FolderType
}

// DefaultFolders are the folders a Server starts with when Config.Folders is nil.
var DefaultFolders = []Folder{
	{ID: "contacts", ParentID: "0", Name: "Contacts", Type: push.FolderDefaultContacts},
	{ID: "calendar", ParentID: "0", Name: "Calendar", Type: push.FolderDefaultCalendar},
	{ID: "tasks", ParentID: "0", Name: "Tasks", Type: push.FolderDefaultTasks},
}

// Config configures a Server. The zero Config is usable.
type Config struct {
	// Versions are announced by OPTIONS and accepted in
	// MS-ASProtocolVersion; default 14.1 and 16.1.
	Versions []push.Version
	// Folders is the initial hierarchy; nil means DefaultFolders.
	Folders []Folder
	// Authenticate, if set, must accept a request or it is answered 401.
	Authenticate func(r *http.Request) bool
	// RequireProvisioning answers commands other than Provision with HTTP
	// 449 until the device has provisioned (and after ResetPolicy).
	RequireProvisioning bool
	// NoPolicy makes Provision answer like SOGo: policy Status 2, no key.
	NoPolicy bool
	// MinHeartbeat and MaxHeartbeat bound Ping's HeartbeatInterval in
	// seconds (Status 5 outside); defaults 1 and 3540.
	MinHeartbeat, MaxHeartbeat int
	// HeartbeatUnit is the length of one heartbeat "second"; tests shrink
	// it to run heartbeats fast. Default time.Second.
	HeartbeatUnit time.Duration
	// MaxFolders limits the folders of one Ping (Status 6); 0 = no limit.
	MaxFolders int
	// Logger receives debug lines; nil discards.
	Logger *slog.Logger
}

// Request is one entry of the request log.
type Request struct {
	Time      time.Time
	Command   string // "OPTIONS" for the OPTIONS method
	DeviceID  string
	Path      string
	Version   string   // MS-ASProtocolVersion header
	PolicyKey string   // X-MS-PolicyKey header
	Folders   []string // collections or folders the request names
	XML       string   // the request body decoded to XML, for assertions
}

// Server is the in-process EAS server. It implements http.Handler.
type Server struct {
	// URL is the EAS endpoint when the server was created by Start.
	URL string

	cfg      Config
	log      *slog.Logger
	versions map[string]bool

	closeOnce sync.Once
	closed    chan struct{} // closed by Close: held requests return

	mu           sync.Mutex // guards everything below
	folders      map[string]*folder
	folderOrder  []string
	hierarchyVer int
	seq          int // last item modification number
	nextID       int
	nextKey      int
	devices      map[string]*device
	requests     []Request
	faults       []*Fault
	held         map[*heldRequest]struct{}
	heldChanged  chan struct{} // closed and replaced when the held set changes
	changed      chan struct{} // closed and replaced on every item or folder change
	wipe         bool
}

type folder struct {
	Folder
	items map[string]*item
}

type item struct {
	data push.ItemData
	seq  int
}

// device is the server's per-DeviceId state.
type device struct {
	id           string
	folders      map[string]*devFolder
	hierarchyVer int               // hierarchy version of the last FolderSync; 0 = never
	knownFolders map[string]Folder // as of the last FolderSync
	policyKey    string
	tempKey      string
	pingFolders  []push.PingFolder
	pingHB       int
	pingSuper    chan struct{} // closed when a newer Ping supersedes the held one
	lastSync     []byte        // last non-empty Sync body, for empty-body Syncs
}

// devFolder is what a device holds of a folder.
type devFolder struct {
	key     string
	view    map[string]int // ServerId → item seq the device has
	prevKey string
	prevRes *push.SyncCollectionResult // reply to prevKey, replayed on resend
}

type heldRequest struct {
	cut chan struct{}
}

// New returns a Server with cfg.
func New(cfg Config) *Server {
	if cfg.Versions == nil {
		cfg.Versions = []push.Version{push.Version141, push.Version161}
	}
	if cfg.Folders == nil {
		cfg.Folders = DefaultFolders
	}
	if cfg.MinHeartbeat <= 0 {
		cfg.MinHeartbeat = 1
	}
	if cfg.MaxHeartbeat <= 0 {
		cfg.MaxHeartbeat = 3540
	}
	if cfg.HeartbeatUnit <= 0 {
		cfg.HeartbeatUnit = time.Second
	}
	s := &Server{
		cfg:          cfg,
		log:          cfg.Logger,
		versions:     map[string]bool{},
		closed:       make(chan struct{}),
		folders:      map[string]*folder{},
		hierarchyVer: 1,
		devices:      map[string]*device{},
		held:         map[*heldRequest]struct{}{},
		heldChanged:  make(chan struct{}),
		changed:      make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, v := range cfg.Versions {
		s.versions[v.String()] = true
	}
	for _, f := range cfg.Folders {
		s.folders[f.ID] = &folder{Folder: f, items: map[string]*item{}}
		s.folderOrder = append(s.folderOrder, f.ID)
	}
	return s
}

// Start runs a new Server on an httptest server (plain HTTP), sets URL and
// registers cleanup with t: Close first (releasing held Pings), then the
// HTTP server.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := New(cfg)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	t.Cleanup(s.Close)
	s.URL = hs.URL + Path
	return s
}

// Close releases every held request (they answer HTTP 503) and makes new
// long polls return at once. It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

// ServeHTTP dispatches on the request method and the Cmd query parameter.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cmd := q.Get("Cmd")
	if r.Method == http.MethodOptions {
		cmd = "OPTIONS"
	} else if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	devID := q.Get("DeviceId")
	idx := s.record(Request{
		Time: time.Now(), Command: cmd, DeviceID: devID, Path: r.URL.Path,
		Version: r.Header.Get("MS-ASProtocolVersion"), PolicyKey: r.Header.Get("X-MS-PolicyKey"),
	})
	if s.cfg.Authenticate != nil && !s.cfg.Authenticate(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="eastest"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if f := s.takeFault(cmd); f != nil {
		if done := s.applyFault(w, r, f); done {
			return
		}
		r = r.WithContext(withFault(r.Context(), f))
	}
	if cmd == "OPTIONS" {
		s.serveOptions(w)
		return
	}
	if devID == "" {
		http.Error(w, "DeviceId missing", http.StatusBadRequest)
		return
	}
	ver := r.Header.Get("MS-ASProtocolVersion")
	if !s.versions[ver] {
		http.Error(w, "unsupported MS-ASProtocolVersion "+strconv.Quote(ver), http.StatusBadRequest)
		return
	}
	v, _ := push.ParseVersion(ver)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		http.Error(w, "request body unreadable or too large", http.StatusBadRequest)
		return
	}
	if len(body) > 0 {
		x, err := wbxml.ToXML(body)
		if err != nil {
			http.Error(w, "bad WBXML: "+err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests[idx].XML = string(x)
		s.mu.Unlock()
	}
	if cmd != "Provision" && !s.provisioned(devID, r.Header.Get("X-MS-PolicyKey")) {
		http.Error(w, "provisioning required", 449)
		return
	}
	c := &cmdContext{s: s, w: w, r: r, dev: devID, ver: v, body: body, logIdx: idx}
	switch cmd {
	case "Provision":
		s.serveProvision(c)
	case "FolderSync":
		s.serveFolderSync(c)
	case "Sync":
		s.serveSync(c)
	case "GetItemEstimate":
		s.serveEstimate(c)
	case "Ping":
		s.servePing(c)
	default:
		http.Error(w, "command not supported", http.StatusNotImplemented)
	}
}

// cmdContext carries one command's request data.
type cmdContext struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	dev    string
	ver    push.Version
	body   []byte
	logIdx int
}

// decode unmarshals the WBXML body into v; it answers HTTP 400 and returns
// false if the body does not decode.
func (c *cmdContext) decode(v any) bool {
	if err := wbxml.Unmarshal(c.body, v); err != nil {
		http.Error(c.w, "bad WBXML: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

// reply writes v as WBXML.
func (c *cmdContext) reply(v any) {
	b, err := wbxml.Marshal(v)
	if err != nil {
		c.s.log.Error("eastest: encode response", "err", err)
		http.Error(c.w, "encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	c.w.Header().Set("Content-Type", "application/vnd.ms-sync.wbxml")
	c.w.Header().Set("MS-Server-ActiveSync", "eastest")
	c.w.Write(b)
}

// fault returns the injected fault for this request, if any.
func (c *cmdContext) fault() *Fault { return faultFrom(c.r.Context()) }

func (c *cmdContext) setFolders(ids []string) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.requests[c.logIdx].Folders = ids
}

func (s *Server) record(r Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
	return len(s.requests) - 1
}

func (s *Server) serveOptions(w http.ResponseWriter) {
	var vs []string
	for _, v := range s.cfg.Versions {
		vs = append(vs, v.String())
	}
	h := w.Header()
	h.Set("MS-ASProtocolVersions", strings.Join(vs, ","))
	h.Set("MS-ASProtocolCommands", "Sync,FolderSync,GetItemEstimate,Ping,Provision")
	h.Set("MS-Server-ActiveSync", "eastest")
	h.Set("Allow", "OPTIONS, POST")
	w.WriteHeader(http.StatusOK)
}

// deviceLocked returns the state for id, creating it. s.mu must be held.
func (s *Server) deviceLocked(id string) *device {
	d := s.devices[id]
	if d == nil {
		d = &device{id: id, folders: map[string]*devFolder{}}
		s.devices[id] = d
	}
	return d
}

// newKeyLocked returns a fresh key. s.mu must be held.
func (s *Server) newKeyLocked() string {
	s.nextKey++
	return strconv.Itoa(s.nextKey)
}

// notifyLocked wakes every held request. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// wait blocks until a change, the timeout, the end of ctx, or Close. It
// reports why it returned.
func (s *Server) wait(ctx context.Context, changed <-chan struct{}, timer <-chan time.Time, cut, superseded <-chan struct{}) waitResult {
	select {
	case <-changed:
		return waitChanged
	case <-timer:
		return waitTimeout
	case <-ctx.Done():
		return waitGone
	case <-s.closed:
		return waitClosed
	case <-cut:
		return waitCut
	case <-superseded:
		return waitSuperseded
	}
}

type waitResult int

const (
	waitChanged waitResult = iota
	waitTimeout
	waitGone
	waitClosed
	waitCut
	waitSuperseded
)

// hold registers a held long poll and returns it with its release func.
func (s *Server) hold() (*heldRequest, func()) {
	h := &heldRequest{cut: make(chan struct{})}
	s.mu.Lock()
	s.held[h] = struct{}{}
	close(s.heldChanged)
	s.heldChanged = make(chan struct{})
	s.mu.Unlock()
	return h, func() {
		s.mu.Lock()
		delete(s.held, h)
		close(s.heldChanged)
		s.heldChanged = make(chan struct{})
		s.mu.Unlock()
	}
}

// WaitHeld blocks until at least n long polls (Ping or Sync with a
// heartbeat) are being held, or ctx ends.
func (s *Server) WaitHeld(ctx context.Context, n int) error {
	return s.waitHeld(ctx, func(count int) bool { return count >= n }, fmt.Sprintf("at least %d", n))
}

// WaitReleased blocks until no long poll is held (all answered, cut, or
// abandoned by their clients), or ctx ends.
func (s *Server) WaitReleased(ctx context.Context) error {
	return s.waitHeld(ctx, func(count int) bool { return count == 0 }, "no")
}

func (s *Server) waitHeld(ctx context.Context, done func(int) bool, what string) error {
	for {
		s.mu.Lock()
		count, ch := len(s.held), s.heldChanged
		s.mu.Unlock()
		if done(count) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("eastest: waiting for %s held requests (have %d): %w", what, count, ctx.Err())
		}
	}
}

// CutHeld closes the connection of every held long poll without an answer,
// as a NAT dropping an idle TCP connection would. It returns how many were cut.
func (s *Server) CutHeld() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for h := range s.held {
		select {
		case <-h.cut:
		default:
			close(h.cut)
			n++
		}
	}
	return n
}

// cutConnection hijacks the connection and closes it without a response.
func cutConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection quietly
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// bodyIsEmpty reports whether an EAS request body is absent.
func bodyIsEmpty(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }
