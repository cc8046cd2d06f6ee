package uimodel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
)

// ExportFormat is one choice in the export window's format list.
type ExportFormat struct {
	// Label is what the window shows.
	Label string
	// Kind is contacts, calendar or tasks.
	Kind string
	// Format is the `cradle export --format` value: vcf, vcf4, csv, ics.
	Format string
	// Ext is the file name extension the format is written with.
	Ext string
}

// ExportFormats are the formats the export window offers, contacts
// first.
var ExportFormats = []ExportFormat{
	{"Contacts as vCard 3.0", "contacts", "vcf", ".vcf"},
	{"Contacts as vCard 4.0", "contacts", "vcf4", ".vcf"},
	{"Contacts as CSV (Google Contacts)", "contacts", "csv", ".csv"},
	{"Calendar as iCalendar", "calendar", "ics", ".ics"},
	{"Tasks as iCalendar", "tasks", "ics", ".ics"},
}

// FormatByLabel finds an ExportFormat by its label.
func FormatByLabel(label string) (ExportFormat, bool) {
	for _, f := range ExportFormats {
		if f.Label == label {
			return f, true
		}
	}
	return ExportFormat{}, false
}

// ExportFolder is a folder the user can tick in the export window.
type ExportFolder struct {
	Account string
	// ID is the server's folder id (the kind for This computer).
	ID   string
	Name string
}

// Label is how the window lists the folder.
func (f ExportFolder) Label() string { return f.Account + " / " + f.Name }

// FoldersOf lists the folders of kind in st, by account in the daemon's
// order; skipped folders have no files and are left out.
func FoldersOf(st api.Status, kind string) []ExportFolder {
	var out []ExportFolder
	for _, a := range st.Accounts {
		for _, f := range a.Folders {
			if f.Kind == kind && f.State != "skipped" {
				out = append(out, ExportFolder{Account: a.Name, ID: f.ID, Name: f.Name})
			}
		}
	}
	return out
}

// ExportForm is what the user filled in.
type ExportForm struct {
	Format ExportFormat
	// Folders are the ticked folders; all must belong to one account
	// unless every folder of the kind is ticked.
	Folders []ExportFolder
	// All is every folder of the kind, to tell "everything" from a
	// choice.
	All []ExportFolder
	// From and To are dates as YYYY-MM-DD; either may be empty. They
	// apply to calendars and tasks only.
	From, To string
	// Path is the file to write.
	Path string
}

// ExportPlan is a checked export, ready for cli.ExportFolders.
type ExportPlan struct {
	Kind, Format string
	// Account is "" for all accounts.
	Account string
	// Folders are server ids; empty means every folder of Account.
	Folders  []string
	From, To time.Time
	Path     string
}

// Check validates the form and returns the export to run. Its errors are
// meant for the user (see Sentence). A path without an extension gets the format's.
func (f ExportForm) Check() (ExportPlan, error) {
	p := ExportPlan{Kind: f.Format.Kind, Format: f.Format.Format}
	if p.Kind == "" {
		return p, errors.New("choose a format")
	}
	if len(f.Folders) == 0 {
		return p, errors.New("tick at least one folder to export")
	}
	if len(f.Folders) < len(f.All) {
		// cradle export narrows by one account and folder ids/names.
		p.Account = f.Folders[0].Account
		for _, fo := range f.Folders {
			if fo.Account != p.Account {
				return p, errors.New("export the folders of one account at a time, or tick every folder")
			}
			p.Folders = append(p.Folders, fo.ID)
		}
	}
	var err error
	if p.Kind != "contacts" {
		if p.From, err = day(f.From); err != nil {
			return p, fmt.Errorf("from: %w", err)
		}
		if p.To, err = day(f.To); err != nil {
			return p, fmt.Errorf("to: %w", err)
		}
		if !p.From.IsZero() && !p.To.IsZero() && !p.From.Before(p.To) {
			return p, errors.New("the start date must be before the end date")
		}
	}
	path := strings.TrimSpace(f.Path)
	if path == "" {
		return p, errors.New("choose the file to write")
	}
	if !filepath.IsAbs(path) {
		return p, errors.New("give the file's full path, or use Choose…")
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case "":
		path += f.Format.Ext
	case f.Format.Ext:
	default:
		return p, fmt.Errorf("a file of %s should end in %s, not %s", f.Format.Label, f.Format.Ext, ext)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return p, fmt.Errorf("the folder %s does not exist", filepath.Dir(path))
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return p, fmt.Errorf("%s is a folder; choose a file name", path)
	}
	p.Path = path
	return p, nil
}

// day parses a YYYY-MM-DD date at local midnight; "" is no bound.
func day(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date; write it as 2026-01-31", s)
	}
	return t, nil
}

// ExportResult is what an export wrote.
type ExportResult struct {
	Path  string
	Items int
	// OutOfRange counts events outside the dates; Skipped lists items
	// that could not be read.
	OutOfRange int
	Skipped    []string
}

// Summary says what the export did in one sentence.
func (r ExportResult) Summary() string {
	s := fmt.Sprintf("Exported %d items to %s", r.Items, r.Path)
	if r.OutOfRange > 0 {
		s += fmt.Sprintf("; %d were outside the dates", r.OutOfRange)
	}
	if len(r.Skipped) > 0 {
		s += fmt.Sprintf("; %d could not be read and were skipped", len(r.Skipped))
	}
	return s + "."
}
