package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/api"
)

// Conflicts is the conflicts window: the open conflicts on the left, the
// chosen one's two versions side by side on the right, and the three
// ways to settle it.
type Conflicts struct {
	env    Env
	win    fyne.Window
	list   *widget.List
	items  []api.Conflict
	chosen int // index into items; -1 for none
	// current is the chosen conflict with both versions loaded.
	current                         api.Conflict
	heading                         *widget.Label
	fields                          *fyne.Container // a 3-column grid: field, this computer, server
	notice                          *widget.Label
	keepLocal, keepServer, keepBoth *widget.Button
	// ctx is the window's lifetime, for requests buttons start.
	ctx context.Context
}

// NewConflicts builds the window; Start fills it.
func NewConflicts(a fyne.App, env Env) *Conflicts {
	w := &Conflicts{env: env, win: a.NewWindow(title("Conflicts")), chosen: -1, ctx: context.Background()}
	w.list = widget.NewList(
		func() int { return len(w.items) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := w.items[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s / %s: %s", c.Account, c.Folder, c.UID))
		})
	w.list.OnSelected = func(i widget.ListItemID) { w.choose(w.ctx, i) }
	w.heading = widget.NewLabel("")
	w.heading.Wrapping = fyne.TextWrapWord
	w.notice = widget.NewLabel("")
	w.notice.Wrapping = fyne.TextWrapWord
	w.fields = container.NewGridWithColumns(3)
	w.keepLocal = widget.NewButton("Keep this computer's", func() { w.resolve(w.ctx, api.KeepLocal) })
	w.keepServer = widget.NewButton("Keep the server's", func() { w.resolve(w.ctx, api.KeepServer) })
	w.keepBoth = widget.NewButton("Keep both", func() { w.resolve(w.ctx, api.KeepBoth) })
	w.enable(false)
	detail := container.NewBorder(
		container.NewVBox(w.notice, w.heading),
		container.NewHBox(w.keepLocal, w.keepServer, w.keepBoth),
		nil, nil, container.NewVScroll(w.fields))
	split := container.NewHSplit(w.list, detail)
	split.Offset = 0.3
	w.win.SetContent(split)
	w.win.Resize(fyne.NewSize(900, 560))
	return w
}

// Start loads the conflicts in the background and returns the window.
func (w *Conflicts) Start(ctx context.Context) fyne.Window {
	w.ctx = ctx
	go func() {
		cs, err := w.env.Daemon.Conflicts(ctx)
		fyne.Do(func() { w.show(cs, err) })
	}()
	return w.win
}

// show lists cs, or says why there is nothing to list.
func (w *Conflicts) show(cs []api.Conflict, err error) {
	w.items, w.chosen = cs, -1
	w.list.UnselectAll()
	w.list.Refresh()
	w.fields.RemoveAll()
	w.heading.SetText("")
	w.enable(false)
	switch {
	case err != nil:
		w.notice.SetText(unreachable(err))
	case len(cs) == 0:
		w.notice.SetText("No conflicts: every item is the same on both sides.")
	default:
		w.notice.SetText(fmt.Sprintf("%d conflicts. Choose one to compare the two versions.", len(cs)))
	}
}

// choose loads conflict i with both versions and lays them side by side.
// It asks the daemon synchronously: one small request, and the user is
// waiting for exactly this answer.
func (w *Conflicts) choose(ctx context.Context, i int) {
	if i < 0 || i >= len(w.items) {
		return
	}
	w.chosen = i
	c, err := w.env.Daemon.Conflict(ctx, w.items[i].ID)
	if err != nil {
		w.notice.SetText(uimodel.Sentence(err))
		w.enable(false)
		return
	}
	w.current = c
	w.heading.SetText(fmt.Sprintf("%s in %s / %s changed on both sides; the server's values stand in the file for now (%s).",
		c.UID, c.Account, c.Folder, uimodel.When(c.Created, w.env.now())))
	w.fields.RemoveAll()
	bold := fyne.TextStyle{Bold: true}
	w.fields.Add(widget.NewLabelWithStyle("Field", fyne.TextAlignLeading, bold))
	w.fields.Add(widget.NewLabelWithStyle("This computer", fyne.TextAlignLeading, bold))
	w.fields.Add(widget.NewLabelWithStyle("Server", fyne.TextAlignLeading, bold))
	fs, err := uimodel.Compare(c.Kind, c.Local, c.Server)
	if err != nil {
		w.notice.SetText(uimodel.Sentence(fmt.Errorf("cannot show the versions: %w", err)))
	} else {
		w.notice.SetText("Fields that differ are highlighted.")
	}
	for _, f := range fs {
		label := widget.NewLabel(f.Label)
		local, server := widget.NewLabel(f.Local), widget.NewLabel(f.Server)
		local.Wrapping, server.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
		if f.Differs {
			label.TextStyle.Bold = true
			local.Importance, server.Importance = widget.WarningImportance, widget.WarningImportance
		}
		w.fields.Add(label)
		w.fields.Add(local)
		w.fields.Add(server)
	}
	w.fields.Refresh()
	w.enable(true)
}

// resolve settles the chosen conflict and drops it from the list.
func (w *Conflicts) resolve(ctx context.Context, keep api.Keep) {
	if w.chosen < 0 {
		return
	}
	id := w.current.ID
	if err := w.env.Daemon.ResolveConflict(ctx, id, keep); err != nil {
		w.notice.SetText(uimodel.Sentence(err))
		return
	}
	rest := make([]api.Conflict, 0, len(w.items))
	for _, c := range w.items {
		if c.ID != id {
			rest = append(rest, c)
		}
	}
	w.show(rest, nil)
}

func (w *Conflicts) enable(on bool) {
	for _, b := range []*widget.Button{w.keepLocal, w.keepServer, w.keepBoth} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}
