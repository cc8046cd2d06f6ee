// Package sogotest connects tests to the project's real ActiveSync peer: the
// SOGo server that scripts/sogo/start.sh runs on loopback.
//
// Each test gets its own SOGo user, so tests never see each other's items
// and may run in parallel. Server-side changes are injected through SOGo's
// CardDAV/CalDAV interface, which is how a colleague's edit reaches the
// server in real life.
//
// When the server is not reachable, tests skip locally but fail when CI=true:
// `make test` is responsible for starting it.
package sogotest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Server is a running SOGo peer.
type Server struct {
	// Base is the HTTP root, e.g. http://127.0.0.1:20000.
	Base string
	// PeerDir is where start.sh keeps its state (sockets, logs).
	PeerDir string
	pgPort  string
}

// EASURL is the ActiveSync endpoint of the server.
func (s *Server) EASURL() string { return s.Base + "/SOGo/Microsoft-Server-ActiveSync" }

// Start returns the peer if it answers, or stops the test: Fatal when CI=true
// (a missing peer is a broken CI set-up), Skip otherwise.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		Base:    envOr("SOGO_BASE", "http://127.0.0.1:"+envOr("SOGO_PORT", "20000")),
		PeerDir: envOr("SOGO_PEER_DIR", "/tmp/cradle-sogo"),
		pgPort:  envOr("PG_PORT", "25432"),
	}
	req, _ := http.NewRequest(http.MethodOptions, s.EASURL(), nil)
	req.SetBasicAuth("user1", "user1pass")
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return s
		}
		err = fmt.Errorf("OPTIONS answered %s", resp.Status)
	}
	msg := fmt.Sprintf("SOGo peer not reachable at %s (%v); run scripts/sogo/start.sh or make test", s.EASURL(), err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return nil
}

var userRE = regexp.MustCompile(`^[a-z0-9]+$`)

// NewUser creates a fresh SOGo user for this test and returns its name and
// password. The user's personal address book and calendar exist on return.
func (s *Server) NewUser(t testing.TB) (user, password string) {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	user = "t" + hex.EncodeToString(b[:])
	password = "pw-" + hex.EncodeToString(b[:3])
	if !userRE.MatchString(user) {
		t.Fatalf("bad generated user %q", user)
	}
	sql := fmt.Sprintf("INSERT INTO sogo_users VALUES ('%s','%s','%s','Test %s','%s@example.test');",
		user, user, password, user, user)
	cmd := exec.Command("psql", "-h", s.PeerDir+"/run/pg", "-p", s.pgPort, "-U", "sogo", "-d", "sogo",
		"-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("create SOGo user: %v: %s", err, out)
	}
	for _, c := range []string{"Contacts", "Calendar"} {
		// SOGo creates a user's personal collections lazily on first access.
		if _, err := s.dav(context.Background(), user, password, "PROPFIND", "/SOGo/dav/"+user+"/"+c+"/", "", nil); err != nil {
			t.Fatalf("init %s for %s: %v", c, user, err)
		}
	}
	return user, password
}

// PutContact stores a vCard as name (e.g. "alice.vcf") in the user's personal
// address book, as a CardDAV client would.
func (s *Server) PutContact(t testing.TB, user, password, name, vcard string) {
	t.Helper()
	s.put(t, user, password, "/SOGo/dav/"+user+"/Contacts/personal/"+name, "text/vcard; charset=utf-8", vcard)
}

// PutEvent stores an iCalendar object as name (e.g. "meeting.ics") in the
// user's personal calendar.
func (s *Server) PutEvent(t testing.TB, user, password, name, ics string) {
	t.Helper()
	s.put(t, user, password, "/SOGo/dav/"+user+"/Calendar/personal/"+name, "text/calendar; charset=utf-8", ics)
}

// GetContact returns the vCard stored as name, and whether it exists.
func (s *Server) GetContact(t testing.TB, user, password, name string) (string, bool) {
	t.Helper()
	return s.get(t, user, password, "/SOGo/dav/"+user+"/Contacts/personal/"+name)
}

// GetEvent returns the iCalendar object stored as name, and whether it exists.
func (s *Server) GetEvent(t testing.TB, user, password, name string) (string, bool) {
	t.Helper()
	return s.get(t, user, password, "/SOGo/dav/"+user+"/Calendar/personal/"+name)
}

// DeleteContact removes a contact by its DAV name.
func (s *Server) DeleteContact(t testing.TB, user, password, name string) {
	t.Helper()
	if _, err := s.dav(context.Background(), user, password, "DELETE", "/SOGo/dav/"+user+"/Contacts/personal/"+name, "", nil); err != nil {
		t.Fatalf("delete contact %s: %v", name, err)
	}
}

// ListContacts returns the DAV names of the user's contacts.
func (s *Server) ListContacts(t testing.TB, user, password string) []string {
	t.Helper()
	return s.list(t, user, password, "/SOGo/dav/"+user+"/Contacts/personal/", ".vcf")
}

// ListEvents returns the DAV names of the user's calendar objects.
func (s *Server) ListEvents(t testing.TB, user, password string) []string {
	t.Helper()
	return s.list(t, user, password, "/SOGo/dav/"+user+"/Calendar/personal/", ".ics")
}

var hrefRE = regexp.MustCompile(`<D:href>([^<]+)</D:href>`)

func (s *Server) list(t testing.TB, user, password, path, ext string) []string {
	t.Helper()
	body, err := s.dav(context.Background(), user, password, "PROPFIND", path,
		"application/xml", []byte(`<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`))
	if err != nil {
		t.Fatalf("list %s: %v", path, err)
	}
	var names []string
	for _, m := range hrefRE.FindAllStringSubmatch(string(body), -1) {
		h := m[1]
		if h == path || !strings.HasPrefix(h, path) {
			continue
		}
		n := strings.TrimPrefix(h, path)
		if n != "" && !strings.Contains(n, "/") {
			names = append(names, n)
		}
	}
	return names
}

func (s *Server) put(t testing.TB, user, password, path, ctype, body string) {
	t.Helper()
	if _, err := s.dav(context.Background(), user, password, "PUT", path, ctype, []byte(body)); err != nil {
		t.Fatalf("PUT %s: %v", path, err)
	}
}

func (s *Server) get(t testing.TB, user, password, path string) (string, bool) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.Base+path, nil)
	req.SetBasicAuth(user, password)
	resp, err := davClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return "", false
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	return string(b), true
}

func (s *Server) dav(ctx context.Context, user, password, method, path, ctype string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.Base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(user, password)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method == "PROPFIND" {
		req.Header.Set("Depth", "1")
	}
	resp, err := davClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return b, fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return b, nil
}

// davClient does not reuse connections: sogod closes each connection after
// its response without saying so, and a request written into such a
// connection fails.
var davClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
