package devicesync

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/device/adb"
	"github.com/cradle-sync/cradle/internal/fakephone"
)

// seedPhoneContact stores a contact as Android's Contacts app does: a raw
// contact with name, phone and e-mail data rows.
func seedPhoneContact(t *testing.T, p *fakephone.Provider, i int) {
	t.Helper()
	id, err := p.Insert(fakephone.RawContactsURI, map[string]string{"account_type": "com.google", "sourceid": fmt.Sprint("g", i)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []map[string]string{
		{"mimetype": "vnd.android.cursor.item/name", "data1": fmt.Sprintf("Phone%03d Family", i), "data2": fmt.Sprintf("Phone%03d", i), "data3": "Family"},
		{"mimetype": "vnd.android.cursor.item/phone_v2", "data1": fmt.Sprintf("+49 30 %07d", i), "data2": "2"},
		{"mimetype": "vnd.android.cursor.item/email_v2", "data1": fmt.Sprintf("p%03d@example.org", i), "data2": "1"},
	} {
		r["raw_contact_id"] = fmt.Sprint(id)
		if _, err := p.Insert(fakephone.DataURI, r); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAndroidThroughRealADBServer reconciles 150 phone contacts and 150
// local ones through the real adb server and the fake phone.
func TestAndroidThroughRealADBServer(t *testing.T) {
	srv := fakephone.StartADBServer(t)
	phone, err := fakephone.Start(fakephone.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { phone.Close() })
	srv.Connect(t, phone.Addr())
	ctx := testCtx(t)
	dev, err := adb.New(srv.Addr, nil).Open(ctx, phone.Addr())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { dev.Close() })

	const half = 150
	for i := range half {
		seedPhoneContact(t, phone.Provider(), i)
	}
	p, v := newPairing(t, dev, adb.ContactsCollection)
	for i := range half {
		uid := fmt.Sprintf("local-%03d@example.org", i)
		if _, err := v.Create(ctx, uid, []byte(cardText(uid, fmt.Sprintf("Local%03d", i), fmt.Sprintf("+44 20 %07d", i)))); err != nil {
			t.Fatal(err)
		}
	}

	res := syncOK(t, p)
	if res.LocalCreated != half || res.DeviceCreated != half || res.Matched != 0 || len(res.Conflicts) != 0 {
		t.Fatalf("first sync: %+v", res)
	}
	local, names := localCards(t, v), deviceNames(t, dev, adb.ContactsCollection)
	if len(local) != 2*half || len(names) != 2*half {
		t.Fatalf("local %d, phone %d contacts; want %d each", len(local), len(names), 2*half)
	}
	for i := range half {
		if _, ok := local[fmt.Sprintf("Phone%03d Family", i)]; !ok {
			t.Fatalf("phone contact %d missing locally", i)
		}
		if _, ok := names[fmt.Sprintf("Local%03d", i)]; !ok {
			t.Fatalf("local contact %d missing on the phone", i)
		}
	}
	if res := syncOK(t, p); res.Changed() || res.Matched != 0 {
		t.Fatalf("second sync: %+v", res)
	}
	// An edit on the phone reaches the local card; a local deletion
	// reaches the phone.
	key := names["Local007"]
	if _, err := dev.Put(ctx, adb.ContactsCollection, key, []byte(cardText("local-007@example.org", "Local007", "+44 20 7654321"))); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalUpdated != 1 || res.DeviceUpdated != 0 || len(res.Conflicts) != 0 {
		t.Fatalf("phone edit: %+v", res)
	}
	if got := localCards(t, v)["Local007"]; !strings.Contains(got, "7654321") {
		t.Fatalf("phone edit not merged:\n%s", got)
	}
	es, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.UID == "local-008@example.org" {
			if err := v.Delete(ctx, e.Href, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	if res := syncOK(t, p); res.DeviceDeleted != 1 || res.LocalDeleted != 0 {
		t.Fatalf("local delete: %+v", res)
	}
	if _, ok := deviceNames(t, dev, adb.ContactsCollection)["Local008"]; ok {
		t.Fatal("deleted contact still on the phone")
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
	// Android keeps UIDs: forgetting the state pairs everything by UID.
	p.StatePath += ".new"
	if res := syncOK(t, p); res.Changed() || res.Matched != 2*half-1 {
		t.Fatalf("re-attach: %+v", res)
	}
}
