package uimodel

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
)

var pairStatus = api.Status{Accounts: []api.Account{
	{Name: "work", Folders: []api.Folder{
		{ID: "c1", Name: "Contacts", Kind: "contacts", LocalPath: "/d/work/c1"},
		{ID: "c2", Name: "Contacts", Kind: "contacts", LocalPath: "/d/work/c2"},
		{ID: "k1", Name: "Calendar", Kind: "calendar", LocalPath: "/d/work/k1"},
		{ID: "k2", Name: "Old", Kind: "calendar", LocalPath: "/d/work/k2", State: "skipped"},
		{ID: "m1", Name: "Inbox", Kind: "mail", LocalPath: "/d/work/m1"},
	}},
	{Name: "mailonly", Folders: []api.Folder{{ID: "m1", Name: "Inbox", Kind: "mail", LocalPath: "/d/m/m1"}}},
	{Name: "local", Folders: []api.Folder{{ID: "contacts", Name: "This computer", Kind: "contacts", LocalPath: "/d/local/contacts"}}},
}}

func TestPairAccounts(t *testing.T) {
	if got, want := PairAccounts(pairStatus), []string{"work", "local"}; !slices.Equal(got, want) {
		t.Errorf("PairAccounts = %v; want %v", got, want)
	}
}

func TestPairChoices(t *testing.T) {
	unpair := PairTarget{Unpair: true}
	tests := []struct {
		name             string
		account, kind    string
		current          string
		known            bool
		want             []PairChoice
		selected         int
		selectedIsChange bool
	}{
		{
			name: "unpaired, names told apart", account: "work", kind: "contacts", known: true,
			want: []PairChoice{{NotPaired, unpair}, {"Contacts (c1)", PairTarget{Path: "/d/work/c1"}}, {"Contacts (c2)", PairTarget{Path: "/d/work/c2"}}},
		},
		{
			name: "paired with a folder: choosing it again keeps", account: "work", kind: "contacts", current: "/d/work/c2", known: true,
			want:     []PairChoice{{NotPaired, unpair}, {"Contacts (c1)", PairTarget{Path: "/d/work/c1"}}, {"Contacts (c2)", PairTarget{}}},
			selected: 2,
		},
		{
			name: "skipped folders are not offered", account: "work", kind: "calendar", known: true,
			want: []PairChoice{{NotPaired, unpair}, {"Calendar", PairTarget{Path: "/d/work/k1"}}},
		},
		{
			name: "paired with a path of no folder", account: "work", kind: "calendar", current: "/home/me/cal.ics", known: true,
			want: []PairChoice{{AsItIs + " (/home/me/cal.ics)", PairTarget{}}, {NotPaired, unpair}, {"Calendar", PairTarget{Path: "/d/work/k1"}}},
		},
		{
			name: "daemon does not say", account: "work", kind: "tasks",
			want: []PairChoice{{AsItIs, PairTarget{}}, {NotPaired, unpair}},
		},
		{
			name: "unknown account", account: "gone", kind: "contacts", known: true,
			want: []PairChoice{{NotPaired, unpair}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, sel := PairChoices(pairStatus, tt.account, tt.kind, tt.current, tt.known)
			if !slices.Equal(got, tt.want) || sel != tt.selected {
				t.Errorf("PairChoices = %+v, %d; want %+v, %d", got, sel, tt.want, tt.selected)
			}
		})
	}
}

func TestPairingChanges(t *testing.T) {
	var p Pairing
	if p.Changes() {
		t.Error("zero pairing changes")
	}
	for _, k := range PairKinds {
		q := p
		q.Target(k).Unpair = true
		if !q.Changes() {
			t.Errorf("unpairing %s changes nothing", k)
		}
	}
	if p.Target("mail") != nil {
		t.Error("target for mail")
	}
}

func TestPairedNotice(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, "Cradle follows it now"},
		{client.ErrUnsupported, "Restart Cradle"},
		{&client.Error{StatusCode: 404, Message: "not found"}, "Restart Cradle"},
		{fmt.Errorf("reload: %w", client.ErrNotRunning), "follows it when it starts"},
		{errors.New("config.toml: bad"), "did not take it up (config.toml: bad). Restart Cradle"},
	}
	for _, tt := range tests {
		got := PairedNotice("Pixel 7", tt.err)
		if !strings.HasPrefix(got, "Saved the pairing of Pixel 7") || !strings.Contains(got, tt.want) {
			t.Errorf("PairedNotice(%v) = %q; want it to say %q", tt.err, got, tt.want)
		}
	}
}
