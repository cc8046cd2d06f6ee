// Package config reads and writes Cradle's configuration file: the
// accounts and where each server folder lives locally. It never holds a
// password or token (see bridge/secret).
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
)

// FileName is the configuration file's name inside the config directory.
const FileName = "config.toml"

// Config is the whole configuration.
type Config struct {
	// Accounts are the ActiveSync accounts, in the user's order.
	Accounts []Account `toml:"account"`
	// Local configures "This computer", the account without a server.
	Local Local `toml:"local"`
	// IntegrityCheck is how often every folder is compared in full with
	// the server, healing changes a server failed to report ("24h" by
	// default; "off" disables it).
	IntegrityCheck string `toml:"integrity_check,omitempty"`
}

// IntegrityInterval parses IntegrityCheck; 0 means off.
func (c *Config) IntegrityInterval() (time.Duration, error) {
	switch strings.TrimSpace(c.IntegrityCheck) {
	case "":
		return 24 * time.Hour, nil
	case "off", "0":
		return 0, nil
	}
	d, err := time.ParseDuration(c.IntegrityCheck)
	if err != nil || d < time.Minute {
		return 0, fmt.Errorf("integrity_check %q: want a duration of at least 1m (e.g. 24h) or off", c.IntegrityCheck)
	}
	return d, nil
}

// Local is the built-in account whose collections live only on disk.
type Local struct {
	// Disabled hides it (people who only sync with a server).
	Disabled bool `toml:"disabled,omitempty"`
	// Contacts and Calendar override the default vdir paths.
	Contacts string `toml:"contacts,omitempty"`
	Calendar string `toml:"calendar,omitempty"`
}

// Account is one ActiveSync account.
type Account struct {
	Name string `toml:"name"`
	// Email is used for autodiscover and to recognise the user among a
	// meeting's attendees.
	Email string `toml:"email,omitempty"`
	URL   string `toml:"url"`
	User  string `toml:"user"`
	// Auth is how Cradle signs in: "" or "basic" sends the user name and
	// the stored password; "oauth2" sends a Microsoft 365 bearer token
	// whose refresh token is stored in place of the password.
	Auth string `toml:"auth,omitempty"`
	// Authority is the OAuth2 authority for Auth "oauth2": the token
	// endpoint is Authority+"/token" and the device-code endpoint
	// Authority+"/devicecode". The tenant is part of it; empty means
	// DefaultAuthority (any work, school or personal account).
	Authority string `toml:"authority,omitempty"`
	// ClientID is the OAuth2 client (application) id for Auth "oauth2";
	// empty means DefaultClientID.
	ClientID string `toml:"client_id,omitempty"`
	// CalendarWindow limits calendar sync: "all" (default), "2w", "1m",
	// "3m" or "6m" back from today.
	CalendarWindow string `toml:"calendar_window,omitempty"`
	// PinnedCert is the SHA-256 fingerprint (hex) of a self-signed server
	// certificate the user chose to trust.
	PinnedCert string `toml:"pinned_cert,omitempty"`
	// Folders override where server folders go; folders not listed get a
	// vdir under the data directory.
	Folders []Folder `toml:"folder,omitempty"`
}

// Folder maps one server folder.
type Folder struct {
	// ID is the server's folder id, as `cradle status` shows it.
	ID string `toml:"id"`
	// Path is a vdir directory, or a .vcf/.ics file when Store is "file".
	Path  string `toml:"path,omitempty"`
	Store string `toml:"store,omitempty"` // "vdir" (default) or "file"
	// Skip leaves the folder unsynced.
	Skip bool `toml:"skip,omitempty"`
}

// Folder returns the mapping for a server folder id, if any.
func (a *Account) Folder(id string) (Folder, bool) {
	for _, f := range a.Folders {
		if f.ID == id {
			return f, true
		}
	}
	return Folder{}, false
}

// WindowDays converts CalendarWindow to days (0 = everything).
func (a *Account) WindowDays() (int, error) {
	switch strings.ToLower(strings.TrimSpace(a.CalendarWindow)) {
	case "", "all":
		return 0, nil
	case "2w":
		return 14, nil
	case "1m":
		return 31, nil
	case "3m":
		return 93, nil
	case "6m":
		return 186, nil
	}
	return 0, fmt.Errorf("account %s: calendar_window %q: want all, 2w, 1m, 3m or 6m", a.Name, a.CalendarWindow)
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate checks names, URLs and mappings.
func (c *Config) Validate() error {
	if _, err := c.IntegrityInterval(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		if !nameRE.MatchString(a.Name) {
			return fmt.Errorf("account %q: a name is 1-64 letters, digits, '.', '_' or '-'", a.Name)
		}
		if a.Name == LocalName {
			return fmt.Errorf("account %q: the name is reserved for This computer", a.Name)
		}
		if seen[a.Name] {
			return fmt.Errorf("account %q: defined twice", a.Name)
		}
		seen[a.Name] = true
		if !strings.HasPrefix(a.URL, "https://") && !strings.HasPrefix(a.URL, "http://") {
			return fmt.Errorf("account %s: url %q: want https://…", a.Name, a.URL)
		}
		if _, err := a.WindowDays(); err != nil {
			return err
		}
		if err := a.validateAuth(); err != nil {
			return err
		}
		for _, f := range a.Folders {
			if f.Store != "" && f.Store != "vdir" && f.Store != "file" {
				return fmt.Errorf("account %s: folder %s: store %q: want vdir or file", a.Name, f.ID, f.Store)
			}
		}
	}
	return nil
}

// LocalName is the account name of "This computer".
const LocalName = "local"

// Account returns the named account.
func (c *Config) Account(name string) (*Account, bool) {
	for i := range c.Accounts {
		if c.Accounts[i].Name == name {
			return &c.Accounts[i], true
		}
	}
	return nil, false
}

// Load reads dir/config.toml. A missing file is an empty configuration.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, FileName)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	md, err := toml.Decode(string(b), &c)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("config %s: unknown setting %q", path, und[0].String())
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &c, nil
}

// Save validates c and writes it to dir/config.toml atomically.
func Save(dir string, c *Config) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("# Cradle configuration. Passwords and sign-in tokens are kept in the system keyring, never here.\n\n")
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return atomicfile.WriteFile(filepath.Join(dir, FileName), b.Bytes(), 0o600)
}
