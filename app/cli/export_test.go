package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/state"
)

func card(uid, fn string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:" + fn + "\r\nEMAIL:" + uid + "@example.com\r\nEND:VCARD\r\n"
}

func vevent(uid, start, extra string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:" +
		start + "\r\nDURATION:PT1H\r\n" + extra + "END:VEVENT\r\nEND:VCALENDAR\r\n"
}

// writeDir creates dir with the given files.
func writeDir(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runExportCmd runs "export args..." and returns stdout and stderr.
func runExportCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	return runExportCtx(t, context.Background(), args...)
}

func runExportCtx(t *testing.T, ctx context.Context, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newExport(&env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage = true
	err := cmd.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func TestExportPathCSVToFile(t *testing.T) {
	src := writeDir(t, filepath.Join(t.TempDir(), "book"), map[string]string{
		"a.vcf": card("a", "Bea"), "b.vcf": card("b", "Al"), "junk.vcf": "not a card\r\n",
	})
	outDir := t.TempDir()
	dest := filepath.Join(outDir, "contacts.csv")
	if err := os.WriteFile(dest, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runExportCmd(t, "contacts", "--path", src, "--format", "csv", "--bom", "-o", dest)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, "exported 2 contacts to "+dest+", 1 skipped") || !strings.Contains(stderr, "junk.vcf") {
		t.Errorf("stderr %q", stderr)
	}
	data, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	data, ok := bytes.CutPrefix(data, []byte("\uFEFF"))
	if !ok {
		t.Error("no BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][0] != "Al" || rows[2][0] != "Bea" {
		t.Errorf("rows %q", rows)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 1 {
		t.Errorf("output folder holds %d files, want the export alone", len(entries))
	}
}

func TestExportCalendarRangeToStdout(t *testing.T) {
	src := writeDir(t, filepath.Join(t.TempDir(), "cal"), map[string]string{
		"weekly.ics": vevent("weekly", "20260105T090000Z", "RRULE:FREQ=WEEKLY;COUNT=3\r\n"),
		"june.ics":   vevent("june", "20260601T090000Z", ""),
	})
	tests := []struct {
		args []string
		want []string
	}{
		{nil, []string{"weekly", "june"}},
		{[]string{"--from", "2026-01-10T00:00:00Z", "--to", "2026-02-01T00:00:00Z"}, []string{"weekly"}},
		{[]string{"--from", "2026-03-01T00:00:00Z"}, []string{"june"}},
	}
	for _, tc := range tests {
		args := append([]string{"calendar", "--path", src, "-o", "-"}, tc.args...)
		stdout, stderr, err := runExportCmd(t, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		var got []string
		for _, l := range strings.Split(stdout, "\r\n") {
			if uid, ok := strings.CutPrefix(l, "UID:"); ok {
				got = append(got, uid)
			}
		}
		if !slices.Equal(got, tc.want) || !strings.HasPrefix(stdout, "BEGIN:VCALENDAR\r\n") {
			t.Errorf("%v: UIDs %v, want %v", tc.args, got, tc.want)
		}
		if !strings.Contains(stderr, "to standard output") {
			t.Errorf("stderr %q", stderr)
		}
	}
}

func TestExportErrors(t *testing.T) {
	dir := writeDir(t, filepath.Join(t.TempDir(), "x"), nil)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"contacts", "--path", dir, "--format", "ics"}, "want vcf, vcf4 or csv"},
		{[]string{"calendar", "--path", dir, "--format", "csv"}, "want ics"},
		{[]string{"calendar", "--path", dir, "--from", "2026-02-01", "--to", "2026-01-01"}, "not before"},
		{[]string{"calendar", "--path", dir, "--from", "yesterday"}, "YYYY-MM-DD"},
		{[]string{"contacts", "--path", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"contacts", "--path", dir, "--account", "a"}, "cannot be combined"},
	}
	for _, tc := range tests {
		_, _, err := runExportCmd(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing --path was created")
	}
}

func TestExportFromState(t *testing.T) {
	data, conf := t.TempDir(), t.TempDir()
	t.Setenv("CRADLE_DATA_DIR", data)
	t.Setenv("CRADLE_CONFIG_DIR", conf)
	writeDir(t, filepath.Join(data, "local", "contacts"), map[string]string{"l.vcf": card("local1", "Local Person")})
	work := writeDir(t, filepath.Join(data, "work", "contacts"), map[string]string{"w.vcf": card("work1", "Work Person")})
	other := writeDir(t, filepath.Join(data, "work", "other"), map[string]string{"o.vcf": card("other1", "Other Person")})
	single := filepath.Join(data, "work", "shared.vcf")
	if err := os.WriteFile(single, []byte(card("shared1", "Shared Person")), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := state.Open(ctx, filepath.Join(data, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	acct, err := db.CreateAccount(ctx, state.Account{Name: "work", URL: "https://eas.example.com", DeviceID: "dev1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []state.Folder{
		{ServerID: "2", DisplayName: "Kontakte", Kind: state.KindContacts, StoreKind: state.StoreVdir, StorePath: work},
		{ServerID: "3", DisplayName: "Other", Kind: state.KindContacts, StoreKind: state.StoreVdir, StorePath: other},
		{ServerID: "4", DisplayName: "Shared", Kind: state.KindContacts, StoreKind: state.StoreFile, StorePath: single},
		{ServerID: "5", DisplayName: "Gone", Kind: state.KindContacts, StoreKind: state.StoreVdir, StorePath: other, State: state.FolderRemoved},
		{ServerID: "6", DisplayName: "Unmapped", Kind: state.KindContacts},
		{ServerID: "7", DisplayName: "Calendar", Kind: state.KindCalendar, StoreKind: state.StoreVdir, StorePath: filepath.Join(data, "nope")},
	} {
		f.Account = acct.ID
		if _, err := db.PutFolder(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want []string // UIDs, in name order
	}{
		{nil, []string{"local1", "other1", "shared1", "work1"}},
		{[]string{"--account", "local"}, []string{"local1"}},
		{[]string{"--account", "work"}, []string{"other1", "shared1", "work1"}},
		{[]string{"--account", "work", "--folder", "kontakte"}, []string{"work1"}},
		{[]string{"--folder", "4", "--folder", "This computer"}, []string{"local1", "shared1"}},
	}
	for _, tc := range tests {
		stdout, _, err := runExportCmd(t, append([]string{"contacts", "--format", "vcf4"}, tc.args...)...)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		var got []string
		for _, l := range strings.Split(stdout, "\r\n") {
			if uid, ok := strings.CutPrefix(l, "UID:"); ok {
				got = append(got, uid)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: UIDs %v, want %v", tc.args, got, tc.want)
		}
	}
	if _, _, err := runExportCmd(t, "contacts", "--account", "nobody"); err == nil || !strings.Contains(err.Error(), `no account "nobody"`) {
		t.Errorf("unknown account: err %v", err)
	}
	_, stderr, err := runExportCmd(t, "calendar", "--account", "work")
	if err == nil || !strings.Contains(err.Error(), "no calendar folder") || !strings.Contains(stderr, "folder Calendar: ") {
		t.Errorf("folder without files: err %v, stderr %q", err, stderr)
	}
}

func TestExportFailureKeepsOldFile(t *testing.T) {
	src := writeDir(t, filepath.Join(t.TempDir(), "book"), map[string]string{"a.vcf": card("a", "Ann")})
	outDir := t.TempDir()
	dest := filepath.Join(outDir, "contacts.vcf")
	if err := os.WriteFile(dest, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := runExportCtx(t, ctx, "contacts", "--path", src, "-o", dest); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if data, _ := os.ReadFile(dest); string(data) != "old" {
		t.Errorf("destination now holds %q", data)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 1 {
		t.Errorf("temporary file left behind: %v", entries)
	}
}
