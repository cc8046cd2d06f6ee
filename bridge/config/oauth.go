package config

import (
	"fmt"
	"strings"

	"golang.org/x/oauth2"
)

// Auth values of Account.Auth.
const (
	AuthBasic  = "basic"
	AuthOAuth2 = "oauth2"
)

// DefaultAuthority is the Microsoft identity platform authority for any
// tenant ("common"): work, school and personal Microsoft accounts.
const DefaultAuthority = "https://login.microsoftonline.com/common/oauth2/v2.0"

// DefaultClientID is the OAuth2 client id used when an account names
// none. Microsoft issues tokens only to a registered application: a
// public client with "Allow public client flows" enabled and the
// delegated Exchange permission EAS.AccessAsUser.All. Cradle ships
// without one; a build sets it with
//
//	go build -ldflags "-X github.com/cradle-sync/cradle/bridge/config.DefaultClientID=<application id>"
//
// and a user can always name their own (or their organisation's) in the
// account's client_id.
var DefaultClientID = ""

// M365Scopes are the scopes asked for a Microsoft 365 account: Exchange
// ActiveSync on behalf of the user, and offline_access for the refresh
// token that keeps Cradle signed in.
var M365Scopes = []string{"https://outlook.office365.com/EAS.AccessAsUser.All", "offline_access"}

// M365URL is the ActiveSync URL of Exchange Online.
const M365URL = "https://outlook.office365.com/Microsoft-Server-ActiveSync"

// OAuth2 reports whether the account signs in with an OAuth2 token
// instead of a password.
func (a *Account) OAuth2() bool { return a.Auth == AuthOAuth2 }

// OAuth2Config returns the OAuth2 client configuration of an "oauth2"
// account, with the defaults filled in. The endpoints take their
// parameters in the form body: Microsoft's public clients have no secret
// to send in a header.
func (a *Account) OAuth2Config() *oauth2.Config {
	auth := strings.TrimRight(a.Authority, "/")
	if auth == "" {
		auth = DefaultAuthority
	}
	id := a.ClientID
	if id == "" {
		id = DefaultClientID
	}
	return &oauth2.Config{
		ClientID: id,
		Scopes:   append([]string(nil), M365Scopes...),
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: auth + "/devicecode",
			TokenURL:      auth + "/token",
			AuthStyle:     oauth2.AuthStyleInParams,
		},
	}
}

func (a *Account) validateAuth() error {
	switch a.Auth {
	case "", AuthBasic:
		if a.Authority != "" || a.ClientID != "" {
			return fmt.Errorf("account %s: authority and client_id apply only to auth = %q", a.Name, AuthOAuth2)
		}
		return nil
	case AuthOAuth2:
	default:
		return fmt.Errorf("account %s: auth %q: want basic or oauth2", a.Name, a.Auth)
	}
	if a.Authority != "" && !strings.HasPrefix(a.Authority, "https://") && !strings.HasPrefix(a.Authority, "http://") {
		return fmt.Errorf("account %s: authority %q: want https://…", a.Name, a.Authority)
	}
	if a.OAuth2Config().ClientID == "" {
		return fmt.Errorf("account %s: auth = %q needs a client_id: the id of an application registered with Microsoft as a public client allowed to use EAS.AccessAsUser.All", a.Name, AuthOAuth2)
	}
	return nil
}
