// Package secret keeps account passwords and tokens out of the
// configuration and the state database: in the system keyring (Secret
// Service on Linux, the Credential Manager on Windows, the Keychain on
// macOS) or, where none is running, in a file only the user can read,
// with a warning that says so.
package secret

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/zalando/go-keyring"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
)

// Service is the keyring service name Cradle's secrets are filed under.
const Service = "cradle"

// ErrNotFound reports that no secret is stored for the account.
var ErrNotFound = errors.New("secret: not found")

// Store keeps one secret per account.
type Store interface {
	Get(account string) (string, error)
	Set(account, secret string) error
	Delete(account string) error
}

// Open returns the keyring if it works here, else a file store at
// dir/secrets.json (0600) and logs a warning once.
func Open(dir string) Store {
	if os.Getenv("CRADLE_SECRETS") != "file" && keyringWorks() {
		return Keyring{}
	}
	warnOnce.Do(func() {
		slog.Warn("no system keyring available: passwords are stored in a file only you can read",
			"file", filepath.Join(dir, fileName))
	})
	return &File{Path: filepath.Join(dir, fileName)}
}

var warnOnce sync.Once

const fileName = "secrets.json"

func keyringWorks() bool {
	// A lookup of an entry that does not exist answers ErrNotFound only
	// when the service is reachable.
	_, err := keyring.Get(Service, "cradle-probe")
	return errors.Is(err, keyring.ErrNotFound) || err == nil
}

// Keyring stores secrets in the system keyring.
type Keyring struct{}

// Get returns the account's secret.
func (Keyring) Get(account string) (string, error) {
	s, err := keyring.Get(Service, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", fmt.Errorf("account %s: %w", account, ErrNotFound)
	}
	return s, err
}

// Set stores the account's secret.
func (Keyring) Set(account, secret string) error { return keyring.Set(Service, account, secret) }

// Delete forgets the account's secret; a missing one is not an error.
func (Keyring) Delete(account string) error {
	err := keyring.Delete(Service, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}

// File stores secrets as JSON in a 0600 file. It is the fallback for
// machines without a keyring service (servers, minimal desktops, CI).
type File struct {
	Path string
	mu   sync.Mutex
}

func (f *File) load() (map[string]string, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("secrets file %s: %w", f.Path, err)
	}
	return m, nil
}

func (f *File) save(m map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(f.Path, b, 0o600)
}

// Get returns the account's secret.
func (f *File) Get(account string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", err
	}
	s, ok := m[account]
	if !ok {
		return "", fmt.Errorf("account %s: %w", account, ErrNotFound)
	}
	return s, nil
}

// Set stores the account's secret.
func (f *File) Set(account, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	m[account] = secret
	return f.save(m)
}

// Delete forgets the account's secret.
func (f *File) Delete(account string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	delete(m, account)
	return f.save(m)
}
