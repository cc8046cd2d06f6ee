package cli

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

// This file exposes the steps of `cradle account add` to the setup
// window, which runs them one at a time with the user choosing in
// between. The command and the window share checkAccount and the saving
// rules, so an account set up either way is configured the same.

// ServerFolder is one contacts, calendar or task folder the server
// offers.
type ServerFolder struct {
	ID   string
	Name string
	// Kind is contacts, calendar or tasks.
	Kind string
}

// DiscoverServer finds the ActiveSync URL for email by autodiscover.
func DiscoverServer(ctx context.Context, email, password string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	res, err := easclient.Autodiscover(ctx, email, password, nil)
	if err != nil {
		return "", fmt.Errorf("autodiscover for %s: %w", email, err)
	}
	return res.URL, nil
}

// ProbeAccount signs in to acc's server with password, exactly as
// `cradle account add` checks an account, and returns the folders Cradle
// can sync. Errors are the raw client errors (wrapped), so the caller can
// tell a refused password from an untrusted certificate; see
// easclient.AuthError and easclient.AsCertificateError.
func ProbeAccount(ctx context.Context, acc config.Account, password string) ([]ServerFolder, error) {
	return probe(ctx, acc, easclient.BasicAuth(acc.User, password))
}

func probe(ctx context.Context, acc config.Account, auth easclient.Authorizer) ([]ServerFolder, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := easclient.New(easclient.Config{URL: acc.URL, User: acc.User, DeviceID: "cradlecheck",
		Auth: auth, HTTP: &http.Client{Transport: easclient.PinnedTransport(acc.PinnedCert)}})
	if err != nil {
		return nil, err
	}
	if _, err := c.Options(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", acc.URL, err)
	}
	resp, err := c.FolderSync(ctx, "0")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", acc.URL, err)
	}
	var out []ServerFolder
	if resp.Changes == nil {
		return out, nil
	}
	for _, f := range resp.Changes.Add {
		if f.Type == push.FolderRecipientInfoCache {
			continue // the server's address cache, not the user's contacts
		}
		var kind string
		switch f.Type.Class() {
		case push.ClassContacts:
			kind = "contacts"
		case push.ClassCalendar:
			kind = "calendar"
		case push.ClassTasks:
			kind = "tasks"
		default:
			continue
		}
		out = append(out, ServerFolder{ID: f.ServerID, Name: f.DisplayName, Kind: kind})
	}
	return out, nil
}

// SaveAccount adds acc to the configuration and stores password in the
// keyring, with the rules of `cradle account add`: the name must be new
// and the whole configuration must validate before anything is written.
// The password is stored before the configuration, so a saved account
// always has its secret.
func SaveAccount(acc config.Account, password string) error {
	return saveAccount(acc, func(s secret.Store) error {
		if err := s.Set(acc.Name, password); err != nil {
			return fmt.Errorf("store password: %w", err)
		}
		return nil
	})
}

// saveAccount adds acc to the configuration after store has put its
// secret in place.
func saveAccount(acc config.Account, store func(secret.Store) error) error {
	dirs, secrets, err := dirsAndSecrets()
	if err != nil {
		return err
	}
	cfg, err := config.Load(dirs.Config)
	if err != nil {
		return err
	}
	if _, exists := cfg.Account(acc.Name); exists {
		return fmt.Errorf("account %q exists; remove it first", acc.Name)
	}
	cfg.Accounts = append(cfg.Accounts, acc)
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := store(secrets); err != nil {
		return err
	}
	return config.Save(dirs.Config, cfg)
}
