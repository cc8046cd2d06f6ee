//go:build cgo

package desktop

import (
	"context"
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/cradle-sync/cradle/app/cli"
	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/app/ui"
	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/export"
	"github.com/cradle-sync/cradle/bridge/state"
)

// AppID is the application id, as in packaging/FyneApp.toml and the
// desktop file; Fyne keys preferences and storage on it.
const AppID = "io.github.cradle_sync.Cradle"

// Command builds the cradle-ui command line: `cradle-ui WINDOW
// [--socket PATH]`. `cradle ui` runs it with the same arguments.
func Command() *cobra.Command {
	var socket string
	cmd := &cobra.Command{
		Use:           "cradle-ui activity|conflicts|devices|export|setup",
		Short:         "Cradle's windows; each talks to the running daemon and exits when closed",
		Args:          cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs:     ui.Windows,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       cli.Version,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Run(cmd.Context(), args[0], socket)
		},
	}
	cmd.Flags().StringVar(&socket, "socket", "", "control socket of the daemon (default: the one `cradle run` listens on)")
	return cmd
}

// Run opens window against the daemon at socket ("" for the default) and
// returns when the window is closed or ctx ends. It fails without a
// display rather than letting GLFW panic.
func Run(ctx context.Context, window, socket string) error {
	if err := uimodel.CheckDisplay(runtime.GOOS, os.Getenv); err != nil {
		return err
	}
	c := client.New(socket)
	defer c.Close()
	a := app.NewWithID(AppID)
	w, err := ui.Open(ctx, a, window, ui.Env{Daemon: c, Export: runExport, Setup: setup{}, Show: cli.OpenPath, Autostart: cradleAutostart{},
		Pair: pairDevice})
	if err != nil {
		return err
	}
	w.SetMaster()
	stop := context.AfterFunc(ctx, func() { fyne.Do(a.Quit) })
	defer stop()
	w.ShowAndRun()
	return nil
}

// runExport runs a checked export with cli's export code.
func runExport(ctx context.Context, p uimodel.ExportPlan, progress func(done, total int)) (uimodel.ExportResult, error) {
	req := cli.ExportRequest{Kind: state.Kind(p.Kind), Account: p.Account, Folders: p.Folders,
		Format: export.Format(p.Format), From: p.From, To: p.To, Output: p.Path}
	st, err := cli.ExportFolders(ctx, req, progress, nil)
	if err != nil {
		return uimodel.ExportResult{}, err
	}
	res := uimodel.ExportResult{Path: p.Path, Items: st.Items, OutOfRange: st.OutOfRange}
	for _, s := range st.Skipped {
		res.Skipped = append(res.Skipped, s.String())
	}
	return res, nil
}

// pairDevice saves a pairing from the devices window with the code of
// `cradle devices pair`; the window then asks the daemon to reload.
func pairDevice(ctx context.Context, name string, p uimodel.Pairing) error {
	target := func(t uimodel.PairTarget) cli.PairTarget { return cli.PairTarget{Folder: t.Path, Unpair: t.Unpair} }
	_, err := cli.PairDevice(ctx, name, cli.Pairing{Account: p.Account,
		Contacts: target(p.Contacts), Calendar: target(p.Calendar), Tasks: target(p.Tasks)})
	return err
}

// setup adapts cli's account steps to the setup window.
type setup struct{}

func (setup) Discover(ctx context.Context, email, password string) (string, error) {
	return cli.DiscoverServer(ctx, email, password)
}

func (setup) Probe(ctx context.Context, acc config.Account, password string) ([]uimodel.ServerFolder, error) {
	fs, err := cli.ProbeAccount(ctx, acc, password)
	return serverFolders(fs), err
}

func serverFolders(fs []cli.ServerFolder) []uimodel.ServerFolder {
	out := make([]uimodel.ServerFolder, len(fs))
	for i, f := range fs {
		out[i] = uimodel.ServerFolder{ID: f.ID, Name: f.Name, Kind: f.Kind}
	}
	return out
}

func (setup) Save(acc config.Account, password string) error { return cli.SaveAccount(acc, password) }

// SignInM365 fills in the OAuth2 settings as `cradle account add
// --microsoft365` does (the environment, then the built-in defaults), so
// an account set up in the window is the same as one added on the
// command line.
func (setup) SignInM365(ctx context.Context, acc config.Account, prompt func(code, verifyURL string)) (config.Account, *oauth2.Token, []uimodel.ServerFolder, error) {
	m := cli.M365Account(acc.Name, acc.Email, acc.URL, acc.Authority, acc.ClientID)
	m.User, m.PinnedCert = acc.User, acc.PinnedCert
	if err := (&config.Config{Accounts: []config.Account{m}}).Validate(); err != nil {
		return m, nil, nil, err
	}
	tok, err := cli.SignInM365(ctx, m, prompt)
	if err != nil {
		return m, nil, nil, err
	}
	fs, err := cli.ProbeM365Account(ctx, m, tok)
	return m, tok, serverFolders(fs), err
}

func (setup) SaveM365(acc config.Account, tok *oauth2.Token) error {
	return cli.SaveM365Account(acc, tok)
}
