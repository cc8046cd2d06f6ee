package secret

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"golang.org/x/oauth2"
)

// GetToken returns the OAuth2 token stored for account by SetToken. An
// account without one answers an error wrapping ErrNotFound.
func GetToken(s Store, account string) (*oauth2.Token, error) {
	raw, err := s.Get(account)
	if err != nil {
		return nil, err
	}
	var tok oauth2.Token
	// The error is not wrapped: json's syntax errors quote the input,
	// which here is a secret.
	if json.Unmarshal([]byte(raw), &tok) != nil || tok.RefreshToken == "" && tok.AccessToken == "" {
		return nil, fmt.Errorf("account %s: the stored secret is not an OAuth2 token", account)
	}
	return &tok, nil
}

// SetToken stores tok (with its refresh token and expiry) as account's
// secret, in place of a password.
func SetToken(s Store, account string, tok *oauth2.Token) error {
	if tok == nil {
		return errors.New("secret: nil token")
	}
	b, err := json.Marshal(tok)
	if err != nil {
		return fmt.Errorf("account %s: encode token: %w", account, err)
	}
	if err := s.Set(account, string(b)); err != nil {
		return fmt.Errorf("account %s: store token: %w", account, err)
	}
	return nil
}

// TokenSource hands out the tokens of an underlying source (one that
// refreshes, such as oauth2.Config.TokenSource) and stores each new one
// in a Store, so that a refresh token the server rotated survives a
// restart. It is safe for concurrent use.
type TokenSource struct {
	src     oauth2.TokenSource
	store   Store
	account string
	log     *slog.Logger

	mu   sync.Mutex
	last oauth2.Token // what the store holds
}

// NewTokenSource returns a TokenSource for account whose store already
// holds saved (nil if nothing is stored yet). Failures to store a token
// are logged on log (nil means slog.Default), never with the token, and
// do not fail Token: the current token still works, and the old refresh
// token usually does too.
func NewTokenSource(src oauth2.TokenSource, s Store, account string, saved *oauth2.Token, log *slog.Logger) *TokenSource {
	if log == nil {
		log = slog.Default()
	}
	ts := &TokenSource{src: src, store: s, account: account, log: log}
	if saved != nil {
		ts.last = *saved
	}
	return ts
}

// Token returns a valid token, storing it first if it differs from the
// stored one.
func (ts *TokenSource) Token() (*oauth2.Token, error) {
	// Held across src.Token so that two refreshes are stored in the
	// order they happened; the underlying source serializes anyway.
	ts.mu.Lock()
	defer ts.mu.Unlock()
	tok, err := ts.src.Token()
	if err != nil {
		return nil, err
	}
	if tok.AccessToken == ts.last.AccessToken && tok.RefreshToken == ts.last.RefreshToken {
		return tok, nil
	}
	save := *tok
	if save.RefreshToken == "" {
		// A refresh that returns no new refresh token keeps the old one
		// valid; oauth2 copies it into tok, but a source need not.
		save.RefreshToken = ts.last.RefreshToken
	}
	if err := SetToken(ts.store, ts.account, &save); err != nil {
		ts.log.Warn("could not store the refreshed sign-in token", "account", ts.account, "err", err)
		return tok, nil
	}
	ts.last = save
	return tok, nil
}
