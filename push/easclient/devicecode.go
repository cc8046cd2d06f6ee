package easclient

import (
	"context"
	"fmt"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/endpoints"
)

// ExchangeOnlineScopes are the OAuth2 scopes Exchange Online requires for
// EAS; offline_access yields the refresh token.
var ExchangeOnlineScopes = []string{"https://outlook.office.com/EAS.AccessAsUser.All", "offline_access"}

// MicrosoftEndpoint returns the Microsoft identity platform endpoint for a
// tenant ("common", "organizations" or a tenant id), including the
// device-code URL.
func MicrosoftEndpoint(tenant string) oauth2.Endpoint { return endpoints.AzureAD(tenant) }

// DeviceCodeLogin runs the OAuth2 device authorization grant (RFC 8628), as
// Microsoft 365 offers it to desktop apps: it asks endpoint.DeviceAuthURL
// for a code, calls prompt so the user can enter userCode at verifyURL in a
// browser, then polls endpoint.TokenURL until the user has signed in, ctx
// ends or the code expires.
//
// The returned TokenSource refreshes the token with its refresh token when
// it expires; pass it to BearerAuth. The token is also returned so that the
// caller can store the refresh token (in the OS keyring, never in logs).
// HTTP requests use the client in ctx under oauth2.HTTPClient, if any.
func DeviceCodeLogin(ctx context.Context, endpoint oauth2.Endpoint, clientID string, scopes []string,
	prompt func(userCode, verifyURL string)) (oauth2.TokenSource, *oauth2.Token, error) {
	conf := &oauth2.Config{ClientID: clientID, Endpoint: endpoint, Scopes: scopes}
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("device code login: request code: %w", err)
	}
	verify := da.VerificationURI
	if da.VerificationURIComplete != "" {
		verify = da.VerificationURIComplete
	}
	prompt(da.UserCode, verify)
	tok, err := conf.DeviceAccessToken(ctx, da)
	if err != nil {
		return nil, nil, fmt.Errorf("device code login: wait for sign-in: %w", err)
	}
	return TokenSource(ctx, endpoint, clientID, scopes, tok), tok, nil
}

// TokenSource returns a source that hands out tok while it is valid and
// refreshes it at endpoint.TokenURL with its refresh token afterwards, for
// a token stored from an earlier DeviceCodeLogin. ctx supplies the HTTP
// client (oauth2.HTTPClient) for refreshes and must outlive the source.
func TokenSource(ctx context.Context, endpoint oauth2.Endpoint, clientID string, scopes []string, tok *oauth2.Token) oauth2.TokenSource {
	conf := &oauth2.Config{ClientID: clientID, Endpoint: endpoint, Scopes: scopes}
	return conf.TokenSource(ctx, tok)
}
