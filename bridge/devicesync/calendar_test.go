package devicesync

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/folder"
	"github.com/cradle-sync/cradle/bridge/device/gammu"
	"github.com/cradle-sync/cradle/bridge/store"
)

// calBase is a fixed start for test events, far from DST changes.
var calBase = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// eventText is one event as a server or calendar app would store it;
// extra lines (RRULE, CATEGORIES…) go into the VEVENT.
func eventText(uid, summary string, start time.Time, extra string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n")
	if uid != "" {
		b.WriteString("UID:" + uid + "\r\n")
	}
	b.WriteString("DTSTAMP:20261126T100000Z\r\n")
	b.WriteString("DTSTART:" + start.UTC().Format("20060102T150405Z") + "\r\n")
	b.WriteString("DTEND:" + start.Add(time.Hour).UTC().Format("20060102T150405Z") + "\r\n")
	b.WriteString("SUMMARY:" + summary + "\r\n" + extra)
	b.WriteString("END:VEVENT\r\nEND:VCALENDAR\r\n")
	return b.String()
}

func todoText(uid, summary string, due time.Time, extra string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\nUID:" + uid +
		"\r\nDUE:" + due.UTC().Format("20060102T150405Z") + "\r\nSUMMARY:" + summary + "\r\n" + extra +
		"END:VTODO\r\nEND:VCALENDAR\r\n"
}

// newKindPairing pairs the device collection with a fresh .ics vdir.
func newKindPairing(t *testing.T, dev device.Device, collection string, kind device.Kind) (*Pairing, *store.Vdir) {
	t.Helper()
	v, err := store.OpenVdir(filepath.Join(t.TempDir(), string(kind)), ".ics", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &Pairing{Device: dev, Collection: collection, Kind: kind, Local: v,
		StatePath: filepath.Join(t.TempDir(), "pairing.json")}, v
}

// localEvents returns the local items' bytes by summary; a summary seen
// twice fails the test (a duplicate).
func localEvents(t *testing.T, v store.Store) map[string]string {
	t.Helper()
	ctx := testCtx(t)
	es, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range es {
		if strings.Contains(e.Href, ".sync-conflict-") {
			continue
		}
		b, _, err := v.Get(ctx, e.Href)
		if err != nil {
			t.Fatal(err)
		}
		it, err := device.ParseCalendarItem(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[it.Summary]; dup {
			t.Errorf("duplicate local item %q", it.Summary)
		}
		out[it.Summary] = string(b)
	}
	return out
}

// deviceEvents returns the device items' keys by summary, failing on
// duplicates.
func deviceEvents(t *testing.T, dev device.Device, collection string) map[string]device.Record {
	t.Helper()
	recs, err := dev.List(testCtx(t), collection)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]device.Record{}
	for _, r := range recs {
		it, err := device.ParseCalendarItem(r.Data)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[it.Summary]; dup {
			t.Errorf("duplicate device item %q", it.Summary)
		}
		out[it.Summary] = r
	}
	return out
}

func deleteLocalUID(t *testing.T, v store.Store, uid string) {
	t.Helper()
	ctx := testCtx(t)
	es, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.UID == uid {
			if err := v.Delete(ctx, e.Href, ""); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no local item %s", uid)
}

// TestGammuCalendarBothWays pairs gammu's dummy phone calendar with an
// .ics vdir: events cross both ways, the phone's edit (a delete and add
// at gammu) is merged without losing what gammu cannot keep, deletions
// cross both ways, and forgetting the pairing state matches every event
// by start and summary instead of duplicating it.
func TestGammuCalendarBothWays(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newKindPairing(t, dev, gammu.CalendarID, device.Calendar)
	const n = 4
	for i := range n {
		if _, err := dev.Put(ctx, gammu.CalendarID, "", []byte(eventText("", fmt.Sprintf("Phone event %d", i), calBase.AddDate(0, 0, i), ""))); err != nil {
			t.Fatal(err)
		}
		uid := fmt.Sprintf("local-ev-%d", i)
		extra := ""
		if i == 0 {
			// Gammu keeps neither: both must survive on the local side.
			extra = "RRULE:FREQ=WEEKLY;COUNT=5\r\nCATEGORIES:Work\r\n"
		}
		if _, err := v.Create(ctx, uid, []byte(eventText(uid, fmt.Sprintf("Local event %d", i), calBase.AddDate(0, 0, i).Add(3*time.Hour), extra))); err != nil {
			t.Fatal(err)
		}
	}
	if res := syncOK(t, p); res.LocalCreated != n || res.DeviceCreated != n || len(res.Conflicts) != 0 {
		t.Fatalf("first sync: %+v", res)
	}
	local, phone := localEvents(t, v), deviceEvents(t, dev, gammu.CalendarID)
	if len(local) != 2*n || len(phone) != 2*n {
		t.Fatalf("local %d, phone %d events; want %d each", len(local), len(phone), 2*n)
	}
	if it, _ := device.ParseCalendarItem([]byte(local["Phone event 2"])); !it.Start.Equal(calBase.AddDate(0, 0, 2)) || it.UID == "" {
		t.Fatalf("phone event stored locally as %+v", it)
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}

	// Forgetting the state (a new computer, a lost state file): gammu
	// keeps no UIDs, yet nothing is duplicated.
	p.StatePath += ".again"
	if res := syncOK(t, p); res.Changed() || res.Matched != 2*n {
		t.Fatalf("re-pair: %+v", res)
	}

	// An edit on the phone: gammu replaces the entry.
	rec := phone["Local event 0"]
	edited := strings.Replace(eventText("", "Local event 0", calBase.Add(3*time.Hour), ""), "SUMMARY:", "LOCATION:Room 7\r\nSUMMARY:", 1)
	if _, err := dev.Put(ctx, gammu.CalendarID, rec.Key, []byte(edited)); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalUpdated != 1 || res.LocalCreated != 0 || res.LocalDeleted != 0 || res.DeviceCreated != 0 {
		t.Fatalf("phone edit: %+v", res)
	}
	got := localEvents(t, v)["Local event 0"]
	for _, want := range []string{"LOCATION:Room 7", "RRULE:FREQ=WEEKLY;COUNT=5", "CATEGORIES:Work", "UID:local-ev-0"} {
		if !strings.Contains(got, want) {
			t.Errorf("merged event lacks %q:\n%s", want, got)
		}
	}

	// A local deletion reaches the phone; a deletion on the phone
	// reaches the local folder.
	deleteLocalUID(t, v, "local-ev-1")
	if err := dev.Delete(ctx, gammu.CalendarID, deviceEvents(t, dev, gammu.CalendarID)["Phone event 3"].Key); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.DeviceDeleted != 1 || res.LocalDeleted != 1 || res.LocalCreated+res.DeviceCreated != 0 {
		t.Fatalf("deletions: %+v", res)
	}
	local, phone = localEvents(t, v), deviceEvents(t, dev, gammu.CalendarID)
	for _, gone := range []string{"Local event 1", "Phone event 3"} {
		if _, ok := local[gone]; ok {
			t.Errorf("%s still local", gone)
		}
		if _, ok := phone[gone]; ok {
			t.Errorf("%s still on the phone", gone)
		}
	}
	if len(local) != 2*n-2 || len(phone) != 2*n-2 {
		t.Fatalf("local %d, phone %d; want %d", len(local), len(phone), 2*n-2)
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
}

// TestGammuCalendarReusedLocation: gammu gives a new entry the location of
// a deleted one; an entry sharing neither start nor summary is a new
// event, not an edit of the deleted one.
func TestGammuCalendarReusedLocation(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newKindPairing(t, dev, gammu.CalendarID, device.Calendar)
	for i, s := range []string{"Dentist", "Standup"} {
		uid := fmt.Sprint("e", i)
		if _, err := v.Create(ctx, uid, []byte(eventText(uid, s, calBase.Add(time.Duration(i)*time.Hour), ""))); err != nil {
			t.Fatal(err)
		}
	}
	syncOK(t, p)
	old := deviceEvents(t, dev, gammu.CalendarID)["Dentist"].Key
	if err := dev.Delete(ctx, gammu.CalendarID, old); err != nil {
		t.Fatal(err)
	}
	nk, err := dev.Put(ctx, gammu.CalendarID, "", []byte(eventText("", "Haircut", calBase.AddDate(0, 1, 0), "")))
	if err != nil {
		t.Fatal(err)
	}
	if nk != old {
		t.Fatalf("gammu gave location %s, not the freed %s; the test needs the reuse", nk, old)
	}
	if res := syncOK(t, p); res.LocalDeleted != 1 || res.LocalCreated != 1 || res.LocalUpdated != 0 {
		t.Fatalf("sync: %+v", res)
	}
	local := localEvents(t, v)
	if _, ok := local["Dentist"]; ok || len(local) != 2 || strings.Contains(local["Haircut"], "UID:e0\r\n") {
		t.Fatalf("local after reuse: %v", local)
	}
}

// TestGammuTodoBothWays pairs gammu's to-do list: to-dos cross both ways,
// completing one on the phone reaches the local item, and repeated
// attaches without state add nothing.
func TestGammuTodoBothWays(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newKindPairing(t, dev, gammu.TodoID, device.Tasks)
	if _, err := v.Create(ctx, "t1", []byte(todoText("t1", "Renew passport", calBase, "DTSTART:20261120T090000Z\r\nPRIORITY:1\r\n"))); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.Put(ctx, gammu.TodoID, "", []byte(todoText("", "Buy stamps", calBase.AddDate(0, 0, 2), ""))); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalCreated != 1 || res.DeviceCreated != 1 {
		t.Fatalf("first sync: %+v", res)
	}
	for range 2 {
		p.StatePath += ".again"
		if res := syncOK(t, p); res.Changed() || res.Matched != 2 {
			t.Fatalf("re-pair: %+v", res)
		}
	}
	rec := deviceEvents(t, dev, gammu.TodoID)["Renew passport"]
	done := todoText("", "Renew passport", calBase, "STATUS:COMPLETED\r\n")
	if _, err := dev.Put(ctx, gammu.TodoID, rec.Key, []byte(done)); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalUpdated != 1 || res.LocalCreated != 0 {
		t.Fatalf("phone completion: %+v", res)
	}
	got := localEvents(t, v)["Renew passport"]
	if !strings.Contains(got, "STATUS:COMPLETED") || !strings.Contains(got, "UID:t1") || !strings.Contains(got, "DTSTART:20261120T090000Z") {
		t.Fatalf("local to-do after completion on the phone:\n%s", got)
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
}

// TestCalendarMassDeleteGuard: a phone whose calendar was wiped does not
// empty the local calendar unasked.
func TestCalendarMassDeleteGuard(t *testing.T) {
	dev, dir := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newKindPairing(t, dev, gammu.CalendarID, device.Calendar)
	const n = 12
	for i := range n {
		uid := fmt.Sprint("g", i)
		if _, err := v.Create(ctx, uid, []byte(eventText(uid, fmt.Sprint("Guarded ", i), calBase.Add(time.Duration(i)*time.Hour), ""))); err != nil {
			t.Fatal(err)
		}
	}
	syncOK(t, p)
	if err := os.RemoveAll(filepath.Join(dir, "calendar")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "calendar"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Sync(ctx); !isMassDelete(err, "local", n) {
		t.Fatalf("sync after wipe: %v", err)
	}
	if l := len(localEvents(t, v)); l != n {
		t.Fatalf("guard let %d of %d local events go", n-l, n)
	}
}

func isMassDelete(err error, side string, n int) bool {
	var mde *MassDeleteError
	return errors.As(err, &mde) && mde.Side == side && mde.Deletes == n
}

// TestFolderCalendarFile pairs a calendar.ics on mounted storage with a
// local .ics vdir: the file's events arrive locally, local events are
// added to the file, and a second sync changes nothing.
func TestFolderCalendarFile(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "calendar.ics")
	if err := os.WriteFile(file, []byte(eventText("stick-1", "From the stick", calBase, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	dev, err := folder.New(folder.Config{Files: []string{"calendar.ics"}, Roots: []string{}}).Open(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	p, v := newKindPairing(t, dev, "calendar.ics", device.Calendar)
	if _, err := v.Create(ctx, "desk-1", []byte(eventText("desk-1", "From the desk", calBase.Add(time.Hour), ""))); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalCreated != 1 || res.DeviceCreated != 1 {
		t.Fatalf("first sync: %+v", res)
	}
	data, err := os.ReadFile(file)
	if err != nil || strings.Count(string(data), "BEGIN:VEVENT") != 2 || !strings.Contains(string(data), "UID:desk-1") {
		t.Fatalf("file after sync: %v\n%s", err, data)
	}
	if _, ok := localEvents(t, v)["From the stick"]; !ok {
		t.Fatal("stick event not local")
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
}
