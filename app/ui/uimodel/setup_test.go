package uimodel

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/push/easclient"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		name string
		err  error
		kind ProblemKind
		text string
	}{
		{"password", fmt.Errorf("x: %w", &easclient.AuthError{Command: "FolderSync"}), WrongPassword, "rejected the user name or password"},
		{"dns", fmt.Errorf("x: %w", &net.DNSError{Err: "no such host", Name: "mail.example.com", IsNotFound: true}), ServerNotFound, "No server answered at https://mail.example.com"},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), ServerNotFound, "No server answered"},
		{"autodiscover", errors.New("autodiscover for a@b: no answer"), ServerNotFound, "Enter the server's ActiveSync URL"},
		{"cert", fmt.Errorf("x: %w", &easclient.CertificateError{Host: "h", Fingerprint: "ab12", Err: errors.New("self-signed")}), UntrustedCert, "not trusted (self-signed)"},
		{"other", errors.New("server said 500"), OtherProblem, "Server said 500."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Explain("https://mail.example.com", tt.err)
			if p.Kind != tt.kind || !strings.Contains(p.Message, tt.text) {
				t.Errorf("Explain = %+v; want kind %d and %q", p, tt.kind, tt.text)
			}
			if tt.kind == UntrustedCert && p.Fingerprint != "ab12" {
				t.Errorf("fingerprint %q", p.Fingerprint)
			}
		})
	}
}

// TestExplainRealCertificateFailure talks to a TLS server with a
// certificate the system does not trust, as a self-hosted server is, and
// expects the fingerprint of exactly that certificate.
func TestExplainRealCertificateFailure(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	// The refused handshake is the point; keep it out of the test log.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	c := &http.Client{Transport: easclient.PinnedTransport("")}
	_, err := c.Get(srv.URL)
	if err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}
	p := Explain(srv.URL, err)
	want := easclient.Fingerprint(srv.Certificate())
	if p.Kind != UntrustedCert || p.Fingerprint != want {
		t.Errorf("Explain = %+v; want UntrustedCert with %s", p, want)
	}
}

func TestAccountForm(t *testing.T) {
	tests := []struct {
		name    string
		form    AccountForm
		wantErr string
		want    [4]string // name, email, url, user
	}{
		{name: "email only", form: AccountForm{Email: " Ann@Example.com ", Password: "pw"}, want: [4]string{"example.com", "Ann@Example.com", "", "Ann@Example.com"}},
		{name: "manual", form: AccountForm{Name: "work", URL: "https://mail.example.com/Microsoft-Server-ActiveSync", User: "ann", Password: "pw"}, want: [4]string{"work", "", "https://mail.example.com/Microsoft-Server-ActiveSync", "ann"}},
		{name: "nothing", form: AccountForm{Password: "pw"}, wantErr: "enter your e-mail"},
		{name: "not an address", form: AccountForm{Email: "ann", Password: "pw"}, wantErr: "not an e-mail address"},
		{name: "no password", form: AccountForm{Email: "a@b.c"}, wantErr: "enter the password"},
		{name: "bad url", form: AccountForm{Email: "a@b.c", Password: "pw", URL: "mail.example.com"}, wantErr: "not a server address"},
		{name: "url without user", form: AccountForm{URL: "https://x/y", Password: "pw", Name: "n"}, wantErr: "enter the user name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc, err := tt.form.Account()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v; want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := [4]string{acc.Name, acc.Email, acc.URL, acc.User}; got != tt.want {
				t.Errorf("account %v; want %v", got, tt.want)
			}
		})
	}
}

func TestFolderChoiceMapping(t *testing.T) {
	tests := []struct {
		c       FolderChoice
		ok      bool
		store   string
		wantErr string
	}{
		{c: FolderChoice{ID: "1", Kind: "contacts", Where: DefaultVdir}},
		{c: FolderChoice{ID: "1", Kind: "contacts", Where: Skip}, ok: true},
		{c: FolderChoice{ID: "1", Kind: "contacts", Where: CustomVdir, Path: "/home/a/contacts"}, ok: true, store: "vdir"},
		{c: FolderChoice{ID: "1", Kind: "contacts", Where: SingleFile, Path: "/home/a/all.vcf"}, ok: true, store: "file"},
		{c: FolderChoice{ID: "1", Kind: "calendar", Where: SingleFile, Path: "/home/a/all.vcf"}, wantErr: "must end in .ics"},
		{c: FolderChoice{ID: "1", Name: "Work", Kind: "calendar", Where: CustomVdir, Path: "rel"}, wantErr: "folder Work: choose where"},
	}
	for _, tt := range tests {
		m, ok, err := tt.c.Mapping()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%+v: err = %v; want %q", tt.c, err, tt.wantErr)
			}
			continue
		}
		if err != nil || ok != tt.ok || m.Store != tt.store || (ok && m.ID != "1") || m.Skip != (tt.c.Where == Skip) {
			t.Errorf("%+v: Mapping = %+v, %v, %v", tt.c, m, ok, err)
		}
	}
}

func TestCheckDisplay(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if err := CheckDisplay("linux", env(nil)); !errors.Is(err, ErrNoDisplay) {
		t.Errorf("linux without display: %v", err)
	}
	if err := CheckDisplay("linux", env(map[string]string{"WAYLAND_DISPLAY": "wayland-0"})); err != nil {
		t.Errorf("wayland: %v", err)
	}
	if err := CheckDisplay("freebsd", env(map[string]string{"DISPLAY": ":0"})); err != nil {
		t.Errorf("x11: %v", err)
	}
	if err := CheckDisplay("windows", env(nil)); err != nil {
		t.Errorf("windows: %v", err)
	}
}

func TestSentence(t *testing.T) {
	if got := Sentence(errors.New("élan lost")); got != "Élan lost." {
		t.Errorf("Sentence = %q", got)
	}
	if got := Sentence(errors.New("really?")); got != "Really?" {
		t.Errorf("Sentence = %q", got)
	}
}

func TestM365Account(t *testing.T) {
	for _, tc := range []struct {
		form    AccountForm
		wantURL string
		wantErr string
	}{
		{form: AccountForm{Email: "ann@contoso.com"}, wantURL: config.M365URL},
		{form: AccountForm{Email: "ann@contoso.com", URL: "https://eas.contoso.com/Microsoft-Server-ActiveSync"},
			wantURL: "https://eas.contoso.com/Microsoft-Server-ActiveSync"},
		{form: AccountForm{}, wantErr: "e-mail address"},
		{form: AccountForm{Email: "ann"}, wantErr: "not an e-mail address"},
	} {
		acc, err := tc.form.M365Account()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%+v: error %v; want %q", tc.form, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", tc.form, err)
			continue
		}
		if acc.Auth != config.AuthOAuth2 || acc.URL != tc.wantURL || acc.User != tc.form.Email || acc.Name != "contoso.com" {
			t.Errorf("%+v: account %+v", tc.form, acc)
		}
	}
}
