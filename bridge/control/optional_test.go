package control_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
)

var (
	phone = api.Device{Name: "Pixel 7", Driver: "adb", ID: "3A1B", State: "attached", Account: "work",
		Contacts: "7", SafeToUnplug: true, LastReconcile: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	nokia = api.Device{Name: "nokia/6310", Driver: "gammu", State: "detached"}
	ev1   = api.Event{Time: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), Account: "work", Type: "change", Side: "server", Action: "add", UID: "u1"}
	ev2   = api.Event{Time: time.Date(2026, 11, 1, 9, 1, 0, 0, time.UTC), Account: "work", Type: "status", Detail: "waiting"}
	ev3   = api.Event{Time: time.Date(2026, 11, 1, 9, 2, 0, 0, time.UTC), Account: "work", Type: "conflict", UID: "u2"}
)

// do sends one request and returns the status, the raw body and the
// decoded JSON error, if any.
func do(t *testing.T, hc *http.Client, method, target string) (int, []byte, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://cradle"+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var eb struct{ Error string }
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(raw, &eb); err != nil {
			t.Fatalf("%s %s: error body %q is not JSON: %v", method, target, raw, err)
		}
	}
	return resp.StatusCode, raw, eb.Error
}

func TestOptionalRoutes(t *testing.T) {
	for _, tc := range []struct {
		method, target string
		code           int
		want           any    // decoded body for 200
		msg            string // substring of the error for 4xx/5xx
		calls          []string
	}{
		{"GET", "/v1/activity", 200, []api.Event{ev1, ev2, ev3}, "", []string{"Activity 0"}},
		{"GET", "/v1/activity?limit=2", 200, []api.Event{ev2, ev3}, "", []string{"Activity 2"}},
		{"GET", "/v1/activity?limit=0", 200, []api.Event{ev1, ev2, ev3}, "", []string{"Activity 0"}},
		{"GET", "/v1/activity?limit=-1", 400, nil, "limit must be a number", nil},
		{"GET", "/v1/activity?limit=many", 400, nil, `not "many"`, nil},
		{"GET", "/v1/activity?limit=100001", 400, nil, "limit must be", nil},
		{"POST", "/v1/activity", 405, nil, "POST not allowed", nil},
		{"GET", "/v1/devices", 200, []api.Device{phone, nokia}, "", []string{"Devices"}},
		{"POST", "/v1/devices/Pixel%207/sync", 204, nil, "", []string{"SyncDevice Pixel 7"}},
		{"POST", "/v1/devices/nokia%2F6310/sync", 500, nil, "not attached", []string{"SyncDevice nokia/6310"}},
		{"POST", "/v1/devices/iPhone/sync", 404, nil, `sync device "iPhone"`, []string{"SyncDevice iPhone"}},
		{"GET", "/v1/devices/Pixel%207/sync", 405, nil, "GET not allowed", nil},
		{"POST", "/v1/reload", 204, nil, "", []string{"Reload"}},
		{"GET", "/v1/reload", 405, nil, "GET not allowed", nil},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			b := controltest.NewBackend(api.Status{})
			b.SetDevices(phone, nokia)
			for _, ev := range []api.Event{ev1, ev2, ev3} {
				b.Publish(ev)
			}
			hc := rawClient(controltest.Start(t, &control.Server{Backend: b}))
			code, raw, msg := do(t, hc, tc.method, tc.target)
			if code != tc.code || !strings.Contains(msg, tc.msg) {
				t.Fatalf("got %d %q (%s), want %d containing %q", code, msg, raw, tc.code, tc.msg)
			}
			if tc.want != nil {
				got := reflect.New(reflect.TypeOf(tc.want))
				if err := json.Unmarshal(raw, got.Interface()); err != nil {
					t.Fatalf("body %s: %v", raw, err)
				}
				if !reflect.DeepEqual(got.Elem().Interface(), tc.want) {
					t.Errorf("got  %s\nwant %+v", raw, tc.want)
				}
			}
			if calls := b.Calls(); !reflect.DeepEqual(calls, tc.calls) {
				t.Errorf("backend calls = %q, want %q", calls, tc.calls)
			}
		})
	}
}

// Lists are JSON arrays even when empty, for scripts and the windows.
func TestOptionalRoutesEmptyLists(t *testing.T) {
	hc := rawClient(controltest.Start(t, &control.Server{Backend: controltest.NewBackend(api.Status{})}))
	for _, target := range []string{"/v1/activity", "/v1/devices"} {
		code, raw, _ := do(t, hc, "GET", target)
		if code != 200 || strings.TrimSpace(string(raw)) != "[]" {
			t.Errorf("GET %s = %d %s, want 200 []", target, code, raw)
		}
	}
}

// A daemon whose backend lacks an optional interface answers 501 with a
// JSON error, and a backend failure is still reported as such.
func TestOptionalRoutesNotImplemented(t *testing.T) {
	b := controltest.NewBackend(api.Status{})
	hc := rawClient(controltest.Start(t, &control.Server{Backend: controltest.Basic(b)}))
	for _, tc := range []struct{ method, target, msg string }{
		{"GET", "/v1/activity?limit=5", "the activity log"},
		{"GET", "/v1/devices", "devices"},
		{"POST", "/v1/devices/x/sync", "devices"},
		{"POST", "/v1/reload", "reloading"},
	} {
		code, raw, msg := do(t, hc, tc.method, tc.target)
		if code != http.StatusNotImplemented || !strings.Contains(msg, "does not support "+tc.msg) {
			t.Errorf("%s %s = %d %s, want 501 about %s", tc.method, tc.target, code, raw, tc.msg)
		}
	}
	if calls := b.Calls(); len(calls) != 0 {
		t.Errorf("backend reached: %q", calls)
	}

	full := controltest.NewBackend(api.Status{})
	full.FailWith(errors.New("config.toml: unknown setting"))
	hc = rawClient(controltest.Start(t, &control.Server{Backend: full}))
	if code, _, msg := do(t, hc, "POST", "/v1/reload"); code != 500 || msg != "reload: config.toml: unknown setting" {
		t.Errorf("failed reload = %d %q", code, msg)
	}
}

// Reading the activity log and devices needs PermRead; reloading and
// syncing a device need PermWrite.
func TestOptionalRoutesPermissions(t *testing.T) {
	b := controltest.NewBackend(api.Status{})
	b.SetDevices(phone)
	hc := rawClient(controltest.Start(t, &control.Server{Backend: b, Permit: func(uid int) control.Perm {
		if uid == os.Getuid() {
			return control.PermRead
		}
		return 0
	}}))
	for _, tc := range []struct {
		method, target string
		code           int
	}{
		{"GET", "/v1/activity", 200},
		{"GET", "/v1/devices", 200},
		{"POST", "/v1/devices/Pixel%207/sync", 403},
		{"POST", "/v1/reload", 403},
	} {
		if code, raw, _ := do(t, hc, tc.method, tc.target); code != tc.code {
			t.Errorf("%s %s by a read-only peer = %d %s, want %d", tc.method, tc.target, code, raw, tc.code)
		}
	}
	if calls := b.Calls(); !reflect.DeepEqual(calls, []string{"Activity 0", "Devices"}) {
		t.Errorf("backend calls = %q", calls)
	}
}
