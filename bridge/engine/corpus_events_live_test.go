package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/event"
	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/internal/sogotest"
)

func itemsIn(t *testing.T, dir string) map[string]*event.Item {
	t.Helper()
	out := map[string]*event.Item{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".ics") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		doc, err := ical.Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		items, _ := event.Items(doc, e.Name())
		for _, it := range items {
			if it.Kind == "VEVENT" && it.Master != nil {
				out[it.UID] = it
			}
		}
	}
	return out
}

// A sample of real-world events pushed to SOGo by one installation arrive
// at a second one with the same occurrences (UTC instants over two years)
// and summaries.
func TestLiveCorpusEventsRoundTripThroughSOGo(t *testing.T) {
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	srv.PutContact(t, user, pass, "seed.vcf", vcard("seed", "Seed", "Contact", ""))
	src := filepath.Join(t.TempDir(), "a")
	os.MkdirAll(src, 0o700)
	corpus := "../../formats/testdata/corpus/ical"
	ents, _ := os.ReadDir(corpus)
	n := 0
	uids := map[string]bool{}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".ics") || strings.HasPrefix(e.Name(), "malformed") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(corpus, e.Name()))
		doc, err := ical.Read(bytes.NewReader(b))
		if err != nil {
			continue
		}
		items, problems := event.Items(doc, e.Name())
		// One event per file keeps a vdir item per file.
		if len(items) != 1 || len(problems) > 0 || items[0].Kind != "VEVENT" || items[0].Master == nil || strings.Contains(items[0].UID, "#") {
			continue
		}
		if uids[items[0].UID] {
			continue // some corpus files share a UID; a calendar holds one of them
		}
		if strings.Contains(items[0].UID, "/") {
			// SOGo names a calendar object after its UID and cannot
			// store one containing '/': it answers the Add with a
			// ServerId but keeps no object. Not Cradle's to fix.
			continue
		}
		uids[items[0].UID] = true
		os.WriteFile(filepath.Join(src, e.Name()), b, 0o600)
		n++
	}
	a := openInstall(t, srv, user, pass, "vevent%2Fpersonal", src)
	if err := a.SyncOnce(context.Background(), ""); err != nil {
		t.Fatalf("push the corpus: %v", err)
	}
	if got := len(srv.ListEvents(t, user, pass)); got != n {
		t.Fatalf("server has %d events, want the %d corpus events", got, n)
	}
	dst := filepath.Join(t.TempDir(), "b")
	b := openInstall(t, srv, user, pass, "vevent%2Fpersonal", dst)
	if err := b.SyncOnce(context.Background(), ""); err != nil {
		t.Fatalf("pull: %v", err)
	}
	orig, back := itemsIn(t, src), itemsIn(t, dst)
	from := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	same := 0
	diverged := map[string]string{}
	for uid, o := range orig {
		g := back[uid]
		if g == nil {
			t.Errorf("%s did not come back", uid)
			continue
		}
		if o.Master.Value("SUMMARY") != g.Master.Value("SUMMARY") {
			t.Errorf("%s: summary %q came back %q", uid, o.Master.Value("SUMMARY"), g.Master.Value("SUMMARY"))
		}
		oo, err1 := event.Occurrences(o, event.Options{}, from, to)
		go_, err2 := event.Occurrences(g, event.Options{}, from, to)
		if err1 != nil || err2 != nil {
			t.Errorf("%s: expand: %v %v", uid, err1, err2)
			continue
		}
		if len(oo) != len(go_) {
			diverged[uid] = fmt.Sprintf("%d occurrences, came back with %d", len(oo), len(go_))
			continue
		}
		ok := true
		for i := range oo {
			if !oo[i].Start.Equal(go_[i].Start) || !oo[i].End.Equal(go_[i].End) {
				diverged[uid] = fmt.Sprintf("occurrence %d %v–%v came back %v–%v", i, oo[i].Start, oo[i].End, go_[i].Start, go_[i].End)
				ok = false
				break
			}
		}
		if ok {
			same++
		}
	}
	t.Logf("%d of %d corpus events identical after the round trip", same, len(orig))
	for uid, why := range diverged {
		if reason, known := knownEventDivergences[uid]; known {
			t.Logf("known divergence %s: %s (%s)", uid, why, reason)
			continue
		}
		t.Errorf("%s changed on the way through SOGo: %s", uid, why)
	}
	for uid := range knownEventDivergences {
		if _, still := diverged[uid]; !still {
			t.Errorf("%s now round-trips: remove it from knownEventDivergences", uid)
		}
	}
}

// knownEventDivergences are corpus events that do not yet come back
// identical through SOGo. The list only shrinks: the test fails when an
// entry starts to round-trip, and for any event not listed.
var knownEventDivergences = map[string]string{
	"d_rdate":                              "RDATE has no ActiveSync form: kept in the sender's file, absent on the second installation",
	"D9182220":                             "Apple iCal 1.5 file whose two overrides are also EXDATEs; Cradle sends the rule with both as deleted exceptions (EAS cannot say both), SOGo returns the event without its rule: open, issue 3",
	"812dae9d-4114-45c1-ba5b-4ee34756ab47": "occurrence count differs after the round trip; Cradle alone (ToEAS then FromEAS) keeps it, so SOGo's storage of the weekly rule or its EXDATEs is suspected: open, issue 3",
	"BFE33ADD-5553-48B5-B5A5-F9DA5CA4C393": "an override's time comes back an hour off across the October DST change; Cradle alone keeps it, SOGo suspected: open, issue 3",
}
