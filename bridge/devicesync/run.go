package devicesync

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/store"
)

// localWrite is a local write queued by apply and done with the others
// in one store.Apply, which costs a vdir a few syncs in all rather than
// two per item, and a single file one rewrite rather than one per item.
type localWrite struct {
	op store.Op
	// old is the pair kept when the write fails.
	old pair
	// done records the outcome of a write that took effect; an error it
	// returns is the sync's.
	done func(store.Result) error
}

// run carries out the plans, collecting the new pairs in s.next. An item
// whose write fails keeps its old pair (or none) so the next sync decides
// again; the errors are joined.
func (s *syncRun) run(ctx context.Context, plans []plan) error {
	var errs []error
	wroteDevice := false
	for i := range plans {
		if err := ctx.Err(); err != nil {
			// Keep the pairs not reached, so nothing looks deleted later.
			for _, pl := range plans[i:] {
				if pl.old.DeviceKey != "" {
					s.next = append(s.next, pl.old)
				}
			}
			errs = append(errs, err)
			break
		}
		pl := &plans[i]
		dw, err := s.apply(ctx, pl)
		wroteDevice = wroteDevice || dw
		if err != nil {
			errs = append(errs, err)
			if pl.old.DeviceKey != "" {
				s.next = append(s.next, pl.old)
			}
		}
	}
	if err := s.flushLocal(ctx); err != nil {
		errs = append(errs, err)
	}
	if wroteDevice {
		if err := s.refreshDevice(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// flushLocal does the queued local writes as one batch.
func (s *syncRun) flushLocal(ctx context.Context) error {
	if len(s.local) == 0 {
		return nil
	}
	writes := s.local
	s.local = nil
	ops := make([]store.Op, len(writes))
	for i, w := range writes {
		ops[i] = w.op
	}
	res, err := s.p.Local.Apply(ctx, ops)
	if err != nil {
		for _, w := range writes {
			if w.old.DeviceKey != "" {
				s.next = append(s.next, w.old)
			}
		}
		return fmt.Errorf("write local collection: %w", err)
	}
	var errs []error
	for i, w := range writes {
		if err := w.done(res[i]); err != nil {
			errs = append(errs, err)
			if w.old.DeviceKey != "" {
				s.next = append(s.next, w.old)
			}
		}
	}
	return errors.Join(errs...)
}

// apply carries out one plan; it reports whether it wrote to the device.
// Local writes are queued for flushLocal.
func (s *syncRun) apply(ctx context.Context, pl *plan) (wroteDevice bool, err error) {
	p := s.p
	switch pl.op {
	case opKeep:
		np := pl.old
		if pl.data != nil {
			// Only touched: remember the new stat data, so the file is
			// not read again next time.
			np.LocalEtag = string(pl.loc.Etag)
		}
		s.next = append(s.next, np)
	case opForget:
	case opMatch:
		s.next = append(s.next, pair{DeviceKey: pl.dev.Key, DeviceHash: pl.dev.Hash, DeviceBase: pl.dev.Data,
			LocalHref: pl.loc.Href, LocalEtag: string(pl.loc.Etag), LocalHash: store.ContentHash(pl.data), Base: pl.data})
		s.res.Matched++
	case opNewLocal, opRecreateLocal:
		uid, data, err := itemWithUID(p.kind(), "device item "+pl.dev.Key, pl.dev.Data)
		if err != nil {
			return false, err
		}
		dev := pl.dev
		s.local = append(s.local, localWrite{op: store.Op{Kind: store.OpCreate, UID: uid, Data: data}, old: pl.old,
			done: func(r store.Result) error {
				if r.Err != nil {
					return fmt.Errorf("create local copy of device item %s: %w", dev.Key, r.Err)
				}
				s.next = append(s.next, pair{DeviceKey: dev.Key, DeviceHash: dev.Hash, DeviceBase: dev.Data,
					LocalHref: r.Entry.Href, LocalEtag: string(r.Entry.Etag), LocalHash: store.ContentHash(data), Base: data})
				s.res.LocalCreated++
				return nil
			}})
	case opToLocal:
		name := "item " + pl.old.LocalHref
		local := pl.data
		if local == nil {
			b, e, err := p.Local.Get(ctx, pl.loc.Href)
			if err != nil {
				return false, fmt.Errorf("read local %s: %w", pl.loc.Href, err)
			}
			local, pl.loc = b, e
		}
		merged, err := mergeEdit(p.kind(), name, pl.old.DeviceBase, local, pl.dev.Data)
		if err != nil {
			return false, err
		}
		dev, loc := pl.dev, pl.loc
		record := func(e store.Entry) {
			s.next = append(s.next, pair{DeviceKey: dev.Key, DeviceHash: dev.Hash, DeviceBase: dev.Data,
				LocalHref: e.Href, LocalEtag: string(e.Etag), LocalHash: store.ContentHash(merged), Base: merged})
		}
		if bytes.Equal(merged, local) {
			record(loc)
			break
		}
		s.local = append(s.local, localWrite{op: store.Op{Kind: store.OpUpdate, Href: loc.Href, Data: merged, IfMatch: loc.Etag}, old: pl.old,
			done: func(r store.Result) error {
				if r.Err != nil {
					return fmt.Errorf("write local %s: %w", loc.Href, r.Err)
				}
				record(r.Entry)
				s.res.LocalUpdated++
				return nil
			}})
	case opConflict:
		path, err := p.keepConflictCopy(pl.loc.UID, pl.dev.Data)
		if err != nil {
			return false, err
		}
		s.res.Conflicts = append(s.res.Conflicts, path)
		if err := s.putDevice(ctx, pl, pl.old.DeviceKey); err != nil {
			return false, err
		}
		return true, nil
	case opToDevice:
		if err := s.putDevice(ctx, pl, pl.old.DeviceKey); err != nil {
			return false, err
		}
		s.res.DeviceUpdated++
		return true, nil
	case opNewDevice, opRecreateDevice:
		if err := s.putDevice(ctx, pl, ""); err != nil {
			return false, err
		}
		s.res.DeviceCreated++
		return true, nil
	case opDeleteLocal:
		old, loc := pl.old, pl.loc
		s.local = append(s.local, localWrite{op: store.Op{Kind: store.OpDelete, Href: loc.Href, IfMatch: loc.Etag}, old: old,
			done: func(r store.Result) error {
				switch {
				case errors.Is(r.Err, store.ErrChanged):
					// Edited since listed: the edit wins; the next sync
					// sees a changed local item whose device half is gone.
					s.next = append(s.next, old)
					return nil
				case r.Err != nil && !errors.Is(r.Err, store.ErrNotFound):
					return fmt.Errorf("delete local %s: %w", loc.Href, r.Err)
				}
				s.res.LocalDeleted++
				return nil
			}})
	case opDeleteDevice:
		err := p.Device.Delete(ctx, p.Collection, pl.old.DeviceKey)
		if err != nil && !errors.Is(err, device.ErrNotFound) {
			return false, fmt.Errorf("delete device item %s: %w", pl.old.DeviceKey, err)
		}
		s.res.DeviceDeleted++
		return true, nil
	}
	return false, nil
}

// putDevice writes the local item to the device (key "" creates) and
// records the pair; the device hash is filled in by refreshDevice, since
// only the device knows how it renders what it stored.
func (s *syncRun) putDevice(ctx context.Context, pl *plan, key string) error {
	data := pl.data
	if data == nil {
		b, e, err := s.p.Local.Get(ctx, pl.loc.Href)
		if err != nil {
			return fmt.Errorf("read local %s: %w", pl.loc.Href, err)
		}
		data, pl.loc = b, e
	}
	nk, err := s.p.Device.Put(ctx, s.p.Collection, key, data)
	if errors.Is(err, device.ErrNotFound) && key != "" {
		// Deleted on the device since it was listed: the local edit
		// wins, as for any edit against a deletion.
		nk, err = s.p.Device.Put(ctx, s.p.Collection, "", data)
	}
	if err != nil {
		return fmt.Errorf("write %s to device: %w", pl.loc.Href, err)
	}
	s.next = append(s.next, pair{DeviceKey: nk, LocalHref: pl.loc.Href, LocalEtag: string(pl.loc.Etag),
		LocalHash: store.ContentHash(data), Base: data})
	return nil
}

// refreshDevice lists the device again and records how it holds the items
// just written. A written item the device does not list is unpaired again,
// so the next sync matches it rather than deleting its local half.
func (s *syncRun) refreshDevice(ctx context.Context) error {
	recs, err := s.p.Device.List(ctx, s.p.Collection)
	if err != nil {
		// Forget the unconfirmed pairs: the next sync pairs them again
		// by UID or match key, which is safe; deleting is not.
		s.dropPending()
		return fmt.Errorf("list device collection %s after writing: %w", s.p.Collection, err)
	}
	byKey := make(map[string]*device.Record, len(recs))
	for i := range recs {
		byKey[recs[i].Key] = &recs[i]
	}
	kept := s.next[:0]
	for _, pr := range s.next {
		if pr.DeviceHash == "" {
			r := byKey[pr.DeviceKey]
			if r == nil {
				s.p.log().Warn("written item not listed by device", "key", pr.DeviceKey, "href", pr.LocalHref)
				continue
			}
			pr.DeviceHash, pr.DeviceBase = r.Hash, r.Data
		}
		kept = append(kept, pr)
	}
	s.next = kept
	return nil
}

func (s *syncRun) dropPending() {
	kept := s.next[:0]
	for _, pr := range s.next {
		if pr.DeviceHash != "" {
			kept = append(kept, pr)
		}
	}
	s.next = kept
}
