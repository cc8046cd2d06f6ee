package devicesync

import (
	"context"
	"fmt"

	"github.com/cradle-sync/cradle/bridge/device"
)

// PairFunc returns the pairings of the device with this ID, built on the
// opened dev; nil when the device is not paired.
type PairFunc func(id string, dev device.Device) []*Pairing

// ReportFunc receives the outcome of every sync Follow runs. A result with
// local changes (Result.LocalCreated and friends) is the daemon's cue to
// sync the local collection's account with its server.
type ReportFunc func(id string, p *Pairing, res Result, err error)

// Watch runs drv's Watch and calls handle with each event, one at a time,
// on Watch's own goroutine: the driver waits while handle runs, so a
// handler that syncs the attached device sees the next event after it. It
// blocks until ctx is done and returns ctx.Err(), or returns earlier with
// the error that ended the driver's Watch.
func Watch(ctx context.Context, drv device.Driver, handle func(device.Event)) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan device.Event)
	done := make(chan error, 1)
	go func() { done <- drv.Watch(wctx, events) }()
	for {
		select {
		case ev := <-events:
			handle(ev)
		case err := <-done:
			return err
		case <-ctx.Done():
			cancel()
			// Watch may be blocked sending; keep receiving until it ends.
			for {
				select {
				case <-events:
				case <-done:
					return ctx.Err()
				}
			}
		}
	}
}

// Follow watches drv and syncs every paired device each time it is
// attached: it opens the device, runs each pairing's Sync in turn, reports
// and closes the device again. It blocks until ctx is done and returns
// ctx.Err(), or returns earlier with the error that ended the driver's
// Watch. Syncs run on Follow's goroutine, one at a time.
func Follow(ctx context.Context, drv device.Driver, pair PairFunc, report ReportFunc) error {
	return Watch(ctx, drv, func(ev device.Event) {
		if ev.Type == device.Attach {
			SyncOpened(ctx, drv, ev.ID, pair, report)
		}
	})
}

// SyncOpened opens the device with this ID, syncs each of its pairings in
// turn, reporting every outcome, and closes the device again. A device
// that cannot be opened is reported with a nil pairing.
func SyncOpened(ctx context.Context, drv device.Driver, id string, pair PairFunc, report ReportFunc) {
	dev, err := drv.Open(ctx, id)
	if err != nil {
		report(id, nil, Result{}, fmt.Errorf("open %s device %s: %w", drv.Kind(), id, err))
		return
	}
	defer dev.Close()
	for _, p := range pair(id, dev) {
		res, err := p.Sync(ctx)
		report(id, p, res, err)
	}
}
