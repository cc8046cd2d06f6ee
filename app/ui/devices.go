package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/api"
)

// Devices is the devices window: each phone or storage the daemon knows,
// what it is paired with, and a way to bring it in step now.
type Devices struct {
	env    Env
	win    fyne.Window
	notice *widget.Label
	rows   *fyne.Container
	bg     background
	// ctx is the window's lifetime, for requests buttons start.
	ctx context.Context
	// form is the open pairing form, if any.
	form *pairForm
}

// NewDevices builds the window; Start fills it.
func NewDevices(a fyne.App, env Env) *Devices {
	w := &Devices{env: env, win: a.NewWindow(title("Devices")), bg: async, ctx: context.Background()}
	w.notice = widget.NewLabel("")
	w.notice.Wrapping = fyne.TextWrapWord
	w.rows = container.NewVBox()
	refresh := widget.NewButton("Refresh", func() { w.load(w.ctx) })
	w.win.SetContent(container.NewBorder(container.NewVBox(w.notice, refresh), nil, nil, nil, container.NewVScroll(w.rows)))
	w.win.Resize(fyne.NewSize(640, 420))
	return w
}

// Start loads the devices in the background and returns the window.
func (w *Devices) Start(ctx context.Context) fyne.Window {
	w.ctx = ctx
	w.load(ctx)
	return w.win
}

// load asks the daemon for its devices in the background and shows
// them.
func (w *Devices) load(ctx context.Context) { w.list(ctx, "") }

// list is load that, when the devices are listed, says notice instead of
// how many there are.
func (w *Devices) list(ctx context.Context, notice string) {
	w.bg(func() func() {
		d, ok := w.env.Daemon.(uimodel.Devices)
		if !ok {
			return func() { w.show(nil, errNoDevices) }
		}
		ds, err := d.Devices(ctx)
		if uimodel.Unsupported(err) {
			err = errNoDevices
		}
		return func() {
			w.show(ds, err)
			if err == nil && notice != "" {
				w.notice.SetText(notice)
			}
		}
	})
}

var errNoDevices = errors.New("this version of the daemon does not follow phones; cradle devices on the command line has what there is")

// show lists ds, or says why there is nothing to list.
func (w *Devices) show(ds []api.Device, err error) {
	w.rows.RemoveAll()
	switch {
	case errors.Is(err, errNoDevices):
		w.notice.SetText(uimodel.Sentence(err))
	case err != nil:
		w.notice.SetText(unreachable(err))
	case len(ds) == 0:
		w.notice.SetText("No phones: plug one in (Android with USB debugging on), or add one with cradle devices.")
	default:
		w.notice.SetText(fmt.Sprintf("%d devices.", len(ds)))
	}
	for _, d := range ds {
		w.rows.Add(w.deviceRow(d))
	}
	w.rows.Refresh()
}

// deviceRow is one device: name and state, pairing, last reconcile,
// whether it may be unplugged, and Sync now.
func (w *Devices) deviceRow(d api.Device) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(fmt.Sprintf("%s (%s): %s", d.Name, d.Driver, deviceState(d)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if d.State == "error" || d.State == "unauthorized" {
		head.Importance = widget.DangerImportance
	}
	var paired []string
	if d.Contacts != "" {
		paired = append(paired, "contacts "+d.Contacts)
	}
	if d.Calendar != "" {
		paired = append(paired, "calendar "+d.Calendar)
	}
	pairing := "not paired"
	if d.Account != "" || len(paired) > 0 {
		pairing = "paired with " + d.Account + ": " + strings.Join(paired, ", ")
	}
	info := widget.NewLabel(fmt.Sprintf("    %s; last brought in step %s", pairing, uimodel.When(d.LastReconcile, w.env.now())))
	unplug := widget.NewLabel("Safe to unplug")
	if !d.SafeToUnplug {
		unplug.SetText("Do not unplug: writing")
		unplug.Importance = widget.WarningImportance
	}
	sync := widget.NewButton("Sync now", nil)
	sync.OnTapped = func() {
		sync.Disable()
		w.bg(func() func() {
			err := w.syncDevice(w.ctx, d.Name)
			return func() {
				sync.Enable()
				if err != nil {
					w.notice.SetText(uimodel.Sentence(fmt.Errorf("sync %s: %w", d.Name, err)))
					return
				}
				w.notice.SetText(d.Name + " is being brought in step.")
			}
		})
	}
	if d.State != "attached" || (d.Contacts == "" && d.Calendar == "") {
		sync.Disable() // the daemon refuses detached or unpaired devices
	}
	buttons := container.NewHBox(unplug, sync)
	if w.env.Pair != nil {
		label := "Change pairing…"
		if d.Account == "" && d.Contacts == "" && d.Calendar == "" {
			label = "Pair…"
		}
		var pair *widget.Button
		pair = widget.NewButton(label, func() { w.openPairing(d, pair) })
		buttons.Add(pair)
	}
	return container.NewVBox(head, info, buttons, widget.NewSeparator())
}

func (w *Devices) syncDevice(ctx context.Context, name string) error {
	d, ok := w.env.Daemon.(uimodel.Devices)
	if !ok {
		return errNoDevices
	}
	return d.SyncDevice(ctx, name)
}

// deviceState words api.Device.State.
func deviceState(d api.Device) string {
	switch d.State {
	case "unauthorized":
		return "unlock the phone and accept this computer's key"
	case "unpaired":
		return "attached, not paired"
	case "error":
		if d.Error != "" {
			return "error: " + d.Error
		}
		return "error"
	}
	return d.State
}
