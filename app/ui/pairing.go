package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/api"
)

// pairForm is the pairing form of one device: an account and, for each
// kind, which of its folders to pair with.
type pairForm struct {
	device  api.Device
	status  api.Status
	account *widget.Select
	// kinds holds a selector per uimodel.PairKinds entry and the choices
	// behind its options.
	kinds   []*widget.Select
	choices [][]uimodel.PairChoice
	dlg     dialog.Dialog
}

// openPairing asks the daemon for its accounts' folders, then shows the
// pairing form for d; button is disabled meanwhile.
func (w *Devices) openPairing(d api.Device, button *widget.Button) {
	button.Disable()
	w.bg(func() func() {
		st, err := w.env.Daemon.Status(w.ctx)
		return func() {
			button.Enable()
			if err != nil {
				w.notice.SetText(unreachable(err))
				return
			}
			accounts := uimodel.PairAccounts(st)
			if len(accounts) == 0 {
				w.notice.SetText("No account has a contacts, calendar or tasks folder to pair " + d.Name + " with.")
				return
			}
			w.showPairForm(d, st, accounts)
		}
	})
}

// showPairForm builds the form for d from st and shows it over the
// window.
func (w *Devices) showPairForm(d api.Device, st api.Status, accounts []string) {
	f := &pairForm{device: d, status: st}
	for range uimodel.PairKinds {
		f.kinds = append(f.kinds, widget.NewSelect(nil, nil))
	}
	f.choices = make([][]uimodel.PairChoice, len(uimodel.PairKinds))
	f.account = widget.NewSelect(accounts, func(string) { f.fill() })
	items := []*widget.FormItem{widget.NewFormItem("Account", f.account)}
	for i, k := range uimodel.PairKinds {
		items = append(items, widget.NewFormItem(kindLabel(k), f.kinds[i]))
	}
	account := accounts[0]
	for _, a := range accounts {
		if a == d.Account {
			account = a
		}
	}
	f.account.SetSelected(account) // fills the kinds
	f.dlg = dialog.NewCustomConfirm("Pair "+d.Name, "Save", "Cancel", widget.NewForm(items...), func(ok bool) {
		if ok {
			w.savePairing(f)
		}
		w.form = nil
	}, w.win)
	f.dlg.Resize(fyne.NewSize(480, 0))
	w.form = f
	f.dlg.Show()
}

// kindLabel is a kind's name on the form.
func kindLabel(kind string) string {
	switch kind {
	case "contacts":
		return "Contacts"
	case "calendar":
		return "Calendar"
	}
	return "Tasks"
}

// fill offers the folders of the chosen account, preselecting what the
// device is paired with now. The daemon reports no tasks pairing, so
// that kind starts at "leave as it is".
func (f *pairForm) fill() {
	current := map[string]string{"contacts": f.device.Contacts, "calendar": f.device.Calendar}
	for i, k := range uimodel.PairKinds {
		cur, known := current[k]
		cs, sel := uimodel.PairChoices(f.status, f.account.Selected, k, cur, known)
		labels := make([]string, len(cs))
		for j, c := range cs {
			labels[j] = c.Label
		}
		f.choices[i] = cs
		f.kinds[i].SetOptions(labels)
		f.kinds[i].SetSelectedIndex(sel)
	}
}

// pairing is what the form says to save.
func (f *pairForm) pairing() uimodel.Pairing {
	p := uimodel.Pairing{Account: f.account.Selected}
	for i, k := range uimodel.PairKinds {
		if j := f.kinds[i].SelectedIndex(); j >= 0 {
			*p.Target(k) = f.choices[i][j].Target
		}
	}
	return p
}

// savePairing saves the form's pairing in the background, asks the
// daemon to follow it, and lists the devices again.
func (w *Devices) savePairing(f *pairForm) {
	name := f.device.Name
	p := f.pairing()
	if !p.Changes() && p.Account == f.device.Account {
		w.notice.SetText("Nothing to change for " + name + ".")
		return
	}
	if !p.Changes() {
		// Moving to another account alone has no folder to pair with.
		w.notice.SetText("Choose a folder of " + p.Account + " to pair " + name + " with.")
		return
	}
	w.bg(func() func() {
		if err := w.env.Pair(w.ctx, name, p); err != nil {
			return func() { w.notice.SetText(uimodel.Sentence(fmt.Errorf("pair %s: %w", name, err))) }
		}
		err := client.ErrUnsupported
		if r, ok := w.env.Daemon.(uimodel.Reloader); ok {
			err = r.Reload(w.ctx)
		}
		return func() { w.list(w.ctx, uimodel.PairedNotice(name, err)) }
	})
}
