package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/api"
)

// recentMax is how many changes the activity window lists.
const recentMax = 200

// reconnectDelay is how long the activity window waits before watching
// again after the daemon went away.
const reconnectDelay = 3 * time.Second

// Activity is the activity window: every account and folder with its
// state, and the recent changes.
type Activity struct {
	env    Env
	win    fyne.Window
	notice *widget.Label   // daemon unreachable, history unavailable
	states *fyne.Container // one block per account
	recent *uimodel.Recent
	list   *widget.List
	shown  []api.Event // what list shows, newest first
	sync   *widget.Button
	bg     background
	// ctx is the window's lifetime, for requests buttons start.
	ctx context.Context
}

// NewActivity builds the window; Start fills it.
func NewActivity(a fyne.App, env Env) *Activity {
	w := &Activity{env: env, win: a.NewWindow(title("Activity")), recent: uimodel.NewRecent(recentMax), bg: async, ctx: context.Background()}
	w.notice = widget.NewLabel("")
	w.notice.Wrapping = fyne.TextWrapWord
	w.notice.Hide()
	w.states = container.NewVBox()
	w.list = widget.NewList(
		func() int { return len(w.shown) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			ev := w.shown[i]
			o.(*widget.Label).SetText(uimodel.When(ev.Time, env.now()) + "  " + uimodel.Describe(ev))
		})
	w.sync = widget.NewButton("Sync now", func() {
		w.bg(func() func() {
			err := env.Daemon.SyncNow(w.ctx, "")
			return func() {
				if err != nil {
					w.showNotice(uimodel.Sentence(err))
				}
			}
		})
	})
	top := container.NewVBox(w.notice, container.NewHBox(widget.NewLabelWithStyle("Accounts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), w.sync), w.states)
	recentBox := container.NewBorder(widget.NewLabelWithStyle("Recent changes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, w.list)
	split := container.NewVSplit(container.NewVScroll(top), recentBox)
	split.Offset = 0.5
	w.win.SetContent(split)
	w.win.Resize(fyne.NewSize(720, 560))
	return w
}

// Start loads the history and follows the daemon until ctx ends, and
// returns the window.
func (w *Activity) Start(ctx context.Context) fyne.Window {
	w.ctx = ctx
	go w.follow(ctx)
	return w.win
}

// follow keeps the window current: the status and history once, then
// the event stream, reconnecting after the daemon goes away.
func (w *Activity) follow(ctx context.Context) {
	history := true
	for ctx.Err() == nil {
		events, err := w.env.Daemon.Watch(ctx)
		if err == nil {
			var hist []api.Event
			var herr error
			if history {
				hist, herr = w.history(ctx)
			}
			st, serr := w.env.Daemon.Status(ctx)
			fyne.Do(func() {
				w.showHistory(hist, herr)
				if serr == nil {
					w.showStatus(st)
				}
			})
			history = false
			for ev := range events {
				batch := drain(events, ev)
				// Counts and states move with these events; others
				// (device, error) only add a line. A burst costs one
				// status request, not one per change.
				var st api.Status
				fresh := false
				if slices.ContainsFunc(batch, movesCounts) {
					var err error
					st, err = w.env.Daemon.Status(ctx)
					fresh = err == nil
				}
				fyne.Do(func() {
					for _, ev := range batch {
						w.add(ev)
					}
					if fresh {
						w.showStatus(st)
					}
				})
			}
			err = errors.New("the connection to Cradle was lost")
		}
		if ctx.Err() != nil {
			return
		}
		fyne.Do(func() { w.showNotice(unreachable(err)) })
		select {
		case <-ctx.Done():
		case <-time.After(reconnectDelay):
		}
	}
}

// maxBatch bounds how many queued events one redraw takes.
const maxBatch = 256

// drain returns first and the events already queued behind it, without
// waiting for more.
func drain(events <-chan api.Event, first api.Event) []api.Event {
	batch := []api.Event{first}
	for len(batch) < maxBatch {
		select {
		case ev, ok := <-events:
			if !ok {
				return batch
			}
			batch = append(batch, ev)
		default:
			return batch
		}
	}
	return batch
}

// movesCounts reports whether ev may change what Status says.
func movesCounts(ev api.Event) bool {
	return ev.Type == "status" || ev.Type == "change" || ev.Type == "conflict"
}

// history asks for the recent events if the daemon keeps them.
func (w *Activity) history(ctx context.Context) ([]api.Event, error) {
	log, ok := w.env.Daemon.(uimodel.ActivityLog)
	if !ok {
		return nil, errNoHistory
	}
	evs, err := log.Activity(ctx, recentMax)
	if uimodel.Unsupported(err) {
		return nil, errNoHistory
	}
	return evs, err
}

var errNoHistory = errors.New("this version of the daemon keeps no history; changes appear here from now on")

// showHistory lists events from before the window opened.
func (w *Activity) showHistory(evs []api.Event, err error) {
	if err != nil {
		slog.Info("activity history unavailable", "err", err)
		w.showNotice(uimodel.Sentence(err))
	} else {
		w.notice.Hide()
	}
	for _, ev := range evs {
		w.recent.Add(ev)
	}
	w.shown = w.recent.Newest()
	w.list.Refresh()
}

// add lists one new event.
func (w *Activity) add(ev api.Event) {
	if w.recent.Add(ev) {
		w.shown = w.recent.Newest()
		w.list.Refresh()
	}
}

func (w *Activity) showNotice(s string) {
	w.notice.SetText(s)
	w.notice.Show()
}

// showStatus redraws the accounts from st.
func (w *Activity) showStatus(st api.Status) {
	if w.notice.Text != errNoHistoryText {
		w.notice.Hide()
	}
	w.states.RemoveAll()
	rows := uimodel.Rows(st, w.env.now())
	if len(rows) == 0 {
		w.states.Add(widget.NewLabel("No accounts yet: use Accounts and settings… in the tray, or cradle ui setup."))
	}
	for _, a := range rows {
		head := widget.NewLabelWithStyle(a.Name+": "+a.Summary, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		if a.Problem {
			head.Importance = widget.DangerImportance
		}
		w.states.Add(head)
		for _, f := range a.Folders {
			w.states.Add(folderRow(f, w.env.now()))
		}
	}
	w.states.Refresh()
}

var errNoHistoryText = uimodel.Sentence(errNoHistory)

// folderRow is one folder's line, with a progress bar while its first
// sync runs. The daemon reports no item total during a sync, so the bar
// shows activity rather than a fraction.
func folderRow(f uimodel.FolderRow, now time.Time) fyne.CanvasObject {
	text := fmt.Sprintf("    %s (%s): %d items, %s", f.Name, f.Kind, f.Items, f.State)
	if !f.LastSync.IsZero() {
		text += ", last sync " + uimodel.When(f.LastSync, now)
	}
	l := widget.NewLabel(text)
	if !f.InitialSync {
		return l
	}
	bar := widget.NewProgressBarInfinite()
	return container.NewBorder(nil, nil, l, nil, bar)
}

// unreachable words a failure to reach the daemon.
func unreachable(err error) string {
	return "Cradle is not running or cannot be reached (" + err.Error() + "). Start it with cradle run; this window reconnects on its own."
}
