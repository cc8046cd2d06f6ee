package devicesync

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/store"
)

// op is what one sync does with one item.
type op int

const (
	opKeep           op = iota // nothing changed (or only a local touch)
	opToLocal                  // the device changed: merge onto the local item
	opToDevice                 // the local item changed: write it to the device
	opConflict                 // both changed: local wins, device copy kept
	opDeleteLocal              // deleted on the device, unchanged locally
	opDeleteDevice             // deleted locally, unchanged on the device
	opRecreateDevice           // deleted on the device but edited locally
	opRecreateLocal            // deleted locally but edited on the device
	opForget                   // gone from both sides
	opNewLocal                 // new on the device: create locally
	opNewDevice                // new locally: create on the device
	opMatch                    // on both sides, unpaired: pair as they are
)

// plan is the decision for one item, with what was read to make it.
type plan struct {
	op   op
	old  pair
	dev  *device.Record
	loc  store.Entry
	data []byte // local bytes, when read
}

// syncRun is the state of one Sync.
type syncRun struct {
	p         *Pairing
	caps      device.Capabilities
	devByKey  map[string]*device.Record
	locByHref map[string]store.Entry
	ordered   []*device.Record
	next      []pair
	local     []localWrite // queued local writes
	res       Result
}

// plan decides what to do with every item without writing anything, so
// the mass-deletion guard can see the whole picture first.
func (s *syncRun) plan(ctx context.Context, old []pair) ([]plan, error) {
	var plans []plan
	seenDev := map[string]bool{}
	seenLoc := map[string]bool{}
	for _, pr := range old {
		dev := s.devByKey[pr.DeviceKey]
		if dev != nil && dev.Hash != pr.DeviceHash && !s.caps.KeepsUIDs && !sameItem(s.p.kind(), pr.DeviceBase, dev.Data) {
			// The key now holds another item: ours was deleted and
			// the record is new, to be matched or created below.
			dev = nil
		} else {
			seenDev[pr.DeviceKey] = true
		}
		loc, haveLoc := s.locByHref[pr.LocalHref]
		seenLoc[pr.LocalHref] = true
		pl := plan{old: pr, dev: dev, loc: loc}
		devChanged := dev != nil && dev.Hash != pr.DeviceHash
		locChanged := false
		if haveLoc {
			changed, data, ne, err := pr.localChanged(loc, func() ([]byte, store.Entry, error) {
				return s.p.Local.Get(ctx, loc.Href)
			})
			if errors.Is(err, store.ErrNotFound) {
				haveLoc = false
			} else if err != nil {
				return nil, fmt.Errorf("read local %s: %w", loc.Href, err)
			} else {
				locChanged, pl.data, pl.loc = changed, data, ne
			}
		}
		switch {
		case dev == nil && !haveLoc:
			pl.op = opForget
		case dev == nil && locChanged:
			pl.op = opRecreateDevice
		case dev == nil:
			pl.op = opDeleteLocal
		case !haveLoc && devChanged:
			pl.op = opRecreateLocal
		case !haveLoc:
			pl.op = opDeleteDevice
		case devChanged && locChanged:
			pl.op = opConflict
		case devChanged:
			pl.op = opToLocal
		case locChanged:
			pl.op = opToDevice
		default:
			pl.op = opKeep
		}
		plans = append(plans, pl)
	}
	newLocal, err := s.unpairedLocal(ctx, seenLoc)
	if err != nil {
		return nil, err
	}
	for _, rec := range s.listOrder() {
		if seenDev[rec.Key] {
			continue
		}
		seenDev[rec.Key] = true
		if m := newLocal.match(s.p.kind(), s.caps, rec); m != nil {
			plans = append(plans, plan{op: opMatch, dev: rec, loc: m.entry, data: m.data})
			continue
		}
		plans = append(plans, plan{op: opNewLocal, dev: rec})
	}
	for _, c := range newLocal.items {
		if !c.used {
			plans = append(plans, plan{op: opNewDevice, loc: c.entry, data: c.data})
		}
	}
	return plans, nil
}

// listOrder returns the device records in a stable order, so matching
// and creation do not depend on map iteration.
func (s *syncRun) listOrder() []*device.Record {
	if s.ordered == nil {
		for _, r := range s.devByKey {
			s.ordered = append(s.ordered, r)
		}
		sortRecords(s.ordered)
	}
	return s.ordered
}

// candidate is a local item no pair knows.
type candidate struct {
	entry store.Entry
	data  []byte
	key   string // device.MatchKey of data; "" if it has none
	used  bool
}

type candidates struct {
	items []*candidate
	byUID map[string]*candidate
	byKey map[string][]*candidate
}

// unpairedLocal reads the local items no pair knows: they are either new
// or the local halves of items the device holds unpaired.
func (s *syncRun) unpairedLocal(ctx context.Context, seen map[string]bool) (*candidates, error) {
	cs := &candidates{byUID: map[string]*candidate{}, byKey: map[string][]*candidate{}}
	for _, href := range sortedKeys(s.locByHref) {
		if seen[href] {
			continue
		}
		data, e, err := s.p.Local.Get(ctx, href)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read local %s: %w", href, err)
		}
		c := &candidate{entry: e, data: data}
		if k, err := device.MatchKey(s.p.kind(), data); err == nil {
			c.key = k
		} else {
			s.p.log().Warn("local item has no match key", "href", href, "err", err)
		}
		cs.items = append(cs.items, c)
		if e.UID != "" {
			cs.byUID[e.UID] = c
		}
		if c.key != "" {
			cs.byKey[c.key] = append(cs.byKey[c.key], c)
		}
	}
	return cs, nil
}

// match finds the unpaired local item that is rec: by UID where the
// device keeps UIDs, else by the fields that survive the device
// (device.MatchKey). Each local item matches at most once.
func (cs *candidates) match(kind device.Kind, caps device.Capabilities, rec *device.Record) *candidate {
	if caps.KeepsUIDs && rec.UID != "" {
		if c := cs.byUID[rec.UID]; c != nil && !c.used {
			c.used = true
			return c
		}
	}
	k, err := device.MatchKey(kind, rec.Data)
	if err != nil {
		return nil
	}
	for _, c := range cs.byKey[k] {
		if !c.used {
			c.used = true
			return c
		}
	}
	return nil
}

func sortRecords(rs []*device.Record) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Key < rs[j].Key })
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
