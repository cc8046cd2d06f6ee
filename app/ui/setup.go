package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/oauth2"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/config"
)

// Setup is the account setup window: sign in (autodiscover, or a server
// URL), then choose where each of the server's folders goes, then save.
type Setup struct {
	env Env
	win fyne.Window
	bg  background
	// ctx is the window's lifetime, for sign-in and save.
	ctx context.Context

	// Sign-in page.
	email, password, url, user, name *widget.Entry
	server                           *widget.AccordionItem
	accordion                        *widget.Accordion
	signIn                           *widget.Button
	notice                           *widget.Label
	trustBox                         *fyne.Container
	fingerprint                      *widget.Label
	signInPage                       fyne.CanvasObject
	autostart                        *widget.Check

	// Microsoft 365 sign-in: the code to enter and where.
	m365       *widget.Button
	deviceBox  *fyne.Container
	deviceCode *widget.Label
	deviceLink *widget.Hyperlink
	// cancelM365 ends the sign-in being waited for; guarded by the UI
	// thread like the widgets.
	cancelM365 context.CancelFunc

	// Folders page.
	window      *widget.Select
	choices     []uimodel.FolderChoice
	placements  []*widget.Select
	paths       []*widget.Entry
	save        *widget.Button
	saved       *widget.Label
	foldersPage *fyne.Container

	// What sign-in established: a password, or for Microsoft 365 a
	// token.
	acc config.Account
	pw  string
	tok *oauth2.Token
	// offered is the fingerprint of the untrusted certificate last shown.
	offered string
}

// NewSetup builds the window on its sign-in page.
func NewSetup(a fyne.App, env Env) *Setup {
	w := &Setup{env: env, win: a.NewWindow(title("Add an account")), bg: async, ctx: context.Background(),
		cancelM365: func() {}}
	w.email = widget.NewEntry()
	w.email.SetPlaceHolder("you@example.com")
	w.password = widget.NewPasswordEntry()
	w.url = widget.NewEntry()
	w.url.SetPlaceHolder("found from the e-mail address; or https://mail.example.com/Microsoft-Server-ActiveSync")
	w.user = widget.NewEntry()
	w.user.SetPlaceHolder("the e-mail address")
	w.name = widget.NewEntry()
	w.name.SetPlaceHolder("the mail domain")
	w.server = widget.NewAccordionItem("Server settings", widget.NewForm(
		widget.NewFormItem("Server URL", w.url),
		widget.NewFormItem("User name", w.user),
		widget.NewFormItem("Account name", w.name)))
	w.accordion = widget.NewAccordion(w.server)
	w.notice = widget.NewLabel("Enter your e-mail address and password; Cradle finds your server.")
	w.notice.Wrapping = fyne.TextWrapWord
	w.fingerprint = widget.NewLabel("")
	w.fingerprint.Wrapping = fyne.TextWrapBreak
	trust := widget.NewButton("Trust this certificate", w.trust)
	trust.Importance = widget.DangerImportance
	w.trustBox = container.NewVBox(w.fingerprint, trust)
	w.trustBox.Hide()
	w.signIn = widget.NewButton("Sign in", func() { w.start(w.ctx) })
	w.signIn.Importance = widget.HighImportance
	w.m365 = widget.NewButton("Microsoft 365…", func() { w.startM365(w.ctx) })
	w.deviceCode = widget.NewLabel("")
	w.deviceCode.TextStyle = fyne.TextStyle{Monospace: true}
	w.deviceCode.Selectable = true
	w.deviceLink = widget.NewHyperlink("", nil)
	w.deviceBox = container.NewVBox(w.deviceLink, w.deviceCode,
		widget.NewButton("Cancel sign-in", func() { w.cancelM365() }))
	w.deviceBox.Hide()
	w.signInPage = container.NewVBox(
		widget.NewForm(widget.NewFormItem("E-mail", w.email), widget.NewFormItem("Password", w.password)),
		w.accordion, w.notice, w.trustBox, w.deviceBox, container.NewHBox(w.signIn, w.m365))
	if env.Autostart != nil {
		w.autostart = w.autostartSwitch(env.Autostart)
		w.signInPage.(*fyne.Container).Add(w.autostart)
	}

	labels := make([]string, len(uimodel.CalendarWindows))
	for i, cw := range uimodel.CalendarWindows {
		labels[i] = cw[0]
	}
	w.window = widget.NewSelect(labels, nil)
	w.window.SetSelectedIndex(0)
	w.save = widget.NewButton("Save", func() { w.saveAccount(w.ctx) })
	w.save.Importance = widget.HighImportance
	w.saved = widget.NewLabel("")
	w.saved.Wrapping = fyne.TextWrapWord
	w.foldersPage = container.NewVBox()

	w.win.SetContent(container.NewVScroll(w.signInPage))
	w.win.Resize(fyne.NewSize(640, 480))
	return w
}

// Start ties the window's requests to ctx and returns the window.
func (w *Setup) Start(ctx context.Context) fyne.Window {
	w.ctx = ctx
	return w.win
}

func (w *Setup) form() uimodel.AccountForm {
	return uimodel.AccountForm{Name: w.name.Text, Email: w.email.Text, Password: w.password.Text, URL: w.url.Text, User: w.user.Text}
}

// start checks the form and signs in in the background.
func (w *Setup) start(ctx context.Context) {
	acc, err := w.form().Account()
	if err != nil {
		w.notice.SetText(uimodel.Sentence(err))
		return
	}
	acc.PinnedCert = w.acc.PinnedCert
	w.probe(ctx, acc, w.password.Text)
}

// probe runs autodiscover if needed, then signs in and lists folders.
func (w *Setup) probe(ctx context.Context, acc config.Account, pw string) {
	w.signIn.Disable()
	w.trustBox.Hide()
	w.notice.SetText("Signing in…")
	w.bg(func() func() {
		where := acc.Email
		if acc.URL == "" {
			u, err := w.env.Setup.Discover(ctx, acc.Email, pw)
			if err != nil {
				return func() { w.failed(where, acc, err) }
			}
			acc.URL = u
		}
		where = acc.URL
		fs, err := w.env.Setup.Probe(ctx, acc, pw)
		if err != nil {
			return func() { w.failed(where, acc, err) }
		}
		return func() { w.signedIn(acc, pw, fs) }
	})
}

// failed explains a failed sign-in and offers the way out.
func (w *Setup) failed(where string, acc config.Account, err error) {
	w.signIn.Enable()
	p := uimodel.Explain(where, err)
	w.notice.SetText(p.Message)
	w.url.SetText(acc.URL)
	switch p.Kind {
	case uimodel.UntrustedCert:
		if acc.URL == "" {
			// Autodiscover itself met the certificate; a pin applies
			// to the ActiveSync URL only.
			w.notice.SetText(p.Message + " Enter the server's ActiveSync URL under Server settings to trust it.")
			w.accordion.Open(0)
			return
		}
		w.acc, w.offered = acc, p.Fingerprint
		w.fingerprint.SetText("SHA-256 fingerprint: " + groupHex(p.Fingerprint))
		w.trustBox.Show()
	case uimodel.ServerNotFound:
		w.accordion.Open(0)
	case uimodel.WrongPassword:
		w.win.Canvas().Focus(w.password)
	}
}

// trust pins the offered certificate and signs in again.
func (w *Setup) trust() {
	if w.offered == "" {
		return
	}
	acc := w.acc
	acc.PinnedCert = w.offered
	w.acc.PinnedCert = w.offered
	w.probe(w.ctx, acc, w.password.Text)
}

// signedIn moves to the folders page.
func (w *Setup) signedIn(acc config.Account, pw string, fs []uimodel.ServerFolder) {
	w.signIn.Enable()
	w.m365.Enable()
	w.acc, w.pw, w.tok = acc, pw, nil
	w.choices = make([]uimodel.FolderChoice, len(fs))
	w.placements = make([]*widget.Select, len(fs))
	w.paths = make([]*widget.Entry, len(fs))
	rows := container.NewGridWithColumns(3)
	for i, f := range fs {
		w.choices[i] = uimodel.FolderChoice{ID: f.ID, Name: f.Name, Kind: f.Kind}
		path := widget.NewEntry()
		path.SetPlaceHolder("full path")
		path.Disable()
		sel := widget.NewSelect(uimodel.Placements, func(s string) {
			if s == uimodel.Placements[uimodel.CustomVdir] || s == uimodel.Placements[uimodel.SingleFile] {
				path.Enable()
			} else {
				path.Disable()
			}
		})
		sel.SetSelectedIndex(int(uimodel.DefaultVdir))
		w.placements[i], w.paths[i] = sel, path
		rows.Add(widget.NewLabel(fmt.Sprintf("%s (%s)", f.Name, f.Kind)))
		rows.Add(sel)
		rows.Add(path)
	}
	w.foldersPage.RemoveAll()
	w.foldersPage.Add(widget.NewLabel(fmt.Sprintf("Signed in to %s as %s. Choose where each folder goes:", acc.URL, acc.User)))
	if len(fs) == 0 {
		w.foldersPage.Add(widget.NewLabel("The server offers no contacts, calendar or task folders."))
	}
	w.foldersPage.Add(rows)
	w.foldersPage.Add(widget.NewForm(widget.NewFormItem("Calendar", w.window)))
	back := widget.NewButton("Back", func() { w.win.SetContent(container.NewVScroll(w.signInPage)) })
	w.foldersPage.Add(container.NewHBox(back, w.save))
	w.foldersPage.Add(w.saved)
	w.win.SetContent(container.NewVScroll(w.foldersPage))
}

// saveAccount writes the account as `cradle account add` does and asks
// the daemon to pick it up.
func (w *Setup) saveAccount(ctx context.Context) {
	acc := w.acc
	acc.Folders = nil
	for i := range w.choices {
		c := w.choices[i]
		c.Where = uimodel.Placement(w.placements[i].SelectedIndex())
		c.Path = w.paths[i].Text
		m, ok, err := c.Mapping()
		if err != nil {
			w.saved.SetText(uimodel.Sentence(err))
			return
		}
		if ok {
			acc.Folders = append(acc.Folders, m)
		}
	}
	if i := w.window.SelectedIndex(); i > 0 {
		acc.CalendarWindow = uimodel.CalendarWindows[i][1]
	}
	w.save.Disable()
	w.saved.SetText("Saving…")
	pw, tok := w.pw, w.tok
	w.bg(func() func() {
		save := func() error { return w.env.Setup.Save(acc, pw) }
		if tok != nil {
			save = func() error { return w.env.Setup.SaveM365(acc, tok) }
		}
		if err := save(); err != nil {
			return func() {
				w.save.Enable()
				w.saved.SetText(uimodel.Sentence(err))
			}
		}
		msg := w.reload(ctx, acc.Name)
		return func() { w.saved.SetText(msg) }
	})
}

// reload asks the daemon to start the new account's session and says
// what the user has to do, if anything.
func (w *Setup) reload(ctx context.Context, name string) string {
	saved := fmt.Sprintf("Account %s saved. ", name)
	r, ok := w.env.Daemon.(uimodel.Reloader)
	if !ok {
		return saved + "Restart Cradle (Quit in the tray, then start it again) to sync it."
	}
	err := r.Reload(ctx)
	switch {
	case err == nil:
		return saved + "Cradle is syncing it now; the Activity window shows the progress."
	case errors.Is(err, client.ErrNotRunning):
		return saved + "Start Cradle to sync it."
	case uimodel.Unsupported(err):
		return saved + "Restart Cradle (Quit in the tray, then start it again) to sync it."
	}
	return saved + "Cradle could not pick it up (" + err.Error() + "); restart Cradle to sync it."
}

// groupHex writes a fingerprint in colon-separated pairs, as browsers
// and openssl show them, so it can be compared by eye.
func groupHex(h string) string {
	var b strings.Builder
	for i := 0; i+1 < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strings.ToUpper(h[i : i+2]))
	}
	return b.String()
}

// autostartSwitch is the "start at login" check box. It shows the current
// setting; a change that fails is undone on screen and explained, so the
// box never claims what is not so.
func (w *Setup) autostartSwitch(as uimodel.Autostart) *widget.Check {
	on, err := as.Autostart()
	var check *widget.Check
	settling := false
	check = widget.NewCheck("Start Cradle when I log in", func(want bool) {
		if settling {
			return
		}
		if err := as.SetAutostart(want); err != nil {
			settling = true
			check.SetChecked(!want)
			settling = false
			w.notice.SetText("Could not change starting at login: " + err.Error() + ".")
		}
	})
	settling = true
	check.SetChecked(on)
	settling = false
	if err != nil {
		check.Disable()
		check.SetText("Start Cradle when I log in (unavailable: " + err.Error() + ")")
	}
	return check
}
