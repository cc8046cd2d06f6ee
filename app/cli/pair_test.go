package cli

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/device"
)

// TestPairDevice runs a sequence of pairings of one phone, as the CLI and
// the Devices window make them, and checks devices.toml and the sync
// state after each.
func TestPairDevice(t *testing.T) {
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	t.Setenv("XDG_RUNTIME_DIR", "")
	dirs, err := config.DefaultDirs()
	if err != nil {
		t.Fatal(err)
	}
	mkdir := func(name string) string {
		p := filepath.Join(base, name)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cardsA, cardsB, cal := mkdir("a"), mkdir("b"), mkdir("cal")
	// Without a daemon, folder ids resolve against the configuration:
	// the built-in local account's contacts folder.
	st, err := statusNow(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var localCards string
	for _, a := range st.Accounts {
		for _, f := range a.Folders {
			if a.Name == config.LocalName && f.Kind == "contacts" {
				localCards = f.LocalPath
			}
		}
	}
	if localCards == "" {
		t.Fatalf("no local contacts folder in %+v", st)
	}
	const name = "R58M"
	state := func(k device.Kind) string { return pairingState(dirs, name, k) }
	writeState := func(k device.Kind) {
		if err := os.MkdirAll(filepath.Dir(state(k)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(state(k), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	steps := []struct {
		name    string
		p       Pairing
		wantErr bool
		want    deviceConf
		// kept and reset are the kinds whose sync state must survive or
		// be gone after the step; state is written for both before it.
		kept, reset []device.Kind
	}{
		{name: "nothing", p: Pairing{}, wantErr: true},
		{name: "missing path without account", p: Pairing{Contacts: PairTarget{Folder: filepath.Join(base, "nope")}}, wantErr: true},
		{
			name: "new adb phone", p: Pairing{Contacts: PairTarget{Folder: cardsA}},
			want: deviceConf{Name: name, Driver: "adb", ID: name, Contacts: cardsA},
			kept: []device.Kind{device.Contacts},
		},
		{
			name: "calendar keeps contacts", p: Pairing{Calendar: PairTarget{Folder: cal, Collection: "calendar/3"}},
			want: deviceConf{Name: name, Driver: "adb", ID: name, Contacts: cardsA, Calendar: cal, CalendarCollection: "calendar/3"},
			kept: []device.Kind{device.Contacts, device.Calendar},
		},
		{
			name: "same folder keeps state", p: Pairing{Contacts: PairTarget{Folder: cardsA}},
			want: deviceConf{Name: name, Driver: "adb", ID: name, Contacts: cardsA, Calendar: cal, CalendarCollection: "calendar/3"},
			kept: []device.Kind{device.Contacts, device.Calendar},
		},
		{
			name: "other folder resets state", p: Pairing{Contacts: PairTarget{Folder: cardsB}},
			want:  deviceConf{Name: name, Driver: "adb", ID: name, Contacts: cardsB, Calendar: cal, CalendarCollection: "calendar/3"},
			kept:  []device.Kind{device.Calendar},
			reset: []device.Kind{device.Contacts},
		},
		{name: "unpair and pair at once", p: Pairing{Calendar: PairTarget{Folder: cal, Unpair: true}}, wantErr: true},
		{
			name: "unpair calendar", p: Pairing{Calendar: PairTarget{Unpair: true}},
			want:  deviceConf{Name: name, Driver: "adb", ID: name, Contacts: cardsB},
			kept:  []device.Kind{device.Contacts},
			reset: []device.Kind{device.Calendar},
		},
		{name: "no such account", p: Pairing{Account: "nope", Contacts: PairTarget{Folder: "contacts"}}, wantErr: true},
		{name: "no tasks folder", p: Pairing{Account: config.LocalName, Tasks: PairTarget{Folder: "contacts"}}, wantErr: true},
		{
			name: "folder id of an account", p: Pairing{Account: config.LocalName, Contacts: PairTarget{Folder: "contacts"}},
			want:  deviceConf{Name: name, Driver: "adb", ID: name, Account: config.LocalName, Contacts: localCards},
			reset: []device.Kind{device.Contacts},
		},
	}
	var last deviceConf
	for _, s := range steps {
		writeState(device.Contacts)
		writeState(device.Calendar)
		_, err := PairDevice(t.Context(), name, s.p)
		conf, lerr := loadDevices(dirs.Config)
		if lerr != nil {
			t.Fatal(lerr)
		}
		var got deviceConf
		if d := conf.find(name); d != nil {
			got = *d
		}
		if s.wantErr {
			if err == nil {
				t.Errorf("%s: no error", s.name)
			}
			if got.pairedWith() != last.pairedWith() || got.Account != last.Account {
				t.Errorf("%s: failed pairing changed the device: %+v, was %+v", s.name, got, last)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got.pairedWith() != s.want.pairedWith() || got.Account != s.want.Account || got.Driver != s.want.Driver ||
			got.ID != s.want.ID || got.CalendarCollection != s.want.CalendarCollection || len(conf.Devices) != 1 {
			t.Errorf("%s: device %+v, want %+v", s.name, got, s.want)
		}
		for _, k := range s.kept {
			if _, err := os.Stat(state(k)); err != nil {
				t.Errorf("%s: %s state lost: %v", s.name, k, err)
			}
		}
		for _, k := range s.reset {
			if _, err := os.Stat(state(k)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: %s state kept (%v)", s.name, k, err)
			}
		}
		last = got
	}
	if _, err := PairDevice(t.Context(), name, Pairing{}); !errors.Is(err, ErrNothingToPair) {
		t.Errorf("empty pairing: %v, want ErrNothingToPair", err)
	}
}
