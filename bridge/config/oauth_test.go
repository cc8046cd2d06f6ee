package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestValidateAuth(t *testing.T) {
	base := Account{Name: "m365", URL: M365URL, User: "ann@example.com"}
	with := func(f func(a *Account)) Account { a := base; f(&a); return a }
	cases := []struct {
		name    string
		acc     Account
		wantErr string // "" = valid
	}{
		{"password by default", base, ""},
		{"explicit basic", with(func(a *Account) { a.Auth = AuthBasic }), ""},
		{"oauth2 with client id", with(func(a *Account) { a.Auth = AuthOAuth2; a.ClientID = "app-1" }), ""},
		{"oauth2 with tenant authority", with(func(a *Account) {
			a.Auth, a.ClientID, a.Authority = AuthOAuth2, "app-1", "https://login.microsoftonline.com/contoso.com/oauth2/v2.0"
		}), ""},
		{"oauth2 without client id", with(func(a *Account) { a.Auth = AuthOAuth2 }), "needs a client_id"},
		{"unknown auth", with(func(a *Account) { a.Auth = "ntlm" }), `auth "ntlm"`},
		{"authority not a URL", with(func(a *Account) { a.Auth, a.ClientID, a.Authority = AuthOAuth2, "app-1", "login.example" }), "authority"},
		{"client id on a password account", with(func(a *Account) { a.ClientID = "app-1" }), "apply only to"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := (&Config{Accounts: []Account{tc.acc}}).Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v; want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestDefaultClientIDSatisfiesValidation(t *testing.T) {
	old := DefaultClientID
	t.Cleanup(func() { DefaultClientID = old })
	DefaultClientID = "built-in"
	a := Account{Name: "m365", URL: M365URL, User: "ann", Auth: AuthOAuth2}
	if err := (&Config{Accounts: []Account{a}}).Validate(); err != nil {
		t.Fatal(err)
	}
	c := a.OAuth2Config()
	if c.ClientID != "built-in" || c.Endpoint.TokenURL != DefaultAuthority+"/token" ||
		c.Endpoint.DeviceAuthURL != DefaultAuthority+"/devicecode" {
		t.Errorf("config %+v", c)
	}
	a.Authority = "http://127.0.0.1:1/t/"
	if got := a.OAuth2Config().Endpoint.TokenURL; got != "http://127.0.0.1:1/t/token" {
		t.Errorf("token URL %q", got)
	}
}

func TestOAuth2AccountRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a := Account{Name: "m365", URL: M365URL, User: "ann", Auth: AuthOAuth2, ClientID: "app-1",
		Authority: "https://login.microsoftonline.com/contoso.com/oauth2/v2.0"}
	if err := Save(dir, &Config{Accounts: []Account{a}}); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := got.Account("m365"); !reflect.DeepEqual(*g, a) {
		t.Errorf("loaded %+v; want %+v", g, a)
	}
}
