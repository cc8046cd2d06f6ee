package uimodel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
)

func TestFoldersOf(t *testing.T) {
	st := api.Status{Accounts: []api.Account{
		{Name: "work", Folders: []api.Folder{{ID: "c1", Name: "Contacts", Kind: "contacts"}, {ID: "k1", Name: "Calendar", Kind: "calendar"}, {ID: "c2", Name: "Old", Kind: "contacts", State: "skipped"}}},
		{Name: "local", Folders: []api.Folder{{ID: "contacts", Name: "This computer", Kind: "contacts"}}},
	}}
	got := FoldersOf(st, "contacts")
	want := []ExportFolder{{"work", "c1", "Contacts"}, {"local", "contacts", "This computer"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("FoldersOf = %+v; want %+v", got, want)
	}
}

func TestExportFormCheck(t *testing.T) {
	dir := t.TempDir()
	vcf, _ := FormatByLabel("Contacts as vCard 4.0")
	ics, _ := FormatByLabel("Calendar as iCalendar")
	work := ExportFolder{"work", "c1", "Contacts"}
	work2 := ExportFolder{"work", "c2", "Friends"}
	local := ExportFolder{"local", "contacts", "This computer"}
	all := []ExportFolder{work, work2, local}
	if err := os.Mkdir(filepath.Join(dir, "sub.vcf"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		form    ExportForm
		wantErr string
		check   func(t *testing.T, p ExportPlan)
	}{
		{name: "no format", form: ExportForm{Folders: all, All: all, Path: dir + "/a.vcf"}, wantErr: "choose a format"},
		{name: "no folder", form: ExportForm{Format: vcf, All: all, Path: dir + "/a.vcf"}, wantErr: "tick at least one"},
		{name: "everything", form: ExportForm{Format: vcf, Folders: all, All: all, Path: dir + "/a.vcf"}, check: func(t *testing.T, p ExportPlan) {
			if p.Account != "" || p.Folders != nil || p.Format != "vcf4" || p.Kind != "contacts" || p.Path != dir+"/a.vcf" {
				t.Errorf("plan %+v", p)
			}
		}},
		{name: "one account", form: ExportForm{Format: vcf, Folders: []ExportFolder{work, work2}, All: all, Path: dir + "/a"}, check: func(t *testing.T, p ExportPlan) {
			if p.Account != "work" || strings.Join(p.Folders, ",") != "c1,c2" || p.Path != dir+"/a.vcf" {
				t.Errorf("plan %+v; want work's c1,c2 to a.vcf", p)
			}
		}},
		{name: "two accounts but not all", form: ExportForm{Format: vcf, Folders: []ExportFolder{work, local}, All: all, Path: dir + "/a.vcf"}, wantErr: "one account at a time"},
		{name: "wrong extension", form: ExportForm{Format: vcf, Folders: all, All: all, Path: dir + "/a.ics"}, wantErr: "should end in .vcf"},
		{name: "relative path", form: ExportForm{Format: vcf, Folders: all, All: all, Path: "a.vcf"}, wantErr: "full path"},
		{name: "missing folder", form: ExportForm{Format: vcf, Folders: all, All: all, Path: dir + "/nope/a.vcf"}, wantErr: "does not exist"},
		{name: "path is a folder", form: ExportForm{Format: vcf, Folders: all, All: all, Path: dir + "/sub.vcf"}, wantErr: "is a folder"},
		{name: "no path", form: ExportForm{Format: vcf, Folders: all, All: all, Path: "  "}, wantErr: "choose the file"},
		{name: "dates", form: ExportForm{Format: ics, Folders: all, All: all, From: "2026-01-01", To: "2026-02-01", Path: dir + "/c.ics"}, check: func(t *testing.T, p ExportPlan) {
			if !p.From.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.Local)) || !p.To.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.Local)) {
				t.Errorf("dates %v %v", p.From, p.To)
			}
		}},
		{name: "dates reversed", form: ExportForm{Format: ics, Folders: all, All: all, From: "2026-02-01", To: "2026-01-01", Path: dir + "/c.ics"}, wantErr: "before the end date"},
		{name: "bad date", form: ExportForm{Format: ics, Folders: all, All: all, From: "1.2.2026", Path: dir + "/c.ics"}, wantErr: "not a date"},
		{name: "dates ignored for contacts", form: ExportForm{Format: vcf, Folders: all, All: all, From: "junk", Path: dir + "/a.vcf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.form.Check()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestExportResultSummary(t *testing.T) {
	r := ExportResult{Path: "/tmp/x.vcf", Items: 3, OutOfRange: 1, Skipped: []string{"a: bad"}}
	want := "Exported 3 items to /tmp/x.vcf; 1 were outside the dates; 1 could not be read and were skipped."
	if got := r.Summary(); got != want {
		t.Errorf("Summary = %q; want %q", got, want)
	}
}
