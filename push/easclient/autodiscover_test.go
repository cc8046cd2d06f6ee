package easclient_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cradle-sync/cradle/push/easclient"
)

// autodiscoverServer answers POX autodiscover for every host name (tests
// route all names to it). Hosts it sees are recorded.
type autodiscoverServer struct {
	*httptest.Server
	mu    sync.Mutex
	hosts []string
}

// answer returns the status and body for a request; for 302 the body is
// the Location.
func newAutodiscoverServer(t *testing.T, answer func(host, email string) (int, string)) *autodiscoverServer {
	a := &autodiscoverServer{}
	a.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.hosts = append(a.hosts, r.Host+r.URL.Path)
		a.mu.Unlock()
		user, pass, ok := r.BasicAuth()
		if !ok || pass != "pw" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var req struct {
			Email  string `xml:"Request>EMailAddress"`
			Schema string `xml:"Request>AcceptableResponseSchema"`
		}
		body, _ := io.ReadAll(r.Body)
		if err := xml.Unmarshal(body, &req); err != nil || !strings.Contains(req.Schema, "mobilesync") {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if user != req.Email {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		code, text := answer(r.Host, req.Email)
		if code == 0 {
			code = http.StatusOK
		}
		if code == http.StatusFound {
			w.Header().Set("Location", text)
			text = ""
		}
		w.WriteHeader(code)
		io.WriteString(w, text)
	}))
	t.Cleanup(a.Close)
	return a
}

// client routes every host name to the test server and verifies its
// certificate (issued for example.com) whatever name was dialled.
func (a *autodiscoverServer) client() *http.Client {
	tr := a.Client().Transport.(*http.Transport).Clone()
	addr := a.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	tr.TLSClientConfig = tr.TLSClientConfig.Clone()
	tr.TLSClientConfig.ServerName = "example.com"
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

const adResponseFmt = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006">
<Culture>en:en</Culture><User><DisplayName>User One</DisplayName><EMailAddress>%s</EMailAddress></User>
<Action>%s</Action></Response></Autodiscover>`

func TestAutodiscoverRedirect(t *testing.T) {
	a := newAutodiscoverServer(t, func(host, email string) (int, string) {
		switch {
		case strings.HasPrefix(host, "autodiscover.old.test"):
			// The first candidate is down for old.test.
			return http.StatusInternalServerError, ""
		case host == "old.test" && email == "user1@old.test":
			return 0, fmt.Sprintf(adResponseFmt, email, "<Redirect>user1@new.test</Redirect>")
		case host == "autodiscover.new.test" && email == "user1@new.test":
			return 0, fmt.Sprintf(adResponseFmt, email,
				"<Settings><Server><Type>MobileSync</Type><Url>https://mail.new.test/Microsoft-Server-ActiveSync</Url><Name>https://mail.new.test/Microsoft-Server-ActiveSync</Name></Server></Settings>")
		}
		return http.StatusNotFound, ""
	})
	res, err := easclient.Autodiscover(t.Context(), "user1@old.test", "pw", &easclient.AutodiscoverOptions{HTTP: a.client()})
	if err != nil {
		t.Fatal(err)
	}
	want := easclient.AutodiscoverResult{URL: "https://mail.new.test/Microsoft-Server-ActiveSync", Email: "user1@new.test", DisplayName: "User One"}
	if *res != want {
		t.Errorf("result = %+v, want %+v", *res, want)
	}
	wantHosts := []string{
		"autodiscover.old.test/autodiscover/autodiscover.xml",
		"old.test/autodiscover/autodiscover.xml",
		"autodiscover.new.test/autodiscover/autodiscover.xml",
	}
	if strings.Join(a.hosts, " ") != strings.Join(wantHosts, " ") {
		t.Errorf("hosts = %v, want %v", a.hosts, wantHosts)
	}
}

func TestAutodiscoverRedirectLoop(t *testing.T) {
	a := newAutodiscoverServer(t, func(host, email string) (int, string) {
		// Two addresses redirecting to each other.
		next := "u@b.test"
		if strings.HasSuffix(email, "@b.test") {
			next = "u@a.test"
		}
		return 0, fmt.Sprintf(adResponseFmt, email, "<Redirect>"+next+"</Redirect>")
	})
	_, err := easclient.Autodiscover(t.Context(), "u@a.test", "pw", &easclient.AutodiscoverOptions{HTTP: a.client(), MaxHops: 4})
	if err == nil || !strings.Contains(err.Error(), "more than 4 redirects") {
		t.Fatalf("err = %v, want hop limit", err)
	}
	if n := len(a.hosts); n != 5 {
		t.Errorf("made %d requests, want 5 (first + 4 hops)", n)
	}
}

func TestAutodiscoverHTTPRedirectAndErrors(t *testing.T) {
	a := newAutodiscoverServer(t, func(host, email string) (int, string) {
		switch host {
		case "autodiscover.c.test":
			return 0, fmt.Sprintf(adResponseFmt, email, "<Error><Status>1</Status><Message>no mailbox</Message></Error>")
		case "autodiscover.d.test":
			return http.StatusFound, "https://ad.hoster.test/autodiscover/autodiscover.xml"
		case "ad.hoster.test":
			return 0, fmt.Sprintf(adResponseFmt, email, "<Settings><Server><Type>MobileSync</Type><Url>https://eas.hoster.test/Microsoft-Server-ActiveSync</Url></Server></Settings>")
		}
		return http.StatusNotFound, ""
	})
	res, err := easclient.Autodiscover(t.Context(), "u@d.test", "pw", &easclient.AutodiscoverOptions{HTTP: a.client()})
	if err != nil || res.URL != "https://eas.hoster.test/Microsoft-Server-ActiveSync" {
		t.Fatalf("after HTTP redirect: %+v, %v", res, err)
	}
	_, err = easclient.Autodiscover(t.Context(), "u@c.test", "pw", &easclient.AutodiscoverOptions{HTTP: a.client()})
	if err == nil || !strings.Contains(err.Error(), "no mailbox") || !strings.Contains(err.Error(), "HTTP 404") {
		t.Fatalf("err = %v, want both candidates' errors", err)
	}
	// Plain http candidates are refused: the password would travel in clear.
	_, err = easclient.Autodiscover(t.Context(), "u@c.test", "pw", &easclient.AutodiscoverOptions{
		HTTP:       a.client(),
		Candidates: func(d string) []string { return []string{"http://" + d + "/autodiscover/autodiscover.xml"} },
	})
	if err == nil || !strings.Contains(err.Error(), "non-https") {
		t.Fatalf("err = %v, want refusal of http", err)
	}
}
