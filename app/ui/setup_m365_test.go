package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/push/easclient"
)

// queued runs background work on its own goroutine and hands the UI
// update to the test, which applies it when it chooses: the window can
// be looked at while a sign-in is still waiting.
func queued(applies chan<- func()) background {
	return func(work func() func()) { go func() { applies <- work() }() }
}

// The Microsoft 365 button shows the device code and page while the
// sign-in waits, then continues to the folders page; saving stores the
// token, not a password, and the OAuth2 settings the sign-in used.
func TestSetupMicrosoft365(t *testing.T) {
	release := make(chan struct{})
	s := &fakeSetup{folders: serverFolders, m365: &fakeM365{code: "ABCD-EFGH",
		verify: "https://microsoft.com/devicelogin", release: release}}
	w := newSetupWindow(t, &fullDaemon{}, s)
	applies := make(chan func())
	w.bg = queued(applies)
	test.Type(w.email, "ann@contoso.com")
	test.Tap(w.m365)

	// The prompt (fyne.Do is synchronous on the test driver) runs
	// before the fake waits, so once it takes release the code is
	// shown, and the fake does nothing more until the update is applied.
	release <- struct{}{}
	if !w.deviceBox.Visible() || w.deviceCode.Text != "ABCD-EFGH" || w.deviceLink.Text != "https://microsoft.com/devicelogin" ||
		w.deviceLink.URL == nil || w.deviceLink.URL.Host != "microsoft.com" {
		t.Fatalf("while waiting: box %v, code %q, link %q", w.deviceBox.Visible(), w.deviceCode.Text, w.deviceLink.Text)
	}
	if !w.signIn.Disabled() || !w.m365.Disabled() {
		t.Error("sign-in buttons enabled while a sign-in is waiting")
	}
	(<-applies)()

	if len(s.m365.signedIn) != 1 {
		t.Fatalf("sign-ins %+v", s.m365.signedIn)
	}
	if acc := s.m365.signedIn[0]; acc.Auth != config.AuthOAuth2 || acc.URL != config.M365URL || acc.User != "ann@contoso.com" {
		t.Errorf("signed in with %+v", acc)
	}
	if w.deviceBox.Visible() {
		t.Error("the code is still shown after the sign-in")
	}
	if len(w.placements) != 3 {
		t.Fatalf("folders page has %d folders; want 3", len(w.placements))
	}
	test.Tap(w.save)
	(<-applies)()
	if len(s.saved) != 1 || s.saved[0].ClientID != "from-env" || s.saved[0].Auth != config.AuthOAuth2 {
		t.Fatalf("saved %+v; want the account as the sign-in completed it", s.saved)
	}
	if s.m365.savedTok == nil || s.m365.savedTok.RefreshToken != "refresh-1" || s.savedPW != "" {
		t.Errorf("saved token %+v, password %q", s.m365.savedTok, s.savedPW)
	}
}

func TestSetupMicrosoft365Problems(t *testing.T) {
	t.Run("no e-mail address", func(t *testing.T) {
		s := &fakeSetup{m365: &fakeM365{}}
		w := newSetupWindow(t, &fakeDaemon{}, s)
		test.Tap(w.m365)
		if len(s.m365.signedIn) != 0 || !strings.Contains(w.notice.Text, "e-mail address") {
			t.Errorf("sign-ins %d, notice %q", len(s.m365.signedIn), w.notice.Text)
		}
	})
	t.Run("refused", func(t *testing.T) {
		s := &fakeSetup{m365: &fakeM365{code: "C", verify: "https://x/", err: &easclient.AuthError{Command: "FolderSync"}}}
		w := newSetupWindow(t, &fakeDaemon{}, s)
		test.Type(w.email, "ann@contoso.com")
		test.Tap(w.m365)
		if !strings.Contains(w.notice.Text, "rejected") || w.deviceBox.Visible() || w.m365.Disabled() || w.signIn.Disabled() {
			t.Errorf("notice %q, code box %v, buttons disabled %v %v", w.notice.Text, w.deviceBox.Visible(), w.m365.Disabled(), w.signIn.Disabled())
		}
		if len(s.saved) != 0 {
			t.Error("saved after a refusal")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		waiting := make(chan struct{})
		s := &fakeSetup{m365: &fakeM365{code: "C", verify: "https://x/", release: make(chan struct{}), waiting: waiting}}
		w := newSetupWindow(t, &fakeDaemon{}, s)
		applies := make(chan func())
		w.bg = queued(applies)
		test.Type(w.email, "ann@contoso.com")
		test.Tap(w.m365)
		<-waiting
		test.Tap(w.deviceBox.Objects[2].(*widget.Button))
		apply := <-applies
		apply()
		if w.notice.Text != "Sign-in cancelled." || w.m365.Disabled() {
			t.Errorf("notice %q, button disabled %v", w.notice.Text, w.m365.Disabled())
		}
	})
}
