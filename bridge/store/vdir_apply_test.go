package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/bridge/store/storetest"
)

func TestVdirApply500Creates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v, err := store.OpenVdir(dir, ".ics", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ops := make([]store.Op, 500)
	for i := range ops {
		uid := fmt.Sprintf("event-%03d@example.org", i)
		ops[i] = store.Op{Kind: store.OpCreate, UID: uid, Data: storetest.Item(".ics", uid, fmt.Sprint("meeting ", i))}
	}
	res, err := v.Apply(ctx, ops)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	hrefs := make(map[string]string)
	for i, r := range res {
		if r.Err != nil || r.Entry.UID != ops[i].UID {
			t.Fatalf("create %d: %+v", i, r)
		}
		hrefs[r.Entry.UID] = r.Entry.Href
	}
	// A fresh store (no cache) sees what the first wrote.
	reopened, err := store.OpenVdir(dir, ".ics", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := reopened.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(ops) {
		t.Fatalf("List has %d items, want %d", len(entries), len(ops))
	}
	for _, e := range entries {
		if hrefs[e.UID] != e.Href {
			t.Errorf("UID %q listed at %q, created at %q", e.UID, e.Href, hrefs[e.UID])
		}
	}
	for i, op := range ops {
		data, e, err := reopened.Get(ctx, res[i].Entry.Href)
		if err != nil || string(data) != string(op.Data) {
			t.Fatalf("Get %s: %q, %v", res[i].Entry.Href, data, err)
		}
		if !e.Etag.Same(res[i].Entry.Etag) {
			t.Errorf("%s: etag %q, Apply said %q", e.Href, e.Etag, res[i].Entry.Etag)
		}
	}
}

func TestVdirApplyCancelled(t *testing.T) {
	dir := t.TempDir()
	v, err := store.OpenVdir(dir, ".vcf", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ops := []store.Op{
		{Kind: store.OpCreate, UID: "a", Data: storetest.Item(".vcf", "a", "a")},
		{Kind: store.OpCreate, UID: "b", Data: storetest.Item(".vcf", "b", "b")},
	}
	res, err := v.Apply(ctx, ops)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for i, r := range res {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("op %d: err = %v, want context.Canceled", i, r.Err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cancelled Apply wrote %v", entries)
	}
}
