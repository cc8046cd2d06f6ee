package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// copyTestdata copies a test file into a fresh folder and returns its path.
func copyTestdata(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFileRoundTrip rewrites one item of real files with its own content
// and checks that every byte of the file survives.
func TestFileRoundTrip(t *testing.T) {
	// exact is false for files whose components of one UID are scattered:
	// a rewrite gathers them, so only their order may change.
	tests := []struct {
		file  string
		items int
		exact bool
	}{
		{"exchange-2010-recurring-overrides-large.ics", 0, false},
		{"google-recurrence-id-override.ics", 1, true},
		{"many-timezones-recurrence-id.ics", 0, false},
		{"orphan-overrides-no-master.ics", 1, true},
		{"android-2.1-six-contacts-qp-photo.vcf", 6, true},
		{"gmail-export-three-contacts.vcf", 3, true},
		{"mixed-2.1-3.0-4.0-in-one-file.vcf", 0, true},
		{"malformed-2.1-nested-vcard.vcf", 1, true},
		{"windows-mobile-6.5-2.1-anniversary-agent.vcf", 1, true},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := copyTestdata(t, tt.file)
			orig, _ := os.ReadFile(p)
			f, err := OpenFile(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			entries, err := f.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) == 0 || (tt.items > 0 && len(entries) != tt.items) {
				t.Fatalf("List has %d items, want %d", len(entries), tt.items)
			}
			if len(entries) > 20 {
				entries = entries[:20] // each update rewrites the file; 20 prove the point
			}
			for _, e := range entries {
				data, _, err := f.Get(ctx, e.Href)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.Update(ctx, e.Href, data, e.Etag); err != nil {
					t.Fatalf("Update(%q) with its own content: %v", e.Href, err)
				}
			}
			got, _ := os.ReadFile(p)
			if tt.exact && !bytes.Equal(got, orig) {
				t.Errorf("file changed by rewriting items with their own content:\n%s", firstDiff(orig, got))
			}
			if !tt.exact && !slices.Equal(sortedLines(got), sortedLines(orig)) {
				t.Error("rewriting items with their own content changed more than the order of lines")
			}
			if f.rewrites != len(entries) {
				t.Errorf("%d rewrites for %d updates", f.rewrites, len(entries))
			}
		})
	}
}

func sortedLines(b []byte) []string {
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	slices.Sort(lines)
	return lines
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf("at byte %d: %q vs %q", i, a[i:min(i+60, len(a))], b[i:min(i+60, len(b))])
}

func TestFileGroupsOverridesAndTimezones(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "cal.ics")
	cal := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" +
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VTIMEZONE\r\nTZID:America/New York\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VTIMEZONE\r\nTZID:Unused\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VEVENT\r\nUID:weekly\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=WEEKLY\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\n" +
		"BEGIN:VTODO\r\nUID:task\r\nSUMMARY:x\r\nEND:VTODO\r\n" +
		"BEGIN:VEVENT\r\nUID:weekly\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260112T090000\r\n" +
		"DTSTART;TZID=\"America/New York\":20260112T100000\r\nEND:VEVENT\r\n" +
		"BEGIN:VFREEBUSY\r\nUID:fb\r\nEND:VFREEBUSY\r\n" +
		"END:VCALENDAR\r\n"
	if err := os.WriteFile(p, []byte(cal), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := f.List(ctx)
	var hrefs []string
	for _, e := range entries {
		hrefs = append(hrefs, e.Href)
	}
	if !slices.Equal(hrefs, []string{"weekly", "task"}) {
		t.Fatalf("hrefs = %q, want weekly and task (VFREEBUSY is no item)", hrefs)
	}
	got, _, err := f.Get(ctx, "weekly")
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, want := range []string{"PRODID:-//Test//EN", "TZID:Europe/Berlin", "TZID:America/New York", "RRULE", "RECURRENCE-ID", "BEGIN:VALARM"} {
		if !strings.Contains(s, want) {
			t.Errorf("Get(weekly) lacks %q", want)
		}
	}
	if strings.Contains(s, "Unused") || strings.Contains(s, "VTODO") {
		t.Errorf("Get(weekly) carries foreign parts:\n%s", s)
	}
	// Deleting the recurring item removes master and override together.
	if err := f.Delete(ctx, "weekly", ""); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(p)
	if bytes.Contains(raw, []byte("UID:weekly")) || !bytes.Contains(raw, []byte("BEGIN:VFREEBUSY")) ||
		!bytes.Contains(raw, []byte("TZID:Unused")) {
		t.Errorf("after delete:\n%s", raw)
	}
	// An item whose components disagree on the UID is refused.
	bad := []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	if _, err := f.Create(ctx, "a", bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("Create with mixed UIDs: err = %v", err)
	}
	// New time zones arrive with new items, once.
	for i, uid := range []string{"n1", "n2"} {
		item := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nEND:VTIMEZONE\r\n"+
			"BEGIN:VEVENT\r\nUID:%s\r\nDTSTART;TZID=Asia/Tokyo:2026010%dT100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", uid, i+1)
		if _, err := f.Create(ctx, uid, []byte(item)); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ = os.ReadFile(p)
	if n := bytes.Count(raw, []byte("TZID:Asia/Tokyo")); n != 1 {
		t.Errorf("Asia/Tokyo defined %d times", n)
	}
	if got, _, _ := f.Get(ctx, "n2"); !bytes.Contains(got, []byte("BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo")) {
		t.Errorf("Get(n2) lacks its time zone:\n%s", got)
	}
}

func TestFileMalformed(t *testing.T) {
	tests := []struct {
		name, ext, content string
		line               int
	}{
		{"stray line", ".ics", "", 13}, // content from testdata
		{"truncated", ".ics", "", 213}, // the innermost unclosed BEGIN
		{"END mismatch", ".ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nBEGIN:VALARM\nEND:VEVENT\nEND:VCALENDAR\n", 5},
		{"END without BEGIN", ".ics", "BEGIN:VCALENDAR\nEND:VTODO\nEND:VCALENDAR\n", 2},
		{"two calendars", ".ics", "BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\nEND:VCALENDAR\n", 3},
		{"no VCALENDAR", ".ics", "\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n", 2},
		{"unclosed event", ".ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nEND:VCALENDAR\n", 4},
		{"unclosed card", ".vcf", "BEGIN:VCARD\nUID:a\nEND:VCARD\n\nBEGIN:VCARD\nUID:b\n", 5},
		{"text between cards", ".vcf", "BEGIN:VCARD\nUID:a\nEND:VCARD\nhello\nBEGIN:VCARD\nEND:VCARD\n", 4},
		{"wrong component", ".vcf", "BEGIN:VCALENDAR\nEND:VCALENDAR\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p string
			switch tt.name {
			case "stray line":
				p = copyTestdata(t, "malformed-stray-line.ics")
			case "truncated":
				p = copyTestdata(t, "apple-ical-1.0-truncated-missing-end.ics")
			default:
				p = filepath.Join(t.TempDir(), "bad"+tt.ext)
				if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := OpenFile(p, Options{})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("OpenFile: err = %v, want *ParseError", err)
			}
			if pe.Line != tt.line || pe.Path != p || !errors.Is(err, ErrInvalid) {
				t.Errorf("error %q: line %d, want %d", err, pe.Line, tt.line)
			}
		})
	}
}

// TestFileCorruptedLaterIsNotRewritten breaks a file the store already
// read; every write must then fail with the line and leave it untouched.
func TestFileCorruptedLaterIsNotRewritten(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "c.vcf")
	f, err := OpenFile(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.Create(ctx, "a", []byte("BEGIN:VCARD\r\nUID:a\r\nEND:VCARD\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	broken := []byte("BEGIN:VCARD\r\nUID:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\nUID:half-written\r\nFN:x\r\n")
	if err := os.WriteFile(p, broken, 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := StatFingerprint(p)
	_, err = f.Update(ctx, e.Href, []byte("BEGIN:VCARD\r\nUID:a\r\nFN:new\r\nEND:VCARD\r\n"), "")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 4 {
		t.Errorf("Update of corrupted file: err = %v, want ParseError at line 4", err)
	}
	if _, err := f.Create(ctx, "b", []byte("BEGIN:VCARD\r\nUID:b\r\nEND:VCARD\r\n")); !errors.As(err, &pe) {
		t.Errorf("Create in corrupted file: err = %v", err)
	}
	if _, err := f.List(ctx); !errors.As(err, &pe) {
		t.Errorf("List of corrupted file: err = %v", err)
	}
	after, _ := StatFingerprint(p)
	got, _ := os.ReadFile(p)
	if before != after || !bytes.Equal(got, broken) {
		t.Error("corrupted file was rewritten")
	}
}

func TestFileOtherItemsEditIsNoConflict(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "c.vcf")
	f, _ := OpenFile(p, Options{})
	ea, _ := f.Create(ctx, "a", []byte("BEGIN:VCARD\r\nUID:a\r\nFN:A\r\nEND:VCARD\r\n"))
	if _, err := f.Create(ctx, "b", []byte("BEGIN:VCARD\r\nUID:b\r\nFN:B\r\nEND:VCARD\r\n")); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(p)
	raw = bytes.Replace(raw, []byte("FN:B"), []byte("FN:B edited by the user"), 1)
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Update(ctx, ea.Href, []byte("BEGIN:VCARD\r\nUID:a\r\nFN:A2\r\nEND:VCARD\r\n"), ea.Etag); err != nil {
		t.Fatalf("Update of a after the user edited b: %v", err)
	}
	raw, _ = os.ReadFile(p)
	if !bytes.Contains(raw, []byte("FN:B edited by the user")) || !bytes.Contains(raw, []byte("FN:A2")) {
		t.Errorf("file lost an edit:\n%s", raw)
	}
}

// TestFileRaceRedone edits the file after the store read it but before it
// replaced it: the store must notice, re-read and redo its batch on top of
// the user's edit, and refuse the op that targets the edited item.
func TestFileRaceRedone(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "c.vcf")
	f, _ := OpenFile(p, Options{})
	ea, _ := f.Create(ctx, "a", []byte("BEGIN:VCARD\r\nUID:a\r\nFN:A\r\nEND:VCARD\r\n"))
	eb, _ := f.Create(ctx, "b", []byte("BEGIN:VCARD\r\nUID:b\r\nFN:B\r\nEND:VCARD\r\n"))
	edits := 0
	f.beforeWrite = func() {
		edits++
		if edits > 1 {
			return
		}
		raw, _ := os.ReadFile(p)
		raw = bytes.Replace(raw, []byte("FN:B"), []byte("FN:B by the user, mid-write"), 1)
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			t.Error(err)
		}
	}
	res, err := f.Apply(ctx, []Op{
		{Kind: OpUpdate, Href: ea.Href, Data: []byte("BEGIN:VCARD\r\nUID:a\r\nFN:A2\r\nEND:VCARD\r\n"), IfMatch: ea.Etag},
		{Kind: OpUpdate, Href: eb.Href, Data: []byte("BEGIN:VCARD\r\nUID:b\r\nFN:B2\r\nEND:VCARD\r\n"), IfMatch: eb.Etag},
	})
	if err != nil {
		t.Fatal(err)
	}
	if edits != 2 {
		t.Errorf("batch written %d times, want 2 (first attempt raced)", edits)
	}
	if res[0].Err != nil || !errors.Is(res[1].Err, ErrChanged) {
		t.Errorf("results = %+v", res)
	}
	raw, _ := os.ReadFile(p)
	if !bytes.Contains(raw, []byte("FN:A2")) || !bytes.Contains(raw, []byte("mid-write")) {
		t.Errorf("file =\n%s", raw)
	}
}

func makeBigFile(t testing.TB, n int) (*File, []Entry) {
	t.Helper()
	f, err := OpenFile(filepath.Join(t.TempDir(), "big.ics"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ops := make([]Op, n)
	for i := range ops {
		uid := fmt.Sprintf("event-%05d", i)
		ops[i] = Op{Kind: OpCreate, UID: uid, Data: []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:" + uid +
			"\r\nDTSTART:20260101T100000Z\r\nSUMMARY:Meeting " + uid + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")}
	}
	res, err := f.Apply(context.Background(), ops)
	if err != nil {
		t.Fatal(err)
	}
	entries := make([]Entry, n)
	for i, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		entries[i] = r.Entry
	}
	return f, entries
}

func TestFileBatchRewritesOnce(t *testing.T) {
	ctx := context.Background()
	f, entries := makeBigFile(t, 10000)
	if f.rewrites != 1 {
		t.Fatalf("10,000 creates in one Apply: %d rewrites", f.rewrites)
	}
	if _, err := f.Update(ctx, entries[5000].Href, []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:event-05000\r\nSUMMARY:moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"), entries[5000].Etag); err != nil {
		t.Fatal(err)
	}
	if f.rewrites != 2 {
		t.Errorf("one update: %d rewrites in total, want 2", f.rewrites)
	}
	ops := make([]Op, 0, len(entries))
	for _, e := range entries {
		ops = append(ops, Op{Kind: OpDelete, Href: e.Href})
	}
	if _, err := f.Apply(ctx, ops); err != nil {
		t.Fatal(err)
	}
	if f.rewrites != 3 {
		t.Errorf("10,000 deletes: %d rewrites in total, want 3", f.rewrites)
	}
	if l, _ := f.List(ctx); len(l) != 0 {
		t.Errorf("%d items left", len(l))
	}
}

func BenchmarkFileUpdateOneOf10000(b *testing.B) {
	ctx := context.Background()
	f, entries := makeBigFile(b, 10000)
	etag := entries[0].Etag
	for i := 0; b.Loop(); i++ {
		e, err := f.Update(ctx, entries[0].Href, fmt.Appendf(nil, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:event-00000\r\nSUMMARY:%d\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", i), etag)
		if err != nil {
			b.Fatal(err)
		}
		etag = e.Etag
	}
}
