package cli

import (
	"testing"
	"time"

	"github.com/cradle-sync/cradle/app/tray"
	"github.com/cradle-sync/cradle/bridge/api"
)

func TestSnapshotOfPicksMostUrgentState(t *testing.T) {
	now := time.Now()
	waiting := api.Account{Name: "a", State: "waiting", LastSync: now, Folders: []api.Folder{{Pending: 2}}}
	cases := []struct {
		name string
		st   api.Status
		want tray.State
	}{
		{"all waiting", api.Status{Accounts: []api.Account{waiting}}, tray.UpToDate},
		{"one offline", api.Status{Accounts: []api.Account{waiting, {Name: "b", State: "offline"}}}, tray.Offline},
		{"auth beats offline", api.Status{Accounts: []api.Account{{Name: "b", State: "offline"}, {Name: "c", State: "auth-failed"}}}, tray.Attention},
		{"guard tripped", api.Status{Accounts: []api.Account{{Name: "a", State: "waiting", Folders: []api.Folder{{State: "attention"}}}}}, tray.Attention},
		{"conflicts", api.Status{Conflicts: 2, Accounts: []api.Account{waiting}}, tray.Attention},
		{"paused wins", api.Status{Paused: true, Accounts: []api.Account{{Name: "b", State: "offline"}}}, tray.Paused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := snapshotOf(c.st)
			if s.State != c.want {
				t.Fatalf("state %v, want %v", s.State, c.want)
			}
		})
	}
	s := snapshotOf(api.Status{Accounts: []api.Account{waiting}})
	if s.Waiting != 2 || !s.LastSync.Equal(now) {
		t.Fatalf("waiting %d, last sync %v", s.Waiting, s.LastSync)
	}
}
