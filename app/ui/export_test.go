package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
	"github.com/cradle-sync/cradle/bridge/api"
)

var exportStatus = api.Status{Accounts: []api.Account{
	{Name: "work", Folders: []api.Folder{{ID: "c1", Name: "Contacts", Kind: "contacts"}, {ID: "k1", Name: "Calendar", Kind: "calendar"}}},
	{Name: "local", Folders: []api.Folder{{ID: "contacts", Name: "This computer", Kind: "contacts"}}},
}}

// exporter records the plans it is given and reports progress.
type exporter struct {
	plans []uimodel.ExportPlan
	err   error
}

func (e *exporter) run(_ context.Context, p uimodel.ExportPlan, progress func(done, total int)) (uimodel.ExportResult, error) {
	e.plans = append(e.plans, p)
	progress(1, 2)
	progress(2, 2)
	if e.err != nil {
		return uimodel.ExportResult{}, e.err
	}
	return uimodel.ExportResult{Path: p.Path, Items: 2}, nil
}

func newExportWindow(t *testing.T) (*Export, *exporter, *[]string) {
	t.Helper()
	ex := &exporter{}
	var shown []string
	w := NewExport(test.NewTempApp(t), Env{Daemon: &fakeDaemon{}, Export: ex.run, Show: func(p string) error {
		shown = append(shown, p)
		return nil
	}})
	w.bg = inline
	w.showStatus(exportStatus, nil)
	return w, ex, &shown
}

func TestExportOffersFoldersOfTheFormat(t *testing.T) {
	w, _, _ := newExportWindow(t)
	if got := strings.Join(w.checks.Options, ","); got != "work / Contacts,local / This computer" {
		t.Errorf("contacts folders %q", got)
	}
	if w.dates.Visible() {
		t.Error("dates shown for contacts")
	}
	w.format.SetSelected("Calendar as iCalendar")
	if got := strings.Join(w.checks.Options, ","); got != "work / Calendar" {
		t.Errorf("calendar folders %q", got)
	}
	if !w.dates.Visible() {
		t.Error("dates hidden for a calendar")
	}
}

func TestExportValidatesBeforeRunning(t *testing.T) {
	w, ex, _ := newExportWindow(t)
	test.Tap(w.run)
	if len(ex.plans) != 0 || w.message.Text != "Choose the file to write." {
		t.Errorf("ran %d exports; message %q", len(ex.plans), w.message.Text)
	}
	w.checks.SetSelected(nil)
	w.path.SetText(filepath.Join(t.TempDir(), "out.vcf"))
	test.Tap(w.run)
	if len(ex.plans) != 0 || !strings.Contains(w.message.Text, "Tick at least one folder") {
		t.Errorf("ran %d exports; message %q", len(ex.plans), w.message.Text)
	}
}

func TestExportRunsAndShowsFolder(t *testing.T) {
	w, ex, shown := newExportWindow(t)
	dir := t.TempDir()
	w.checks.SetSelected([]string{"work / Contacts"})
	test.Type(w.path, filepath.Join(dir, "out"))
	test.Tap(w.run)
	if len(ex.plans) != 1 {
		t.Fatalf("%d exports", len(ex.plans))
	}
	p := ex.plans[0]
	if p.Account != "work" || strings.Join(p.Folders, ",") != "c1" || p.Format != "vcf" || p.Path != filepath.Join(dir, "out.vcf") {
		t.Errorf("plan %+v", p)
	}
	if w.message.Text != "Exported 2 items to "+filepath.Join(dir, "out.vcf")+"." {
		t.Errorf("message %q", w.message.Text)
	}
	if w.bar.Visible() || !w.show.Visible() || w.run.Disabled() {
		t.Errorf("after the export: bar %v, show %v, run disabled %v", w.bar.Visible(), w.show.Visible(), w.run.Disabled())
	}
	test.Tap(w.show)
	if len(*shown) != 1 || (*shown)[0] != dir {
		t.Errorf("showed %v; want %s", *shown, dir)
	}
}

func TestExportFailure(t *testing.T) {
	w, ex, _ := newExportWindow(t)
	ex.err = errors.New("write /x: disk full")
	w.path.SetText(filepath.Join(t.TempDir(), "out.vcf"))
	test.Tap(w.run)
	if w.message.Text != "Write /x: disk full." || w.show.Visible() {
		t.Errorf("message %q, show visible %v", w.message.Text, w.show.Visible())
	}
}
