package engine

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
)

func actChange(uid string) api.Event { return api.Event{Account: "a", Type: "change", UID: uid} }

func actStatus(account, detail string) api.Event {
	return api.Event{Account: account, Type: "status", Detail: detail}
}

func TestActivityRing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		size  int
		in    []api.Event
		limit int
		want  []api.Event
	}{
		{"empty", 3, nil, 0, []api.Event{}},
		{"fewer than size", 3, []api.Event{actChange("1"), actChange("2")}, 0,
			[]api.Event{actChange("1"), actChange("2")}},
		{"limit takes the newest", 3, []api.Event{actChange("1"), actChange("2"), actChange("3")}, 2,
			[]api.Event{actChange("2"), actChange("3")}},
		{"limit beyond what is kept", 3, []api.Event{actChange("1")}, 10, []api.Event{actChange("1")}},
		{"negative limit means all", 3, []api.Event{actChange("1"), actChange("2")}, -1,
			[]api.Event{actChange("1"), actChange("2")}},
		{"full ring keeps the newest", 3,
			[]api.Event{actChange("1"), actChange("2"), actChange("3"), actChange("4"), actChange("5")}, 0,
			[]api.Event{actChange("3"), actChange("4"), actChange("5")}},
		{"wrapped ring with limit", 3,
			[]api.Event{actChange("1"), actChange("2"), actChange("3"), actChange("4"), actChange("5"), actChange("6"), actChange("7")}, 2,
			[]api.Event{actChange("6"), actChange("7")}},
		{"status steps of one account collapse", 3,
			[]api.Event{actChange("1"), actStatus("a", "syncing"), actStatus("a", "waiting"), actStatus("a", "syncing")}, 0,
			[]api.Event{actChange("1"), actStatus("a", "syncing")}},
		{"status of different accounts is kept", 3,
			[]api.Event{actStatus("a", "syncing"), actStatus("b", "syncing"), actStatus("a", "waiting")}, 0,
			[]api.Event{actStatus("a", "syncing"), actStatus("b", "syncing"), actStatus("a", "waiting")}},
		{"status after a change is kept", 3,
			[]api.Event{actStatus("a", "syncing"), actChange("1"), actStatus("a", "waiting")}, 0,
			[]api.Event{actStatus("a", "syncing"), actChange("1"), actStatus("a", "waiting")}},
		{"news is never collapsed", 4,
			[]api.Event{actStatus("a", "waiting"), actStatus("a", "stopped"), actStatus("a", "removed"), actStatus("a", "connecting")}, 0,
			[]api.Event{actStatus("a", "waiting"), actStatus("a", "stopped"), actStatus("a", "removed"), actStatus("a", "connecting")}},
		{"collapse at the wrap point", 2,
			[]api.Event{actChange("1"), actChange("2"), actStatus("a", "syncing"), actStatus("a", "waiting")}, 0,
			[]api.Event{actChange("2"), actStatus("a", "waiting")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &eventHub{size: tc.size}
			for _, ev := range tc.in {
				h.publish(ev)
			}
			if got := h.recent(tc.limit); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("recent(%d) = %v\nwant %v", tc.limit, got, tc.want)
			}
		})
	}
}

// The log is bounded by ActivitySize however many events pass, returns
// copies, and is kept whether or not anyone subscribes.
func TestActivityBounded(t *testing.T) {
	e := &Engine{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := e.Subscribe(ctx)
	total := ActivitySize*2 + 7
	for i := range total {
		e.emit(api.Event{Account: "a", Type: "change", UID: strconv.Itoa(i)})
	}
	got, err := e.Activity(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != ActivitySize {
		t.Fatalf("kept %d events, want %d", len(got), ActivitySize)
	}
	if first, last := got[0].UID, got[len(got)-1].UID; first != strconv.Itoa(total-ActivitySize) || last != strconv.Itoa(total-1) {
		t.Errorf("kept %s..%s, want %d..%d", first, last, total-ActivitySize, total-1)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Time.Before(got[i-1].Time) {
			t.Fatalf("event %d is older than event %d", i, i-1)
		}
	}
	got[0].UID = "changed by the caller"
	again, _ := e.Activity(ctx, 1)
	if again[0].UID != strconv.Itoa(total-1) {
		t.Errorf("Activity(1) = %v", again)
	}
	if again2, _ := e.Activity(ctx, ActivitySize); again2[0].UID == "changed by the caller" {
		t.Error("Activity returned the engine's own slice")
	}
	select {
	case ev := <-sub:
		if ev.Time.IsZero() || time.Since(ev.Time) > time.Minute {
			t.Errorf("event time %v not set by emit", ev.Time)
		}
	default:
		t.Error("subscriber got nothing")
	}
}
