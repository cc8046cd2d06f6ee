package tray

import (
	"strings"
	"testing"
)

func TestNotices(t *testing.T) {
	up := Snapshot{State: UpToDate}
	tests := []struct {
		name       string
		prev, next Snapshot
		want       []string // "key: title"
	}{
		{"routine sync", up, Snapshot{State: Syncing, Waiting: 4}, nil},
		{"sync finished", Snapshot{State: Syncing}, up, nil},
		{"going offline", up, Snapshot{State: Offline, Detail: "no route"}, nil},
		{"pausing", up, Snapshot{State: Paused}, nil},
		{"first conflict", up, Snapshot{State: Attention, Conflicts: 1}, []string{"conflicts: New conflict"}},
		{"more conflicts", Snapshot{State: Attention, Conflicts: 1}, Snapshot{State: Attention, Conflicts: 4}, []string{"conflicts: 3 new conflicts"}},
		{"conflicts resolved", Snapshot{State: Attention, Conflicts: 4}, Snapshot{State: Attention, Conflicts: 1}, nil},
		{"same conflicts again", Snapshot{State: Attention, Conflicts: 2}, Snapshot{State: Syncing, Conflicts: 2}, nil},
		{"sign-in fails", up, Snapshot{State: Attention, AuthFailed: true, Detail: "401"}, []string{"auth: Cradle cannot sign in"}},
		{"sign-in still failing", Snapshot{AuthFailed: true}, Snapshot{State: Attention, AuthFailed: true}, nil},
		{"sign-in fixed", Snapshot{AuthFailed: true}, up, nil},
		{"guard trips", up, Snapshot{State: Attention, HeldDeletes: 120}, []string{"guard: Cradle held back 120 deletions"}},
		{"guard grows", Snapshot{HeldDeletes: 120}, Snapshot{HeldDeletes: 150}, nil},
		{"guard trips again after release", Snapshot{}, Snapshot{HeldDeletes: 1}, []string{"guard: Cradle held back 1 deletion"}},
		{"everything at start-up", Snapshot{}, Snapshot{State: Attention, AuthFailed: true, HeldDeletes: 2, Conflicts: 2},
			[]string{"auth: Cradle cannot sign in", "guard: Cradle held back 2 deletions", "conflicts: 2 new conflicts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, n := range notices(tt.prev, tt.next) {
				got = append(got, n.Key+": "+n.Title)
				if n.Body == "" {
					t.Errorf("%s has no body", n.Key)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("notices = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNoticeBodies(t *testing.T) {
	n := notices(Snapshot{}, Snapshot{AuthFailed: true, Detail: "HTTP 401\nfrom server"})
	if len(n) != 1 || !strings.HasPrefix(n[0].Body, "HTTP 401 from server\n") {
		t.Errorf("auth note %+v should lead with the cleaned detail", n)
	}
	n = notices(Snapshot{Conflicts: 1}, Snapshot{Conflicts: 3})
	if len(n) != 1 || !strings.Contains(n[0].Body, "3 conflicts waiting in all") {
		t.Errorf("conflict note %+v should count all open conflicts", n)
	}
}
