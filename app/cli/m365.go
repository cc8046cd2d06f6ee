package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"golang.org/x/oauth2"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push/easclient"
)

// Microsoft 365 accounts sign in with the OAuth2 device-code flow: the
// user enters a short code at a Microsoft web page, in any browser, and
// Cradle receives a token whose refresh token is stored in place of a
// password. The steps are exported for the setup window, like the
// password ones in setup.go.

// Environment variables that override a Microsoft 365 account's OAuth2
// settings when no flag does: for organisations with their own
// application registration, and for tests against a local server.
const (
	envAuthority = "CRADLE_M365_AUTHORITY"
	envClientID  = "CRADLE_M365_CLIENT_ID"
)

// M365Account returns a Microsoft 365 account named name for email,
// syncing with url (config.M365URL if empty). authority and clientID
// are taken from the arguments, else from $CRADLE_M365_AUTHORITY and
// $CRADLE_M365_CLIENT_ID, else left empty for the configuration's
// defaults. The result is not validated.
func M365Account(name, email, url, authority, clientID string) config.Account {
	if url == "" {
		url = config.M365URL
	}
	if authority == "" {
		authority = os.Getenv(envAuthority)
	}
	if clientID == "" {
		clientID = os.Getenv(envClientID)
	}
	if authority == config.DefaultAuthority {
		authority = ""
	}
	if clientID == config.DefaultClientID {
		clientID = ""
	}
	return config.Account{Name: name, Email: email, User: email, URL: url, Auth: config.AuthOAuth2,
		Authority: authority, ClientID: clientID}
}

// signInTimeout bounds one HTTP request to the identity platform; the
// whole sign-in lasts as long as the device code does (about 15
// minutes) or until ctx ends.
const signInTimeout = time.Minute

// SignInM365 runs the device-code flow for acc, an "oauth2" account:
// prompt is called once with the code the user must enter and the page
// to enter it at, then SignInM365 waits until the user has signed in,
// the code expires or ctx ends. The token it returns holds the refresh
// token; store it with SaveM365Account and never log it.
func SignInM365(ctx context.Context, acc config.Account, prompt func(code, url string)) (*oauth2.Token, error) {
	if !acc.OAuth2() {
		return nil, fmt.Errorf("account %s does not sign in with Microsoft 365", acc.Name)
	}
	conf := acc.OAuth2Config()
	if conf.ClientID == "" {
		return nil, errors.New("no OAuth2 client id: this build has none; give the application id of one registered with Microsoft (--client-id)")
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: signInTimeout})
	_, tok, err := easclient.DeviceCodeLogin(ctx, conf.Endpoint, conf.ClientID, conf.Scopes, prompt)
	if err != nil {
		return nil, fmt.Errorf("Microsoft 365 sign-in: %w", err)
	}
	return tok, nil
}

// bearer returns the authorizer of a freshly signed-in account: tok,
// refreshed if it expires during setup.
func bearer(ctx context.Context, acc config.Account, tok *oauth2.Token) easclient.Authorizer {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: signInTimeout})
	return easclient.BearerAuth(acc.OAuth2Config().TokenSource(ctx, tok))
}

// ProbeM365Account is ProbeAccount for a Microsoft 365 account signed in
// with tok.
func ProbeM365Account(ctx context.Context, acc config.Account, tok *oauth2.Token) ([]ServerFolder, error) {
	return probe(ctx, acc, bearer(ctx, acc, tok))
}

// SaveM365Account is SaveAccount for a Microsoft 365 account: tok (with
// its refresh token) is stored as the account's secret.
func SaveM365Account(acc config.Account, tok *oauth2.Token) error {
	return saveAccount(acc, func(s secret.Store) error { return secret.SetToken(s, acc.Name, tok) })
}
