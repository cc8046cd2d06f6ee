package devicesync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/gammu"
	"github.com/cradle-sync/cradle/bridge/store"
)

// TestFollowSyncsOnAttach runs Follow on gammu's driver: the phone present
// at start is reported attached and its contact synced to the local folder.
func TestFollowSyncsOnAttach(t *testing.T) {
	dev, dir := gammuPhone(t)
	if _, err := dev.Put(testCtx(t), gammu.PhoneMemory, "", []byte(cardText("", "Followed Person", "+1 555 4444"))); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(filepath.Dir(dir), "gammurc")
	drv, err := gammu.New(gammu.Config{Gammurc: rc, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.OpenVdir(filepath.Join(t.TempDir(), "contacts"), ".vcf", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	statePath := filepath.Join(t.TempDir(), "state.json")
	type report struct {
		res Result
		err error
	}
	reports := make(chan report, 4)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	followed := make(chan error, 1)
	go func() {
		followed <- Follow(ctx, drv, func(id string, dev device.Device) []*Pairing {
			if id != rc {
				return nil
			}
			return []*Pairing{{Device: dev, Collection: gammu.PhoneMemory, Local: v, StatePath: statePath}}
		}, func(id string, p *Pairing, res Result, err error) {
			reports <- report{res, err}
		})
	}()
	var r report
	select {
	case r = <-reports:
	case err := <-followed:
		t.Fatalf("Follow ended before any sync: %v", err)
	case <-ctx.Done():
		t.Fatal("no sync reported")
	}
	if r.err != nil || r.res.LocalCreated != 1 {
		t.Fatalf("report: %+v %v", r.res, r.err)
	}
	if _, ok := localCards(t, v)["Followed Person"]; !ok {
		t.Fatal("phone contact not synced locally")
	}
	if _, err := os.Stat(statePath); err != nil {
		t.Fatalf("state not saved: %v", err)
	}
	cancel()
	if err := <-followed; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow returned %v, want context.Canceled", err)
	}
}
