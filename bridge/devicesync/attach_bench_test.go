package devicesync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/adb"
	"github.com/cradle-sync/cradle/bridge/device/gammu"
	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/internal/fakephone"
)

// attachContacts is the phonebook size of the attach benchmarks.
const attachContacts = 1000

// freshPairing returns a pairing with an empty local folder and no state,
// as for a phone attached for the first time.
func freshPairing(b *testing.B, collection string) *Pairing {
	b.Helper()
	dir := b.TempDir()
	v, err := store.OpenVdir(filepath.Join(dir, "contacts"), ".vcf", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return &Pairing{Collection: collection, Local: v, StatePath: filepath.Join(dir, "state.json")}
}

func syncAttached(b *testing.B, ctx context.Context, drv device.Driver, id string, p *Pairing) {
	b.Helper()
	dev, err := drv.Open(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	p.Device = dev
	res, err := p.Sync(ctx)
	if err != nil || res.LocalCreated != attachContacts {
		b.Fatalf("sync: %+v %v", res, err)
	}
}

// BenchmarkAdbAttach1000Contacts times an Android phone holding 1,000
// contacts from its attach (`adb connect` to the real adb server) until
// its contacts are in an empty local folder: the driver's Attach event,
// opening the phone, listing it and writing 1,000 vCards.
func BenchmarkAdbAttach1000Contacts(b *testing.B) {
	srv := fakephone.StartADBServer(b)
	phone, err := fakephone.Start(fakephone.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { phone.Close() })
	for i := range attachContacts {
		seedPhoneContact(b, phone.Provider(), i)
	}
	drv := adb.New(srv.Addr, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	events := make(chan device.Event, 8)
	watched := make(chan error, 1)
	go func() { watched <- Watch(ctx, drv, func(ev device.Event) { events <- ev }) }()
	b.Cleanup(func() {
		cancel()
		<-watched
	})
	await := func(t device.EventType) string {
		for {
			select {
			case ev := <-events:
				if ev.Type == t && ev.ID == phone.Addr() {
					return ev.ID
				}
			case err := <-watched:
				b.Fatalf("watch ended: %v", err)
			case <-time.After(time.Minute):
				b.Fatalf("no %v event", t)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		p := freshPairing(b, adb.ContactsCollection)
		b.StartTimer()
		srv.Connect(b, phone.Addr())
		syncAttached(b, ctx, drv, await(device.Attach), p)
		b.StopTimer()
		if out, err := srv.Run(ctx, "disconnect", phone.Addr()); err != nil {
			b.Fatalf("adb disconnect: %v\n%s", err, out)
		}
		await(device.Detach)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/attach")
}

// BenchmarkGammuAttach1000Contacts times a gammu phone holding 1,000
// phonebook entries (gammu's dummy phone) from its detection (`gammu
// identify`) until its contacts are in an empty local folder.
func BenchmarkGammuAttach1000Contacts(b *testing.B) {
	rc, dir := gammuDummy(b)
	for i := 1; i <= attachContacts; i++ {
		card := fmt.Sprintf("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller %d;J=C3=BCrgen\r\n"+
			"TEL;CELL:+49 170 %07d\r\nEMAIL:p%d@example.org\r\nEND:VCARD\r\n", i, i, i)
		if err := os.WriteFile(filepath.Join(dir, "pbk", "ME", fmt.Sprint(i)), []byte(card), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	drv, err := gammu.New(gammu.Config{Gammurc: rc})
	if err != nil {
		b.Fatal(err)
	}
	ctx := testCtx(b)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		p := freshPairing(b, gammu.PhoneMemory)
		b.StartTimer()
		infos, err := drv.Detect(ctx)
		if err != nil || len(infos) != 1 {
			b.Fatalf("detect: %v %v", infos, err)
		}
		syncAttached(b, ctx, drv, infos[0].ID, p)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/attach")
}
