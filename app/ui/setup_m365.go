package ui

import (
	"context"
	"errors"
	"net/url"

	"fyne.io/fyne/v2"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/config"
)

// startM365 signs in to Microsoft 365 with a device code: the window
// shows the code and the page to enter it at, waits in the background
// until the user has signed in there (or cancels), then continues to the
// folders page as a password sign-in does.
func (w *Setup) startM365(ctx context.Context) {
	acc, err := w.form().M365Account()
	if err != nil {
		w.notice.SetText(uimodel.Sentence(err))
		return
	}
	acc.PinnedCert = w.acc.PinnedCert
	ctx, cancel := context.WithCancel(ctx)
	w.cancelM365 = cancel
	w.signIn.Disable()
	w.m365.Disable()
	w.trustBox.Hide()
	w.notice.SetText("Asking Microsoft for a sign-in code…")
	w.bg(func() func() {
		defer cancel()
		signed, tok, fs, err := w.env.Setup.SignInM365(ctx, acc, func(code, verify string) {
			fyne.Do(func() { w.showDeviceCode(code, verify) })
		})
		return func() {
			w.deviceBox.Hide()
			w.cancelM365 = func() {}
			if err != nil {
				w.m365Failed(signed, err)
				return
			}
			w.signedIn(signed, "", fs)
			w.tok = tok
		}
	})
}

// showDeviceCode tells the user where to sign in and with which code.
func (w *Setup) showDeviceCode(code, verify string) {
	w.notice.SetText("Open this page in a browser, enter the code below and sign in with your Microsoft 365 account. " +
		"Cradle continues by itself once you have.")
	w.deviceLink.SetText(verify)
	if u, err := url.Parse(verify); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		w.deviceLink.SetURL(u)
	}
	w.deviceCode.SetText(code)
	w.deviceBox.Show()
}

// m365Failed explains a failed Microsoft 365 sign-in.
func (w *Setup) m365Failed(acc config.Account, err error) {
	w.signIn.Enable()
	w.m365.Enable()
	if errors.Is(err, context.Canceled) {
		w.notice.SetText("Sign-in cancelled.")
		return
	}
	where := acc.URL
	if where == "" {
		where = config.M365URL
	}
	// No certificate is offered for trust here: Exchange Online's is
	// public, and the trust button signs in again with a password.
	w.notice.SetText(uimodel.Explain(where, err).Message)
}
