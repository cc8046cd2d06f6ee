package cli

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/devicesync"
	"github.com/cradle-sync/cradle/bridge/store"
)

// followDevices reconciles every paired device each time it is attached,
// until ctx ends: one goroutine per driver instance (all Android phones
// share the adb server's driver; each gammu phone has its own). What a
// phone changes locally reaches the server through the engine, which is
// asked to sync the account at once.
func followDevices(ctx context.Context, dirs config.Dirs, b api.Backend) {
	conf, err := loadDevices(dirs.Config)
	if err != nil {
		slog.Warn("devices not followed", "err", err)
		return
	}
	groups := map[string][]deviceConf{}
	for _, d := range conf.Devices {
		if d.Contacts == "" {
			continue // not paired yet
		}
		key := d.Driver
		if d.Driver != "adb" {
			key += ":" + d.Name
		}
		groups[key] = append(groups[key], d)
	}
	var wg sync.WaitGroup
	for _, ds := range groups {
		drv, err := ds[0].driver()
		if err != nil {
			slog.Warn("device driver unavailable", "device", ds[0].Name, "err", err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pair := func(id string, dev device.Device) []*devicesync.Pairing {
				i := slices.IndexFunc(ds, func(d deviceConf) bool { return d.ID == id || d.Driver != "adb" })
				if i < 0 {
					return nil
				}
				p, err := openPairing(ctx, dirs, &ds[i], dev)
				if err != nil {
					slog.Warn("cannot pair device", "device", ds[i].Name, "err", err)
					return nil
				}
				return []*devicesync.Pairing{p}
			}
			report := func(id string, p *devicesync.Pairing, res devicesync.Result, err error) {
				if err != nil {
					slog.Warn("device sync failed", "device", id, "err", err)
					return
				}
				slog.Info("device in step; safe to unplug", "device", id, "result", res.String())
				if res.LocalCreated+res.LocalUpdated+res.LocalDeleted > 0 {
					b.SyncNow(ctx, "")
				}
			}
			if err := devicesync.Follow(ctx, drv, pair, report); err != nil && !errors.Is(err, context.Canceled) {
				slog.Warn("device watcher stopped", "driver", ds[0].Driver, "err", err)
			}
		}()
	}
	wg.Wait()
}

// openPairing opens the local collection a device is paired with.
func openPairing(ctx context.Context, dirs config.Dirs, d *deviceConf, dev device.Device) (*devicesync.Pairing, error) {
	coll := d.Collection
	if coll == "" {
		cols, err := dev.Collections(ctx)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(cols, func(c device.Collection) bool { return c.Kind == device.Contacts })
		if i < 0 {
			return nil, errors.New("no address book on the device")
		}
		coll = cols[i].ID
	}
	var st store.Store
	var err error
	if strings.HasSuffix(d.Contacts, ".vcf") {
		st, err = store.OpenFile(d.Contacts, store.Options{})
	} else {
		st, err = store.OpenVdir(d.Contacts, ".vcf", store.Options{})
	}
	if err != nil {
		return nil, err
	}
	return &devicesync.Pairing{Device: dev, Collection: coll, Local: st, StatePath: pairingState(dirs, d.Name)}, nil
}
