package uimodel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/oauth2"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/push/easclient"
)

// ProblemKind sorts what went wrong while signing in, so the setup
// window can offer the matching way out.
type ProblemKind int

// Kinds of sign-in problems.
const (
	OtherProblem   ProblemKind = iota
	WrongPassword              // the server refused the credentials
	ServerNotFound             // no such host, refused connection, no autodiscover answer
	UntrustedCert              // TLS verification failed; Fingerprint says which certificate
)

// Problem is a sign-in failure in plain words.
type Problem struct {
	Kind ProblemKind
	// Message is one or two sentences for the user.
	Message string
	// Fingerprint is the SHA-256 fingerprint (hex) of the certificate
	// the server presented, for UntrustedCert.
	Fingerprint string
}

// Explain says in plain words why signing in to server failed. server
// is the URL or e-mail address the user gave.
func Explain(server string, err error) Problem {
	var auth *easclient.AuthError
	var dns *net.DNSError
	if ce, ok := easclient.AsCertificateError(err); ok {
		return Problem{Kind: UntrustedCert, Fingerprint: ce.Fingerprint,
			Message: fmt.Sprintf("The server's certificate is not trusted (%v). Trust it only if you know this is your server's certificate.", ce.Err)}
	}
	switch {
	case errors.As(err, &auth):
		return Problem{Kind: WrongPassword, Message: "The server rejected the user name or password."}
	case errors.As(err, &dns), errors.Is(err, syscall.ECONNREFUSED):
		return Problem{Kind: ServerNotFound, Message: fmt.Sprintf("No server answered at %s. Check the address, or enter the server's ActiveSync URL.", server)}
	case strings.Contains(err.Error(), "autodiscover"):
		return Problem{Kind: ServerNotFound, Message: "Cradle could not find your server from the e-mail address. Enter the server's ActiveSync URL (ask your administrator, or look in your phone's mail settings)."}
	}
	return Problem{Kind: OtherProblem, Message: Sentence(err)}
}

// Placement is where one server folder goes.
type Placement int

// Placements offered for each folder.
const (
	DefaultVdir Placement = iota // a vdir under the data directory
	CustomVdir                   // a vdir at a path the user chose
	SingleFile                   // one .vcf/.ics file at a path the user chose
	Skip                         // not synced
)

// Placements lists the placement names as the window offers them.
var Placements = []string{"Default folder", "Choose folder", "Single file", "Skip"}

// FolderChoice is the user's choice for one server folder.
type FolderChoice struct {
	ID, Name, Kind string
	Where          Placement
	// Path is the folder or file for CustomVdir and SingleFile.
	Path string
}

// Mapping returns the configuration entry for the choice; ok is false for
// DefaultVdir, which needs none.
func (c FolderChoice) Mapping() (config.Folder, bool, error) {
	switch c.Where {
	case DefaultVdir:
		return config.Folder{}, false, nil
	case Skip:
		return config.Folder{ID: c.ID, Skip: true}, true, nil
	}
	p := strings.TrimSpace(c.Path)
	if p == "" || !filepath.IsAbs(p) {
		return config.Folder{}, false, fmt.Errorf("folder %s: choose where it goes (a full path)", c.Name)
	}
	if c.Where == CustomVdir {
		return config.Folder{ID: c.ID, Path: p, Store: "vdir"}, true, nil
	}
	want := ".ics"
	if c.Kind == "contacts" {
		want = ".vcf"
	}
	if ext := strings.ToLower(filepath.Ext(p)); ext != want {
		return config.Folder{}, false, fmt.Errorf("folder %s: a single file for %s must end in %s", c.Name, c.Kind, want)
	}
	return config.Folder{ID: c.ID, Path: p, Store: "file"}, true, nil
}

// CalendarWindows are the calendar window choices: label and config
// value.
var CalendarWindows = [][2]string{
	{"All events", "all"}, {"Last 2 weeks onwards", "2w"}, {"Last month onwards", "1m"},
	{"Last 3 months onwards", "3m"}, {"Last 6 months onwards", "6m"},
}

// AccountForm is the setup window's first page.
type AccountForm struct {
	Name, Email, Password string
	// URL is the ActiveSync URL; empty asks autodiscover.
	URL string
	// User defaults to Email.
	User string
}

// Account checks the form and returns the account to probe. Without a
// URL the caller runs autodiscover first and sets it.
func (f AccountForm) Account() (config.Account, error) {
	acc := config.Account{
		Name:  strings.TrimSpace(f.Name),
		Email: strings.TrimSpace(f.Email),
		URL:   strings.TrimSpace(f.URL),
		User:  strings.TrimSpace(f.User),
	}
	if acc.User == "" {
		acc.User = acc.Email
	}
	if acc.Name == "" {
		acc.Name = defaultName(acc.Email)
	}
	switch {
	case acc.Email == "" && acc.URL == "":
		return acc, errors.New("enter your e-mail address")
	case acc.Email != "" && !strings.Contains(acc.Email, "@"):
		return acc, fmt.Errorf("%q is not an e-mail address", acc.Email)
	case acc.User == "":
		return acc, errors.New("enter the user name")
	case f.Password == "":
		return acc, errors.New("enter the password")
	case acc.Name == "":
		return acc, errors.New("give the account a name")
	}
	if acc.URL != "" {
		u, err := url.Parse(acc.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return acc, fmt.Errorf("%q is not a server address; it looks like https://mail.example.com/Microsoft-Server-ActiveSync", acc.URL)
		}
	}
	return acc, nil
}

// M365Account checks the form for a Microsoft 365 sign-in, which needs
// the e-mail address only: the password is entered at Microsoft's page,
// and the server is Exchange Online unless the form names another.
func (f AccountForm) M365Account() (config.Account, error) {
	f.Password = "unused" // Account insists on one
	if strings.TrimSpace(f.URL) == "" {
		f.URL = config.M365URL
	}
	if strings.TrimSpace(f.Email) == "" {
		return config.Account{}, errors.New("enter your Microsoft 365 e-mail address")
	}
	acc, err := f.Account()
	if err != nil {
		return acc, err
	}
	acc.Auth = config.AuthOAuth2
	return acc, nil
}

// defaultName names an account after its mail domain ("example.com").
func defaultName(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 && i < len(email)-1 {
		return strings.ToLower(email[i+1:])
	}
	return ""
}

// ServerFolder is a contacts, calendar or task folder a server offers.
type ServerFolder struct {
	ID, Name string
	// Kind is contacts, calendar or tasks.
	Kind string
}

// AccountSetup signs in to servers and saves accounts; the desktop
// package implements it with app/cli's account functions.
type AccountSetup interface {
	// Discover finds the ActiveSync URL for an e-mail address.
	Discover(ctx context.Context, email, password string) (string, error)
	// Probe signs in and lists the folders Cradle can sync.
	Probe(ctx context.Context, acc config.Account, password string) ([]ServerFolder, error)
	// Save adds the account to the configuration and its password to the
	// keyring.
	Save(acc config.Account, password string) error
	// SignInM365 signs acc (see AccountForm.M365Account) in to Microsoft
	// 365 with a device code: prompt is called once, from any goroutine,
	// with the code the user enters at the page verifyURL; SignInM365
	// then waits for the sign-in (until ctx ends or the code expires)
	// and lists the folders. It returns acc completed with the OAuth2
	// settings in effect, and the token for SaveM365, which must never
	// be shown or logged.
	SignInM365(ctx context.Context, acc config.Account, prompt func(code, verifyURL string)) (config.Account, *oauth2.Token, []ServerFolder, error)
	// SaveM365 is Save for a Microsoft 365 account: tok goes to the
	// keyring in place of a password.
	SaveM365(acc config.Account, tok *oauth2.Token) error
}

// Autostart reads and switches whether Cradle starts at login. The windows
// run in cradle-ui, not in the daemon's program, so the entry must be
// written for `cradle run` by whoever implements this (the desktop
// package asks the cradle program beside cradle-ui).
type Autostart interface {
	Autostart() (bool, error)
	SetAutostart(on bool) error
}
