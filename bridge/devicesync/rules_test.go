package devicesync

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/device/gammu"
	"github.com/cradle-sync/cradle/bridge/store"
)

// TestGammuEditedBothSides: the local edit stays in place and reaches the
// phone; the phone's version is kept as a conflict copy that is never
// synced as an item.
func TestGammuEditedBothSides(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newPairing(t, dev, gammu.PhoneMemory)
	e, err := v.Create(ctx, "c1", []byte(cardText("c1", "Ann Lee", "+1 555 0001")))
	if err != nil {
		t.Fatal(err)
	}
	syncOK(t, p)
	key := deviceNames(t, dev, gammu.PhoneMemory)["Ann Lee"]
	if _, err := dev.Put(ctx, gammu.PhoneMemory, key, []byte(cardText("", "Ann Lee", "+1 555 7777"))); err != nil {
		t.Fatal(err)
	}
	cur, _, _ := v.Get(ctx, e.Href)
	if _, err := v.Update(ctx, e.Href, []byte(strings.Replace(string(cur), "0001", "4242", 1)), ""); err != nil {
		t.Fatal(err)
	}
	res := syncOK(t, p)
	if len(res.Conflicts) != 1 {
		t.Fatalf("conflict sync: %+v", res)
	}
	copyData, err := os.ReadFile(res.Conflicts[0])
	if err != nil || !strings.Contains(string(copyData), "7777") {
		t.Fatalf("conflict copy %s: %v %q", res.Conflicts[0], err, copyData)
	}
	if got := localCards(t, v)["Ann Lee"]; !strings.Contains(got, "4242") {
		t.Errorf("local lost its edit:\n%s", got)
	}
	recs, _ := dev.List(ctx, gammu.PhoneMemory)
	if len(recs) != 1 || !strings.Contains(string(recs[0].Data), "4242") {
		t.Fatalf("phone after conflict: %+v", recs)
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("sync after conflict: %+v", res)
	}
}

// TestGammuEditBeatsDelete: an item deleted on one side but edited on the
// other comes back on the deleting side.
func TestGammuEditBeatsDelete(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newPairing(t, dev, gammu.PhoneMemory)
	e, err := v.Create(ctx, "c1", []byte(cardText("c1", "Bo Ek", "+46 8 1111")))
	if err != nil {
		t.Fatal(err)
	}
	syncOK(t, p)
	key := deviceNames(t, dev, gammu.PhoneMemory)["Bo Ek"]
	if err := dev.Delete(ctx, gammu.PhoneMemory, key); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Update(ctx, e.Href, []byte(cardText("c1", "Bo Ek", "+46 8 2222")), ""); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.DeviceCreated != 1 || res.LocalDeleted != 0 {
		t.Fatalf("edit vs delete: %+v", res)
	}
	recs, _ := dev.List(ctx, gammu.PhoneMemory)
	if len(recs) != 1 || !strings.Contains(string(recs[0].Data), "2222") {
		t.Fatalf("phone: %+v", recs)
	}
	// Delete locally: the phone follows.
	if err := v.Delete(ctx, e.Href, ""); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.DeviceDeleted != 1 {
		t.Fatalf("local delete: %+v", res)
	}
	if recs, _ := dev.List(ctx, gammu.PhoneMemory); len(recs) != 0 {
		t.Fatalf("phone still holds %d", len(recs))
	}
}

// TestMassDeleteGuard: an emptied phone does not empty the local folder
// until the deletion is allowed.
func TestMassDeleteGuard(t *testing.T) {
	dev, dir := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newPairing(t, dev, gammu.PhoneMemory)
	const n = 12
	for i := range n {
		uid := fmt.Sprint("m", i)
		if _, err := v.Create(ctx, uid, []byte(cardText(uid, fmt.Sprint("Mass ", i), fmt.Sprint("+1 555 10", i)))); err != nil {
			t.Fatal(err)
		}
	}
	syncOK(t, p)
	// Wipe the phone behind gammu's back, as a factory reset would.
	if err := os.RemoveAll(dir + "/pbk/ME"); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir+"/pbk/ME", 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := p.Sync(ctx)
	var mde *MassDeleteError
	if !errors.As(err, &mde) || mde.Side != "local" || mde.Deletes != n || mde.Total != n {
		t.Fatalf("sync after wipe: %v", err)
	}
	if l := len(localCards(t, v)); l != n {
		t.Fatalf("guard let %d of %d local items go", n-l, n)
	}
	p.AllowMassDelete()
	if res := syncOK(t, p); res.LocalDeleted != n {
		t.Fatalf("allowed sync: %+v", res)
	}
}

// TestGammuSingleFile pairs the phone with one .vcf file holding many
// cards, as "This computer" or an export can be.
func TestGammuSingleFile(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	path := t.TempDir() + "/contacts.vcf"
	if err := os.WriteFile(path, []byte(cardText("f1", "File One", "+1 555 0101")+cardText("f2", "File Two", "+1 555 0202")), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := store.OpenFile(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &Pairing{Device: dev, Collection: gammu.PhoneMemory, Local: f, StatePath: t.TempDir() + "/state.json"}
	if res := syncOK(t, p); res.DeviceCreated != 2 {
		t.Fatalf("first sync: %+v", res)
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
	if _, err := dev.Put(ctx, gammu.PhoneMemory, "", []byte(cardText("", "Phone Three", "+1 555 0303"))); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalCreated != 1 {
		t.Fatalf("phone add: %+v", res)
	}
	data, err := os.ReadFile(path)
	if err != nil || strings.Count(string(data), "BEGIN:VCARD") != 3 || !strings.Contains(string(data), "Phone Three") {
		t.Fatalf("file after phone add: %v\n%s", err, data)
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
}

// TestGammuReusedKey: gammu gives a new entry the location of a deleted
// one. The new contact must not be merged onto the deleted one's card.
func TestGammuReusedKey(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newPairing(t, dev, gammu.PhoneMemory)
	for _, c := range []struct{ uid, name, tel string }{{"a", "Alma Gone", "+1 555 1111"}, {"b", "Bert Stays", "+1 555 2222"}} {
		if _, err := v.Create(ctx, c.uid, []byte(cardText(c.uid, c.name, c.tel))); err != nil {
			t.Fatal(err)
		}
	}
	syncOK(t, p)
	oldKey := deviceNames(t, dev, gammu.PhoneMemory)["Alma Gone"]
	if err := dev.Delete(ctx, gammu.PhoneMemory, oldKey); err != nil {
		t.Fatal(err)
	}
	newKey, err := dev.Put(ctx, gammu.PhoneMemory, "", []byte(cardText("", "Cleo New", "+1 555 3333")))
	if err != nil {
		t.Fatal(err)
	}
	if newKey != oldKey {
		t.Fatalf("gammu gave key %s, not the freed %s; the test needs the reuse", newKey, oldKey)
	}
	if res := syncOK(t, p); res.LocalDeleted != 1 || res.LocalCreated != 1 || res.LocalUpdated != 0 {
		t.Fatalf("sync: %+v", res)
	}
	local := localCards(t, v)
	if _, ok := local["Alma Gone"]; ok || len(local) != 2 {
		t.Fatalf("local: %v", local)
	}
	if strings.Contains(local["Cleo New"], "UID:a\r\n") {
		t.Errorf("new contact inherited the deleted one's UID:\n%s", local["Cleo New"])
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync: %+v", res)
	}
}
