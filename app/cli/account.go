package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/secret"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

func newAccount(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "account", Short: "Add, list and remove ActiveSync accounts"}
	cmd.AddCommand(newAccountAdd(e), newAccountList(e), newAccountRemove(e))
	return cmd
}

func dirsAndSecrets() (config.Dirs, secret.Store, error) {
	d, err := config.DefaultDirs()
	if err != nil {
		return d, nil, err
	}
	return d, secret.Open(d.Data), nil
}

func newAccountAdd(e *env) *cobra.Command {
	var url, user, email, window, trust, authority, clientID string
	var pwStdin, noCheck, m365 bool
	cmd := &cobra.Command{
		Use:   "add NAME (--email ADDRESS | --url URL --user USER) [--password-stdin] | NAME --microsoft365 --email ADDRESS",
		Short: "Add an account; the server is contacted to check the credentials first",
		Long: `Adds an ActiveSync account. With --email the server is found by
autodiscover; otherwise give the ActiveSync URL and the user name. The
password goes to the system keyring, never into the configuration file.
Every contacts, calendar and task folder of the account is then kept in a
vdir under the data directory unless the configuration maps it elsewhere.

With --microsoft365 the account signs in to Exchange Online with a code
entered at a Microsoft web page instead of a password; the sign-in token
goes to the keyring. Microsoft only signs in registered applications:
give the application (client) id of one registered as a public client
with the EAS.AccessAsUser.All permission with --client-id (or
$CRADLE_M365_CLIENT_ID) unless this build has one built in. --authority
(or $CRADLE_M365_AUTHORITY) names a single tenant, e.g.
https://login.microsoftonline.com/contoso.com/oauth2/v2.0.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			name := args[0]
			dirs, secrets, err := dirsAndSecrets()
			if err != nil {
				return err
			}
			cfg, err := config.Load(dirs.Config)
			if err != nil {
				return err
			}
			if _, exists := cfg.Account(name); exists {
				return fmt.Errorf("account %q exists; remove it first", name)
			}
			if m365 {
				if pwStdin || user != "" {
					return errors.New("--microsoft365 signs in with a code, not a user name and password")
				}
				if email == "" {
					return errors.New("--microsoft365 needs --email")
				}
				acc := M365Account(name, email, url, authority, clientID)
				acc.CalendarWindow, acc.PinnedCert = window, trust
				return addM365(ctx, e, cfg, dirs, secrets, acc, noCheck)
			}
			if authority != "" || clientID != "" {
				return errors.New("--authority and --client-id apply only with --microsoft365")
			}
			pw, err := readPassword(e, pwStdin)
			if err != nil {
				return err
			}
			if url == "" {
				if email == "" {
					return errors.New("give --email for autodiscover, or --url and --user")
				}
				res, err := easclient.Autodiscover(ctx, email, pw, nil)
				if err != nil {
					return fmt.Errorf("autodiscover for %s: %w (give --url and --user instead)", email, err)
				}
				url = res.URL
				fmt.Fprintf(e.stdout, "found %s\n", url)
			}
			if user == "" {
				user = email
			}
			acc := config.Account{Name: name, URL: url, User: user, Email: email, CalendarWindow: window, PinnedCert: trust}
			if !noCheck {
				if err := checkAccount(ctx, acc, pw); err != nil {
					return err
				}
			}
			cfg.Accounts = append(cfg.Accounts, acc)
			if err := cfg.Validate(); err != nil {
				return err
			}
			if err := secrets.Set(name, pw); err != nil {
				return fmt.Errorf("store password: %w", err)
			}
			if err := config.Save(dirs.Config, cfg); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "account %s added; 'cradle run' syncs it\n", name)
			running, err := reloadDaemon(ctx)
			tellReload(e, running, err, "is syncing it now")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&email, "email", "", "e-mail address (autodiscover finds the server)")
	f.StringVar(&url, "url", "", "ActiveSync URL, e.g. https://mail.example.com/Microsoft-Server-ActiveSync")
	f.StringVar(&user, "user", "", "user name (default: the e-mail address)")
	f.StringVar(&window, "calendar-window", "", "how far back to sync calendars: all, 2w, 1m, 3m, 6m")
	f.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input")
	f.BoolVar(&noCheck, "no-check", false, "save without contacting the server")
	f.BoolVar(&m365, "microsoft365", false, "sign in to Microsoft 365 (Exchange Online) with a code instead of a password")
	f.StringVar(&authority, "authority", "", "Microsoft 365: OAuth2 authority (default "+config.DefaultAuthority+")")
	f.StringVar(&clientID, "client-id", "", "Microsoft 365: the OAuth2 application (client) id to sign in with")
	f.StringVar(&trust, "trust-fingerprint", "", "trust a self-signed server certificate with this SHA-256 fingerprint (shown when the certificate is refused)")
	return cmd
}

// addM365 signs acc in with a device code, checks it with the token and
// saves it, the token in place of a password.
func addM365(ctx context.Context, e *env, cfg *config.Config, dirs config.Dirs, secrets secret.Store,
	acc config.Account, noCheck bool) error {
	// Checked before the user is asked to sign in, not after.
	if err := (&config.Config{Accounts: append(append([]config.Account(nil), cfg.Accounts...), acc)}).Validate(); err != nil {
		return err
	}
	tok, err := SignInM365(ctx, acc, func(code, url string) {
		fmt.Fprintf(e.stdout, "To sign in, open %s in a browser and enter the code %s\nWaiting for the sign-in…\n", url, code)
	})
	if err != nil {
		return err
	}
	if !noCheck {
		if err := checkAccountAuth(ctx, acc, bearer(ctx, acc, tok)); err != nil {
			var auth *easclient.AuthError
			if errors.As(err, &auth) {
				// plainError speaks of passwords; here Microsoft signed the
				// user in but the server would not take the token.
				return fmt.Errorf("the server at %s refused the Microsoft 365 sign-in (is ActiveSync enabled for %s?)", acc.URL, acc.Email)
			}
			return plainError(acc.URL, err)
		}
	}
	cfg.Accounts = append(cfg.Accounts, acc)
	if err := secret.SetToken(secrets, acc.Name, tok); err != nil {
		return err
	}
	if err := config.Save(dirs.Config, cfg); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "account %s added; 'cradle run' syncs it\n", acc.Name)
	running, err := reloadDaemon(ctx)
	tellReload(e, running, err, "is syncing it now")
	return nil
}

// checkAccount proves the URL and credentials work before anything is saved.
func checkAccount(ctx context.Context, acc config.Account, pw string) error {
	if err := checkAccountAuth(ctx, acc, easclient.BasicAuth(acc.User, pw)); err != nil {
		return plainError(acc.URL, err)
	}
	return nil
}

// checkAccountAuth is checkAccount with any credentials; its errors are
// the client's, for the caller to explain.
func checkAccountAuth(ctx context.Context, acc config.Account, auth easclient.Authorizer) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := easclient.New(easclient.Config{URL: acc.URL, User: acc.User, DeviceID: "cradlecheck",
		Auth: auth, HTTP: &http.Client{Transport: easclient.PinnedTransport(acc.PinnedCert)}})
	if err != nil {
		return err
	}
	if _, err := c.Options(ctx); err != nil {
		return err
	}
	if _, err := c.FolderSync(ctx, "0"); err != nil {
		return err
	}
	return nil
}

// plainError says in plain words what went wrong talking to a server.
func plainError(url string, err error) error {
	var auth *easclient.AuthError
	var perr *push.Error
	if ce, ok := easclient.AsCertificateError(err); ok {
		return fmt.Errorf("the server's certificate is not trusted (%v).\nIts SHA-256 fingerprint is %s.\nIf you know this is your server's certificate, add the account again with --trust-fingerprint %s", ce.Err, ce.Fingerprint, ce.Fingerprint)
	}
	switch {
	case errors.As(err, &auth):
		return fmt.Errorf("the server at %s rejected the user name or password", url)
	case errors.As(err, &perr):
		return fmt.Errorf("the server at %s answered with an error: %w", url, err)
	case strings.Contains(err.Error(), "certificate"):
		return fmt.Errorf("the server's certificate is not trusted: %w", err)
	case strings.Contains(err.Error(), "no such host"), strings.Contains(err.Error(), "connection refused"):
		return fmt.Errorf("server not found at %s: %w", url, err)
	}
	return fmt.Errorf("%s: %w", url, err)
}

func newAccountList(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the configured accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dirs, err := config.DefaultDirs()
			if err != nil {
				return err
			}
			cfg, err := config.Load(dirs.Config)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tUSER\tURL")
			if !cfg.Local.Disabled {
				fmt.Fprintln(w, "local\t-\t(This computer: no server)")
			}
			for _, a := range cfg.Accounts {
				fmt.Fprintf(w, "%s\t%s\t%s\n", a.Name, a.User, a.URL)
			}
			return w.Flush()
		},
	}
}

func newAccountRemove(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove an account (local files are kept)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dirs, secrets, err := dirsAndSecrets()
			if err != nil {
				return err
			}
			cfg, err := config.Load(dirs.Config)
			if err != nil {
				return err
			}
			kept := cfg.Accounts[:0]
			found := false
			for _, a := range cfg.Accounts {
				if a.Name == args[0] {
					found = true
					continue
				}
				kept = append(kept, a)
			}
			if !found {
				return fmt.Errorf("no account named %q", args[0])
			}
			cfg.Accounts = kept
			if err := config.Save(dirs.Config, cfg); err != nil {
				return err
			}
			// Before the password goes: a session still running would
			// otherwise fail to authenticate instead of stopping.
			running, rerr := reloadDaemon(cmd.Context())
			if err := secrets.Delete(args[0]); err != nil {
				fmt.Fprintf(e.stderr, "warning: could not remove the stored password: %v\n", err)
			}
			fmt.Fprintf(e.stdout, "account %s removed; its local files are kept\n", args[0])
			tellReload(e, running, rerr, "stopped syncing it")
			return nil
		},
	}
}
