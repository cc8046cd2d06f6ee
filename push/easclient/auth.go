package easclient

import (
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"
)

// Doer sends an HTTP request, like (*http.Client).Do. It must not retry or
// time out requests on its own schedule: a Ping is held by the server for
// its whole heartbeat, so the Client sets per-request deadlines through the
// request's context instead (an *http.Client with Timeout set below the
// longest heartbeat breaks Direct Push).
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// Authorizer adds credentials to an outgoing request. It is called for
// every request, so a token-based Authorizer can refresh as needed.
type Authorizer interface {
	Authorize(req *http.Request) error
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(req *http.Request) error

// Authorize calls f(req).
func (f AuthorizerFunc) Authorize(req *http.Request) error { return f(req) }

// BasicAuth returns an Authorizer that sends HTTP Basic credentials.
func BasicAuth(user, password string) Authorizer {
	return AuthorizerFunc(func(req *http.Request) error {
		req.SetBasicAuth(user, password)
		return nil
	})
}

// BearerAuth returns an Authorizer that sends an OAuth2 bearer token from
// ts. Wrap ts with oauth2.ReuseTokenSource (DeviceCodeLogin's source already
// is) so that a token is fetched only when the cached one expires and is
// refreshed with its refresh token.
func BearerAuth(ts oauth2.TokenSource) Authorizer {
	return AuthorizerFunc(func(req *http.Request) error {
		tok, err := ts.Token()
		if err != nil {
			return fmt.Errorf("oauth2 token: %w", err)
		}
		if tok.AccessToken == "" {
			return errors.New("oauth2 token: empty access token")
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		return nil
	})
}

// WithAuth returns a Doer that authorizes each request with a before
// passing it to d. The request is cloned first, so the caller's header is
// never modified.
func WithAuth(d Doer, a Authorizer) Doer {
	return authDoer{d: d, a: a}
}

type authDoer struct {
	d Doer
	a Authorizer
}

func (ad authDoer) Do(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if err := ad.a.Authorize(r); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return ad.d.Do(r)
}
