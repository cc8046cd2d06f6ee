package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/adb"
	"github.com/cradle-sync/cradle/bridge/device/folder"
	"github.com/cradle-sync/cradle/bridge/devicesync"
	"github.com/cradle-sync/cradle/bridge/engine"
)

// Device states the daemon reports in api.Device.State.
const (
	deviceAttached     = "attached"
	deviceDetached     = "detached"
	deviceSyncing      = "syncing"
	deviceUnauthorized = "unauthorized"
	deviceUnpaired     = "unpaired"
	deviceError        = "error"
)

// Actions of the api.Event{Type: "device"} events the daemon publishes.
// Detail is a sentence for people naming the device.
const (
	actionReconciled   = "reconciled" // in step; safe to unplug
	actionFailed       = "failed"
	actionUnauthorized = "unauthorized"
	actionDetached     = "detached"
)

// deviceEventKeep is how many device events the follower keeps for
// activity views opened later.
const deviceEventKeep = 50

// Reconciling an attached device again: serverSettle is how long after
// the last server change applied locally, so a burst of changes is one
// reconcile; attachedPoll is how often otherwise, since phones do not tell
// when their owner edits them.
const (
	serverSettle = 500 * time.Millisecond
	attachedPoll = 5 * time.Minute
)

// deviceFollower follows the configured devices for the daemon: it
// reconciles every paired device each time it is attached and when asked
// (SyncDevice), keeps each device's state for the Devices window, and
// publishes an api.Event of type "device" when a device was reconciled,
// failed, went away or waits for the user to accept this computer. What a
// device changes locally reaches the server through the engine, which is
// asked to sync the device's account at once.
//
// It implements api.DeviceBackend. Methods are safe for concurrent use.
type deviceFollower struct {
	dirs   config.Dirs
	engine api.Backend

	mu       sync.Mutex
	devices  map[string]*api.Device // by configured name, or "adb:"+serial for unconfigured phones
	present  map[string]bool        // names of attached devices
	watching map[string]bool        // watchKey of the drivers being watched
	locks    map[string]*sync.Mutex // per name: one reconcile of a device at a time
	subs     map[chan api.Event]struct{}
	recent   []api.Event
	reload   chan struct{}
}

func newDeviceFollower(dirs config.Dirs, b api.Backend) *deviceFollower {
	return &deviceFollower{dirs: dirs, engine: b,
		devices: map[string]*api.Device{}, present: map[string]bool{}, watching: map[string]bool{},
		locks: map[string]*sync.Mutex{}, subs: map[chan api.Event]struct{}{}, reload: make(chan struct{}, 1)}
}

// deviceDaemon is the daemon's backend: the engine, plus the devices it
// follows. Embedding the engine keeps its optional interfaces
// (api.ActivityLog, api.Reloader) visible to the control socket.
type deviceDaemon struct {
	*engine.Engine
	*deviceFollower
}

// withDevices returns eng with a device follower; start following with
// the follower's Run method.
func withDevices(eng *engine.Engine, dirs config.Dirs) deviceDaemon {
	return deviceDaemon{Engine: eng, deviceFollower: newDeviceFollower(dirs, eng)}
}

// Subscribe delivers the engine's events and the devices' until ctx ends.
func (d deviceDaemon) Subscribe(ctx context.Context) <-chan api.Event {
	return mergeEvents(ctx, d.Engine.Subscribe(ctx), d.deviceFollower.Subscribe(ctx))
}

// Reload re-reads the accounts (the engine's Reload) and the devices,
// so a device paired while the daemon runs is followed.
func (d deviceDaemon) Reload(ctx context.Context) error {
	d.deviceFollower.Reload()
	return d.Engine.Reload(ctx)
}

// Activity returns the most recent engine and device events, oldest
// first.
func (d deviceDaemon) Activity(ctx context.Context, limit int) ([]api.Event, error) {
	evs, err := d.Engine.Activity(ctx, limit)
	if err != nil {
		return nil, err
	}
	evs = append(evs, d.deviceFollower.Recent()...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
	if limit > 0 && len(evs) > limit {
		evs = evs[len(evs)-limit:]
	}
	return evs, nil
}

var (
	_ api.Backend       = deviceDaemon{}
	_ api.DeviceBackend = deviceDaemon{}
	_ api.ActivityLog   = deviceDaemon{}
	_ api.Reloader      = deviceDaemon{}
)

// mergeEvents forwards a and b to one channel, closed once both are.
// A slow reader holds up only this forwarder: the sources drop events
// rather than wait.
func mergeEvents(ctx context.Context, a, b <-chan api.Event) <-chan api.Event {
	out := make(chan api.Event, 64)
	go func() {
		defer close(out)
		for a != nil || b != nil {
			var ev api.Event
			var ok bool
			select {
			case ev, ok = <-a:
				if !ok {
					a = nil
					continue
				}
			case ev, ok = <-b:
				if !ok {
					b = nil
					continue
				}
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Run watches the drivers of the paired devices until ctx ends: one
// watcher for all Android phones (the adb server's), one per gammu phone
// and per storage folder. Pairings changed while the daemon runs take
// effect at the next attach; devices added or paired later are watched
// after Reload.
func (f *deviceFollower) Run(ctx context.Context) {
	for {
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.watch(wctx)
		}()
		select {
		case <-ctx.Done():
		case <-f.reload:
		}
		cancel()
		<-done
		if ctx.Err() != nil {
			return
		}
		// Watchers report what is attached anew.
		f.mu.Lock()
		clear(f.watching)
		clear(f.present)
		f.mu.Unlock()
	}
}

// Reload makes Run read devices.toml again and watch the devices
// configured now. It does not wait.
func (f *deviceFollower) Reload() {
	select {
	case f.reload <- struct{}{}:
	default:
	}
}

// watch runs one generation of watchers until ctx ends.
func (f *deviceFollower) watch(ctx context.Context) {
	conf, err := loadDevices(f.dirs.Config)
	if err != nil {
		slog.Warn("devices not followed", "err", err)
		return
	}
	groups := map[string]device.Driver{}
	for i := range conf.Devices {
		d := &conf.Devices[i]
		if len(d.pairs()) == 0 {
			continue
		}
		key := watchKey(d)
		if _, ok := groups[key]; ok {
			continue
		}
		drv, err := f.driverFor(d)
		if err != nil {
			f.setState(d, deviceError, err.Error())
			slog.Warn("device driver unavailable", "device", d.Name, "err", err)
			continue
		}
		groups[key] = drv
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	if len(groups) > 0 {
		wg.Go(func() { f.followChanges(ctx) })
	}
	for key, drv := range groups {
		f.mu.Lock()
		f.watching[key] = true
		f.mu.Unlock()
		wg.Go(func() {
			err := devicesync.Watch(ctx, drv, func(ev device.Event) { f.handle(ctx, key, drv, ev) })
			if err != nil && !errors.Is(err, context.Canceled) {
				slog.Warn("device watcher stopped", "driver", drv.Kind(), "err", err)
			}
		})
	}
}

// followChanges keeps attached devices in step while they stay attached:
// it reconciles them again once the engine has applied server changes to
// their account's local collections, and every attachedPoll. Reconciles
// run on a goroutine of their own, so events keep being received (the
// engine drops what a subscriber does not take) and changes arriving
// during a reconcile lead to another one.
func (f *deviceFollower) followChanges(ctx context.Context) {
	var mu sync.Mutex
	pending := map[string]bool{} // accounts with server changes applied locally; "*" for all
	kick := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-kick:
			}
			mu.Lock()
			accounts := pending
			pending = map[string]bool{}
			mu.Unlock()
			f.reconcileAttached(ctx, func(d *deviceConf) bool { return accounts["*"] || d.Account == "" || accounts[d.Account] })
		}
	}()
	wake := func(account string) {
		mu.Lock()
		pending[account] = true
		mu.Unlock()
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	events := f.engine.Subscribe(ctx)
	poll := time.NewTicker(attachedPoll)
	defer poll.Stop()
	settle := time.NewTimer(serverSettle)
	settle.Stop()
	changed := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			if ev.Type == "change" && ev.Side == "server" {
				changed[ev.Account] = true
				settle.Reset(serverSettle)
			}
		case <-settle.C:
			for a := range changed {
				wake(a)
			}
			changed = map[string]bool{}
		case <-poll.C:
			wake("*")
		}
	}
}

// reconcileAttached reconciles, one after the other, the attached paired
// devices that want says to.
func (f *deviceFollower) reconcileAttached(ctx context.Context, want func(*deviceConf) bool) {
	conf, err := loadDevices(f.dirs.Config)
	if err != nil {
		slog.Warn("devices not reconciled", "err", err)
		return
	}
	for i := range conf.Devices {
		d := &conf.Devices[i]
		f.mu.Lock()
		present := f.present[d.Name]
		f.mu.Unlock()
		if !present || len(d.pairs()) == 0 || !want(d) || ctx.Err() != nil {
			continue
		}
		drv, err := f.driverFor(d)
		if err != nil {
			slog.Warn("device driver unavailable", "device", d.Name, "err", err)
			continue
		}
		_ = f.reconcile(ctx, d, drv)
	}
}

// watchKey names the watcher a device is reached through: all adb phones
// share the server's; other devices have their own.
func watchKey(d *deviceConf) string {
	if d.Driver == "adb" {
		return "adb"
	}
	return d.Driver + ":" + d.Name
}

// driverFor returns the driver that watches d. A storage folder is looked
// for where it is configured to appear, beside the desktop's media folders.
func (f *deviceFollower) driverFor(d *deviceConf) (device.Driver, error) {
	if d.Driver == "folder" {
		return folder.New(folder.Config{Files: d.Files, Roots: []string{filepath.Dir(d.ID)}, Rescan: 2 * time.Second}), nil
	}
	return d.driver()
}

// handle acts on one event of the watcher key: it finds the configured
// device (re-reading devices.toml, so pairing changes apply), records its
// state and reconciles it when attached.
func (f *deviceFollower) handle(ctx context.Context, key string, drv device.Driver, ev device.Event) {
	conf, err := loadDevices(f.dirs.Config)
	if err != nil {
		slog.Warn("device event ignored", "device", ev.ID, "err", err)
		return
	}
	i := slices.IndexFunc(conf.Devices, func(d deviceConf) bool { return watchKey(&d) == key && d.ID == ev.ID })
	if i < 0 {
		if key == "adb" {
			f.unconfiguredPhone(ev)
		}
		return // another folder under a watched root
	}
	d := &conf.Devices[i]
	f.mu.Lock()
	f.present[d.Name] = ev.Type == device.Attach
	f.mu.Unlock()
	switch ev.Type {
	case device.Attach:
		if len(d.pairs()) == 0 {
			f.setState(d, deviceUnpaired, "")
			return
		}
		_ = f.reconcile(ctx, d, drv)
	case device.Unauthorized:
		msg := ev.Message
		if msg == "" {
			msg = "the device refuses access"
		}
		f.setState(d, deviceUnauthorized, msg)
		f.publish(d.Account, actionUnauthorized, fmt.Sprintf("%s: %s", d.Name, msg))
	case device.Detach:
		f.setState(d, deviceDetached, "")
		f.publish(d.Account, actionDetached, d.Name+" was unplugged.")
	}
}

// unconfiguredPhone records an Android phone nobody paired yet, so the
// Devices window can offer to pair it.
func (f *deviceFollower) unconfiguredPhone(ev device.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := "adb:" + ev.ID
	switch ev.Type {
	case device.Detach:
		delete(f.devices, name)
	case device.Unauthorized:
		f.devices[name] = &api.Device{Name: ev.Label, Driver: "adb", ID: ev.ID, State: deviceUnauthorized, Error: ev.Message}
	default:
		f.devices[name] = &api.Device{Name: ev.Label, Driver: "adb", ID: ev.ID, State: deviceUnpaired, SafeToUnplug: true}
	}
}

func (f *deviceFollower) setState(d *deviceConf, state, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.deviceLocked(d)
	st.State, st.Error = state, msg
	st.SafeToUnplug = state != deviceSyncing
}

// deviceLocked returns the status entry of d, created and refreshed from
// its configuration. Callers hold mu.
func (f *deviceFollower) deviceLocked(d *deviceConf) *api.Device {
	st := f.devices[d.Name]
	if st == nil {
		st = &api.Device{Name: d.Name, State: deviceDetached}
		f.devices[d.Name] = st
	}
	st.Driver, st.ID = d.Driver, d.ID
	st.Account, st.Contacts, st.Calendar = d.Account, d.Contacts, d.Calendar
	return st
}

func (f *deviceFollower) lock(name string) *sync.Mutex {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.locks[name]
	if m == nil {
		m = &sync.Mutex{}
		f.locks[name] = m
	}
	return m
}

// reconcile opens d and syncs each of its pairings, then asks the engine
// to sync the account if the device changed anything locally, and
// publishes the outcome.
func (f *deviceFollower) reconcile(ctx context.Context, d *deviceConf, drv device.Driver) error {
	m := f.lock(d.Name)
	m.Lock()
	defer m.Unlock()
	f.setState(d, deviceSyncing, "")
	var local int
	var summary []string
	var errs []error
	devicesync.SyncOpened(ctx, drv, d.ID, func(id string, dev device.Device) []*devicesync.Pairing {
		ps, err := openPairings(ctx, f.dirs, d, dev)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		return ps
	}, func(id string, p *devicesync.Pairing, res devicesync.Result, err error) {
		if p != nil {
			p.Local.Close()
		}
		if err != nil {
			errs = append(errs, err)
			return
		}
		local += res.LocalCreated + res.LocalUpdated + res.LocalDeleted
		summary = append(summary, fmt.Sprintf("%s: %s", p.Kind, res))
	})
	if local > 0 {
		if err := f.engine.SyncNow(ctx, d.Account); err != nil {
			slog.Warn("server sync after device changes", "device", d.Name, "err", err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		f.setState(d, deviceError, err.Error())
		slog.Warn("device sync failed", "device", d.Name, "err", err)
		f.publish(d.Account, actionFailed, fmt.Sprintf("%s could not be brought in step: %v", d.Name, err))
		return fmt.Errorf("sync device %s: %w", d.Name, err)
	}
	f.mu.Lock()
	st := f.deviceLocked(d)
	st.State, st.Error, st.SafeToUnplug, st.LastReconcile = deviceAttached, "", true, time.Now()
	f.mu.Unlock()
	slog.Info("device in step; safe to unplug", "device", d.Name, "result", strings.Join(summary, "; "))
	f.publish(d.Account, actionReconciled, d.Name+" is in step; safe to unplug.")
	return nil
}

// Devices lists the configured devices with their state, and Android
// phones on the adb server that are not configured yet.
func (f *deviceFollower) Devices(ctx context.Context) ([]api.Device, error) {
	conf, err := loadDevices(f.dirs.Config)
	if err != nil {
		return nil, err
	}
	ids := f.folderIDs(ctx)
	f.mu.Lock()
	var out []api.Device
	configured := map[string]bool{}
	for i := range conf.Devices {
		d := &conf.Devices[i]
		configured[d.Driver+"\x00"+d.ID] = true
		st := *f.deviceLocked(d)
		if len(d.pairs()) == 0 && st.State == deviceDetached {
			st.State = deviceUnpaired
		}
		for _, p := range []*string{&st.Contacts, &st.Calendar} {
			if id, ok := ids[*p]; ok {
				*p = id
			}
		}
		out = append(out, st)
	}
	for name, st := range f.devices {
		if strings.HasPrefix(name, "adb:") && !configured["adb\x00"+st.ID] {
			out = append(out, *st)
		}
	}
	watchingADB := f.watching["adb"]
	f.mu.Unlock()
	if !watchingADB {
		// No watcher reports phones nobody paired: ask the server now.
		dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		infos, err := adb.New(adb.ServerAddr(), nil).Detect(dctx)
		cancel()
		if err == nil {
			for _, in := range infos {
				if configured["adb\x00"+in.ID] {
					continue
				}
				st := api.Device{Name: in.Label, Driver: "adb", ID: in.ID, State: deviceUnpaired, SafeToUnplug: true}
				if in.State == device.Unauthorized {
					st.State, st.Error = deviceUnauthorized, adb.UnauthorizedMessage
				}
				out = append(out, st)
			}
		}
	}
	return out, nil
}

// folderIDs maps the local paths of the account folders to their ids, so
// Devices names a paired folder as Status does. Devices keep the path of
// a folder that belongs to no account (or when Status fails).
func (f *deviceFollower) folderIDs(ctx context.Context) map[string]string {
	st, err := f.engine.Status(ctx)
	if err != nil {
		return nil
	}
	ids := map[string]string{}
	for _, a := range st.Accounts {
		for _, fo := range a.Folders {
			ids[fo.LocalPath] = fo.ID
		}
	}
	return ids
}

// SyncDevice reconciles the named device now and returns when it is in
// step. It fails for a device that is not configured, not paired or not
// attached.
func (f *deviceFollower) SyncDevice(ctx context.Context, name string) error {
	conf, err := loadDevices(f.dirs.Config)
	if err != nil {
		return err
	}
	d := conf.find(name)
	if d == nil {
		return fmt.Errorf("no device %q", name)
	}
	if len(d.pairs()) == 0 {
		return fmt.Errorf("device %q is not paired", name)
	}
	f.mu.Lock()
	watched, present := f.watching[watchKey(d)], f.present[d.Name]
	f.mu.Unlock()
	if watched && !present {
		return fmt.Errorf("device %q is not attached", name)
	}
	drv, err := f.driverFor(d)
	if err != nil {
		return err
	}
	return f.reconcile(ctx, d, drv)
}

// Subscribe delivers device events until ctx ends; a slow reader loses
// events rather than holding up a reconcile.
func (f *deviceFollower) Subscribe(ctx context.Context) <-chan api.Event {
	ch := make(chan api.Event, 16)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	context.AfterFunc(ctx, func() {
		f.mu.Lock()
		delete(f.subs, ch)
		f.mu.Unlock()
		close(ch)
	})
	return ch
}

// Recent returns the device events kept, oldest first.
func (f *deviceFollower) Recent() []api.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.recent)
}

func (f *deviceFollower) publish(account, action, detail string) {
	ev := api.Event{Time: time.Now(), Account: account, Type: "device", Action: action, Detail: detail}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recent = append(f.recent, ev)
	if len(f.recent) > deviceEventKeep {
		f.recent = slices.Delete(f.recent, 0, len(f.recent)-deviceEventKeep)
	}
	for ch := range f.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

var _ api.DeviceBackend = (*deviceFollower)(nil)
