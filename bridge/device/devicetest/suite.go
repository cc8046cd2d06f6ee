// Package devicetest is one conformance suite for every device driver:
// the fake Android phone behind a real adb server, gammu's dummy phone and
// mounted folders all have to pass the same tests, which keeps the fakes
// honest about the contract the engine relies on.
package devicetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
)

// Sample items, one per kind: a first version and an update.
var samples = map[device.Kind][2]string{
	device.Contacts: {
		"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:suite-1@cradle.test\r\nFN:Suite Person\r\nN:Person;Suite;;;\r\n" +
			"TEL;TYPE=cell:+1 555 0100\r\nEMAIL:suite@example.org\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:suite-1@cradle.test\r\nFN:Suite Person\r\nN:Person;Suite;;;\r\n" +
			"TEL;TYPE=cell:+1 555 0199\r\nEMAIL:suite@example.org\r\nEND:VCARD\r\n",
	},
	device.Calendar: {
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:suite-ev@cradle.test\r\nDTSTART:20260601T100000Z\r\n" +
			"DTEND:20260601T110000Z\r\nSUMMARY:Suite meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:suite-ev@cradle.test\r\nDTSTART:20260601T120000Z\r\n" +
			"DTEND:20260601T130000Z\r\nSUMMARY:Suite meeting moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
	},
	device.Tasks: {
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:suite-td@cradle.test\r\nSUMMARY:Suite task\r\n" +
			"DUE:20260602T090000Z\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:suite-td@cradle.test\r\nSUMMARY:Suite task renamed\r\n" +
			"DUE:20260602T090000Z\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
	},
}

// Run checks the Device contract on one empty collection of dev: create,
// list (twice, identically), update, delete, and the errors for keys that
// do not exist.
func Run(t *testing.T, dev device.Device, collection string, kind device.Kind) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	caps := dev.Capabilities()
	sample := samples[kind]
	first, second := []byte(sample[0]), []byte(sample[1])

	before, err := dev.List(ctx, collection)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	key, err := dev.Put(ctx, collection, "", first)
	if err != nil {
		t.Fatalf("put new: %v", err)
	}
	if key == "" {
		t.Fatal("put new returned an empty key")
	}
	rec := find(t, ctx, dev, collection, key)
	assertSame(t, kind, first, rec.Data)
	if rec.Hash != device.Hash(rec.Data) {
		t.Errorf("hash %q is not Hash(data)", rec.Hash)
	}
	if caps.KeepsUIDs && !strings.Contains(sample[0], "UID:"+rec.UID+"\r\n") {
		t.Errorf("device keeps UIDs but listed UID %q", rec.UID)
	}
	if !caps.KeepsUIDs && rec.UID != "" {
		t.Errorf("device drops UIDs but listed UID %q", rec.UID)
	}

	a, _ := dev.List(ctx, collection)
	b, _ := dev.List(ctx, collection)
	if summary(a) != summary(b) || len(a) != len(before)+1 {
		t.Fatalf("listings differ or wrong size: %d then %d (had %d)", len(a), len(b), len(before))
	}

	key2, err := dev.Put(ctx, collection, key, second)
	if err != nil {
		t.Fatalf("put update: %v", err)
	}
	after, _ := dev.List(ctx, collection)
	if len(after) != len(a) {
		t.Fatalf("update changed the number of items: %d → %d", len(a), len(after))
	}
	rec2 := find(t, ctx, dev, collection, key2)
	assertSame(t, kind, second, rec2.Data)
	if rec2.Hash == rec.Hash {
		t.Error("update did not change the hash")
	}

	if err := dev.Delete(ctx, collection, key2); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := dev.Delete(ctx, collection, key2); !errors.Is(err, device.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if _, err := dev.Put(ctx, collection, key2, first); !errors.Is(err, device.ErrNotFound) {
		t.Errorf("update of a deleted item: %v, want ErrNotFound", err)
	}
	if final, _ := dev.List(ctx, collection); len(final) != len(before) {
		t.Errorf("after delete %d items, want %d", len(final), len(before))
	}
}

func find(t *testing.T, ctx context.Context, dev device.Device, collection, key string) device.Record {
	t.Helper()
	recs, err := dev.List(ctx, collection)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	for _, r := range recs {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("key %q not listed", key)
	return device.Record{}
}

// assertSame compares what matters across every device: the match key.
func assertSame(t *testing.T, kind device.Kind, want, got []byte) {
	t.Helper()
	w, err := device.MatchKey(kind, want)
	if err != nil {
		t.Fatal(err)
	}
	g, err := device.MatchKey(kind, got)
	if err != nil {
		t.Fatalf("listed data unreadable: %v\n%s", err, got)
	}
	if w != g {
		t.Errorf("content changed: %q, want %q\n%s", g, w, got)
	}
}

func summary(recs []device.Record) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(r.Key + "=" + r.Hash + ";")
	}
	return b.String()
}
