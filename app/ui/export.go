package ui

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/api"
)

// Export is the export window: format, folders, dates, file; then a
// progress bar and "Show in folder".
type Export struct {
	env      Env
	win      fyne.Window
	status   api.Status
	folders  []uimodel.ExportFolder // of the chosen format's kind
	format   *widget.Select
	checks   *widget.CheckGroup
	from, to *widget.Entry
	dates    *fyne.Container
	path     *widget.Entry
	run      *widget.Button
	bar      *widget.ProgressBar
	message  *widget.Label
	show     *widget.Button
	written  string // the last file written, for Show in folder
	bg       background
	// ctx is the window's lifetime, for the export the button starts.
	ctx context.Context
}

// NewExport builds the window; Start fills the folder list.
func NewExport(a fyne.App, env Env) *Export {
	w := &Export{env: env, win: a.NewWindow(title("Export")), bg: async, ctx: context.Background()}
	labels := make([]string, len(uimodel.ExportFormats))
	for i, f := range uimodel.ExportFormats {
		labels[i] = f.Label
	}
	w.checks = widget.NewCheckGroup(nil, nil)
	w.format = widget.NewSelect(labels, func(string) { w.formatChanged() })
	w.from, w.to = widget.NewEntry(), widget.NewEntry()
	w.from.SetPlaceHolder("YYYY-MM-DD (optional)")
	w.to.SetPlaceHolder("YYYY-MM-DD (optional)")
	w.dates = container.NewGridWithColumns(4, widget.NewLabel("From"), w.from, widget.NewLabel("Before"), w.to)
	w.path = widget.NewEntry()
	w.path.SetPlaceHolder("/home/you/contacts.vcf")
	choose := widget.NewButton("Choose…", w.chooseFile)
	w.run = widget.NewButton("Export", func() { w.start(w.ctx) })
	w.run.Importance = widget.HighImportance
	w.bar = widget.NewProgressBar()
	w.bar.Hide()
	w.message = widget.NewLabel("")
	w.message.Wrapping = fyne.TextWrapWord
	w.show = widget.NewButton("Show in folder", func() {
		if err := w.env.Show(filepath.Dir(w.written)); err != nil {
			w.message.SetText(uimodel.Sentence(err))
		}
	})
	w.show.Hide()
	form := container.NewVBox(
		widget.NewLabelWithStyle("What", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), w.format,
		widget.NewLabelWithStyle("Folders", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), w.checks,
		w.dates,
		widget.NewLabelWithStyle("File", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, choose, w.path),
		w.run, w.bar, w.message, w.show)
	w.win.SetContent(container.NewVScroll(form))
	w.win.Resize(fyne.NewSize(560, 520))
	w.format.SetSelectedIndex(0)
	return w
}

// Start loads the folders in the background and returns the window.
func (w *Export) Start(ctx context.Context) fyne.Window {
	w.ctx = ctx
	go func() {
		st, err := w.env.Daemon.Status(ctx)
		fyne.Do(func() { w.showStatus(st, err) })
	}()
	return w.win
}

// showStatus offers st's folders.
func (w *Export) showStatus(st api.Status, err error) {
	if err != nil {
		w.message.SetText(unreachable(err))
		return
	}
	w.status = st
	w.formatChanged()
}

// formatChanged lists the folders of the chosen kind, all ticked, and
// shows the dates only where they apply.
func (w *Export) formatChanged() {
	f, _ := uimodel.FormatByLabel(w.format.Selected)
	w.folders = uimodel.FoldersOf(w.status, f.Kind)
	labels := make([]string, len(w.folders))
	for i, fo := range w.folders {
		labels[i] = fo.Label()
	}
	w.checks.Options = labels
	w.checks.SetSelected(labels)
	w.checks.Refresh()
	if f.Kind == "contacts" {
		w.dates.Hide()
	} else {
		w.dates.Show()
	}
}

// form reads the widgets.
func (w *Export) form() uimodel.ExportForm {
	f, _ := uimodel.FormatByLabel(w.format.Selected)
	ticked := map[string]bool{}
	for _, s := range w.checks.Selected {
		ticked[s] = true
	}
	var chosen []uimodel.ExportFolder
	for _, fo := range w.folders {
		if ticked[fo.Label()] {
			chosen = append(chosen, fo)
		}
	}
	return uimodel.ExportForm{Format: f, Folders: chosen, All: w.folders, From: w.from.Text, To: w.to.Text, Path: w.path.Text}
}

func (w *Export) chooseFile() {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		// The export writes the file itself, atomically; the dialog's
		// writer only names it.
		p := wc.URI().Path()
		_ = wc.Close()
		w.path.SetText(p)
	}, w.win)
	f, _ := uimodel.FormatByLabel(w.format.Selected)
	d.SetFileName("cradle-" + f.Kind + f.Ext)
	d.Show()
}

// start checks the form and runs the export in the background.
func (w *Export) start(ctx context.Context) {
	plan, err := w.form().Check()
	if err != nil {
		w.message.SetText(uimodel.Sentence(err))
		return
	}
	w.run.Disable()
	w.show.Hide()
	w.bar.SetValue(0)
	w.bar.Show()
	w.message.SetText("Exporting…")
	w.bg(func() func() {
		res, err := w.env.Export(ctx, plan, func(done, total int) {
			if total > 0 {
				fyne.Do(func() { w.bar.SetValue(float64(done) / float64(total)) })
			}
		})
		return func() { w.finish(res, err) }
	})
}

// finish reports the export's outcome.
func (w *Export) finish(res uimodel.ExportResult, err error) {
	w.run.Enable()
	w.bar.Hide()
	if err != nil {
		w.message.SetText(uimodel.Sentence(err))
		return
	}
	w.written = res.Path
	w.message.SetText(res.Summary())
	w.show.Show()
}
