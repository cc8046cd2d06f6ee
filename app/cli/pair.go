package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/device"
)

// Pairing is what PairDevice changes about one device: the account whose
// folders it is paired with and, per kind, the local collection.
type Pairing struct {
	// Account names the account whose folders Contacts, Calendar and
	// Tasks may name by id; "" keeps the device's account.
	Account string
	// Contacts, Calendar and Tasks say what to do with each kind; the
	// zero PairTarget keeps the kind's pairing.
	Contacts, Calendar, Tasks PairTarget
}

// PairTarget is the local side of one kind of a device's pairing.
type PairTarget struct {
	// Folder is a local vdir folder or .vcf/.ics file, or the id, name or
	// local path of a folder of the pairing's account.
	Folder string
	// Collection is the device's collection of the kind; "" means its
	// first.
	Collection string
	// Unpair drops the kind's pairing and what was agreed under it;
	// Folder must then be empty.
	Unpair bool
}

// ErrNothingToPair is returned by PairDevice for a Pairing that changes
// no kind.
var ErrNothingToPair = errors.New("give a contacts, calendar or tasks folder to pair with")

// PairDevice pairs the named device as `cradle devices pair` does and
// saves devices.toml: a name that is not configured is taken as the
// serial of an adb phone and added; pairing a kind with a different
// local side, or unpairing it, forgets the state of its last sync, so the
// next sync merges afresh instead of reading the change as deletions.
// Folder ids are looked up in the running daemon's status (or the
// configuration without one). It does not tell a running daemon; callers
// ask it to reload. It returns the saved pairing in words.
func PairDevice(ctx context.Context, name string, p Pairing) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", errors.New("devices pair: empty name")
	}
	targets := []PairTarget{p.Contacts, p.Calendar, p.Tasks}
	var change bool
	for _, tg := range targets {
		if tg.Unpair && tg.Folder != "" {
			return "", fmt.Errorf("devices pair %s: both unpair and pair with %q", name, tg.Folder)
		}
		change = change || tg.Unpair || tg.Folder != ""
	}
	if !change {
		return "", fmt.Errorf("devices pair %s: %w", name, ErrNothingToPair)
	}
	dirs, err := config.DefaultDirs()
	if err != nil {
		return "", err
	}
	conf, err := loadDevices(dirs.Config)
	if err != nil {
		return "", err
	}
	d := conf.find(name)
	if d == nil {
		conf.Devices = append(conf.Devices, deviceConf{Name: name, Driver: "adb", ID: name})
		d = &conf.Devices[len(conf.Devices)-1]
	}
	account := p.Account
	if account == "" {
		account = d.Account
	}
	fields := []struct {
		kind        device.Kind
		local, coll *string
	}{
		{device.Contacts, &d.Contacts, &d.Collection},
		{device.Calendar, &d.Calendar, &d.CalendarCollection},
		{device.Tasks, &d.Tasks, &d.TasksCollection},
	}
	for i, f := range fields {
		tg := targets[i]
		if tg.Folder == "" && !tg.Unpair {
			continue
		}
		var path string
		if !tg.Unpair {
			if path, err = resolveFolder(ctx, account, tg.Folder, f.kind); err != nil {
				return "", err
			}
		}
		if *f.local != "" && *f.local != path {
			// A new local side makes the old agreement meaningless.
			if err := os.Remove(pairingState(dirs, d.Name, f.kind)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("reset %s pairing of %s: %w", f.kind, d.Name, err)
			}
		}
		*f.local, *f.coll = path, tg.Collection
	}
	if p.Account != "" {
		d.Account = p.Account
	}
	if err := saveDevices(dirs.Config, conf); err != nil {
		return "", err
	}
	return d.pairedWith(), nil
}

// resolveFolder turns a --contacts/--calendar/--tasks value into a local
// path: an existing folder or file of the kind's extension as given, else
// the account's folder of that kind with that id, name or local path.
func resolveFolder(ctx context.Context, account, value string, kind device.Kind) (string, error) {
	if st, err := os.Stat(value); err == nil && (st.IsDir() || strings.HasSuffix(value, itemExt(kind))) {
		return filepath.Abs(value)
	}
	if account == "" {
		return "", fmt.Errorf("%s %q: no such path; give --account to look it up as a folder id", kind, value)
	}
	st, err := statusNow(ctx)
	if err != nil {
		return "", err
	}
	for _, a := range st.Accounts {
		if a.Name != account {
			continue
		}
		for _, f := range a.Folders {
			if f.Kind == string(kind) && (f.ID == value || f.Name == value || f.LocalPath == value) {
				return f.LocalPath, nil
			}
		}
		return "", fmt.Errorf("account %q has no %s folder %q (see cradle status)", account, kind, value)
	}
	return "", fmt.Errorf("no account %q (see cradle status)", account)
}
