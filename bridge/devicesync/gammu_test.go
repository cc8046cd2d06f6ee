package devicesync

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/gammu"
	"github.com/cradle-sync/cradle/bridge/store"
)

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// gammuPhone opens a phone served by gammu's dummy driver, whose entries
// are files under dir/pbk/ME.
func gammuPhone(t *testing.T) (dev device.Device, dir string) {
	t.Helper()
	rc, dir := gammuDummy(t)
	drv, err := gammu.New(gammu.Config{Gammurc: rc})
	if err != nil {
		t.Fatal(err)
	}
	dev, err = drv.Open(testCtx(t), rc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev, dir
}

// gammuDummy writes a gammurc for gammu's dummy driver and returns it with
// the phone's folder, which already holds an empty phone memory.
func gammuDummy(t testing.TB) (rc, dir string) {
	t.Helper()
	if _, err := exec.LookPath("gammu"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("gammu not installed (apt-get install gammu): %v", err)
		}
		t.Skipf("gammu not installed: %v", err)
	}
	base := t.TempDir()
	dir = filepath.Join(base, "phone")
	if err := os.MkdirAll(filepath.Join(dir, "pbk", "ME"), 0o755); err != nil {
		t.Fatal(err)
	}
	rc = filepath.Join(base, "gammurc")
	conf := fmt.Sprintf("[gammu]\nconnection = none\nmodel = dummy\ndevice = %s\n", dir)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return rc, dir
}

func newPairing(t *testing.T, dev device.Device, collection string) (*Pairing, *store.Vdir) {
	t.Helper()
	v, err := store.OpenVdir(filepath.Join(t.TempDir(), "contacts"), ".vcf", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &Pairing{Device: dev, Collection: collection, Local: v, StatePath: filepath.Join(t.TempDir(), "pairing.json")}, v
}

func cardText(uid, name, tel string) string {
	return "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:" + uid + "\r\nFN:" + name + "\r\nN:" + name + ";;;;\r\nTEL;TYPE=cell:" + tel +
		"\r\nCATEGORIES:friends\r\nEND:VCARD\r\n"
}

// localCards returns the local items' bytes by FN.
func localCards(t *testing.T, v store.Store) map[string]string {
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
		c, err := device.ParseContact(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[c.DisplayName()]; dup {
			t.Errorf("duplicate local contact %q", c.DisplayName())
		}
		out[c.DisplayName()] = string(b)
	}
	return out
}

func deviceNames(t *testing.T, dev device.Device, collection string) map[string]string {
	t.Helper()
	recs, err := dev.List(testCtx(t), collection)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range recs {
		c, err := device.ParseContact(r.Data)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[c.DisplayName()]; dup {
			t.Errorf("duplicate device contact %q", c.DisplayName())
		}
		out[c.DisplayName()] = r.Key
	}
	return out
}

func syncOK(t *testing.T, p *Pairing) Result {
	t.Helper()
	res, err := p.Sync(testCtx(t))
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

func TestGammuBothWays(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newPairing(t, dev, gammu.PhoneMemory)

	// A contact made on the phone and one made locally.
	if _, err := dev.Put(ctx, gammu.PhoneMemory, "", []byte(cardText("x", "Phone Person", "+49 30 111"))); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Create(ctx, "local-1", []byte(cardText("local-1", "Local Person", "+49 30 222"))); err != nil {
		t.Fatal(err)
	}
	res := syncOK(t, p)
	if res.LocalCreated != 1 || res.DeviceCreated != 1 || len(res.Conflicts) != 0 {
		t.Fatalf("first sync: %+v", res)
	}
	local := localCards(t, v)
	if _, ok := local["Phone Person"]; !ok || len(local) != 2 {
		t.Fatalf("local after first sync: %v", local)
	}
	if !strings.Contains(local["Phone Person"], "UID:") {
		t.Errorf("phone contact stored without UID: %q", local["Phone Person"])
	}
	names := deviceNames(t, dev, gammu.PhoneMemory)
	if _, ok := names["Local Person"]; !ok || len(names) != 2 {
		t.Fatalf("phone after first sync: %v", names)
	}

	// Nothing changed: nothing written, however often.
	for i := range 2 {
		if res := syncOK(t, p); res.Changed() || res.Matched != 0 {
			t.Fatalf("idle sync %d: %+v", i, res)
		}
	}

	// Edit on the phone: the edit arrives locally, and CATEGORIES, which
	// gammu drops, is not taken for the user's deletion.
	if _, err := dev.Put(ctx, gammu.PhoneMemory, names["Local Person"], []byte(cardText("", "Local Person", "+49 30 999"))); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalUpdated != 1 || res.DeviceUpdated != 0 {
		t.Fatalf("phone edit: %+v", res)
	}
	got := localCards(t, v)["Local Person"]
	if !strings.Contains(got, "999") || strings.Contains(got, "30 222") || !strings.Contains(got, "CATEGORIES:friends") || !strings.Contains(got, "UID:local-1") {
		t.Errorf("merged local card:\n%s", got)
	}
	if res := syncOK(t, p); res.Changed() {
		t.Fatalf("idle sync after phone edit: %+v", res)
	}

	// Delete on the phone removes the local item.
	names = deviceNames(t, dev, gammu.PhoneMemory)
	if err := dev.Delete(ctx, gammu.PhoneMemory, names["Phone Person"]); err != nil {
		t.Fatal(err)
	}
	if res := syncOK(t, p); res.LocalDeleted != 1 {
		t.Fatalf("phone delete: %+v", res)
	}
	if local := localCards(t, v); len(local) != 1 {
		t.Fatalf("local after phone delete: %v", local)
	}
}

// TestGammuReattachNoDuplicates forgets the pairing state, as after a
// reinstall: gammu keeps no UIDs, so the items are paired again by match
// key rather than copied a second time.
func TestGammuReattachNoDuplicates(t *testing.T) {
	dev, _ := gammuPhone(t)
	ctx := testCtx(t)
	p, v := newPairing(t, dev, gammu.PhoneMemory)
	for i := range 3 {
		uid := fmt.Sprint("u", i)
		if _, err := v.Create(ctx, uid, []byte(cardText(uid, fmt.Sprint("Person ", i), fmt.Sprint("+1 555 000", i)))); err != nil {
			t.Fatal(err)
		}
	}
	if res := syncOK(t, p); res.DeviceCreated != 3 {
		t.Fatalf("first sync: %+v", res)
	}
	if err := os.Remove(p.StatePath); err != nil {
		t.Fatal(err)
	}
	res := syncOK(t, p)
	if res.Changed() || res.Matched != 3 {
		t.Fatalf("re-attach: %+v", res)
	}
	if res := syncOK(t, p); res.Changed() || res.Matched != 0 {
		t.Fatalf("after re-attach: %+v", res)
	}
	if n, l := len(deviceNames(t, dev, gammu.PhoneMemory)), len(localCards(t, v)); n != 3 || l != 3 {
		t.Fatalf("phone %d, local %d contacts; want 3 each", n, l)
	}
}
