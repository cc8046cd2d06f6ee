package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push/easclient"
)

// tokenTimeout bounds one token refresh; the identity platform answers
// in well under a second when it is reachable at all.
const tokenTimeout = time.Minute

// authorizer signs ac's requests: with the stored password, or for a
// Microsoft 365 account with a bearer token that is refreshed when it
// expires and stored again, so a rotated refresh token survives a restart.
// A missing secret is logged (without its value) and leaves an
// authorizer the server will refuse or that fails each request, so the
// account shows as unable to sign in rather than not at all.
func (e *Engine) authorizer(ac config.Account, log *slog.Logger) easclient.Authorizer {
	if !ac.OAuth2() {
		pw, err := e.opts.Secrets.Get(ac.Name)
		if err != nil {
			log.Warn("no password stored; run 'cradle account add' again", "err", err)
		}
		return easclient.BasicAuth(ac.User, pw)
	}
	tok, err := secret.GetToken(e.opts.Secrets, ac.Name)
	if err != nil {
		log.Warn("no Microsoft 365 sign-in stored; run 'cradle account add --microsoft365' again", "err", err)
		return easclient.AuthorizerFunc(func(*http.Request) error {
			return fmt.Errorf("account %s: no Microsoft 365 sign-in stored (%v): %w", ac.Name, err, signInNeeded)
		})
	}
	// Refreshes happen inside whichever request needs one; the context
	// only carries the HTTP client, whose timeout bounds each refresh.
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: tokenTimeout})
	src := ac.OAuth2Config().TokenSource(ctx, tok)
	bearer := easclient.BearerAuth(secret.NewTokenSource(src, e.opts.Secrets, ac.Name, tok, log))
	return easclient.AuthorizerFunc(func(req *http.Request) error {
		err := bearer.Authorize(req)
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			// The refresh token was revoked or has expired: only a new
			// sign-in helps, so the session must wait for the user
			// rather than retry.
			return fmt.Errorf("account %s: Microsoft 365 sign-in expired; run 'cradle account add --microsoft365' again: %w", ac.Name, signInNeeded)
		}
		return err
	})
}

// signInNeeded makes a missing or refused token an authentication
// failure, which the session reports and waits on instead of retrying.
var signInNeeded = &easclient.AuthError{Command: "OAuth2 token"}
