package eastest_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

func client(t *testing.T, srv *eastest.Server, dev string) *easclient.Client {
	t.Helper()
	c, err := easclient.New(easclient.Config{URL: srv.URL, User: "u", DeviceID: dev, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func note(t *testing.T, s string) push.ItemData {
	t.Helper()
	n := xml.Name{Space: "Contacts:", Local: "FileAs"}
	d, err := push.ItemDataFromTokens([]xml.Token{xml.StartElement{Name: n}, xml.CharData(s), xml.EndElement{Name: n}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fileAs(t *testing.T, d push.ItemData) string {
	var v struct {
		FileAs string `xml:"Contacts: FileAs"`
	}
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v.FileAs
}

// mirror keeps a device's copy of a folder in step through SyncFolder.
type mirror struct {
	key   string
	items map[string]string // ServerId → FileAs
}

func (m *mirror) sync(t *testing.T, c *easclient.Client, cmds *push.SyncCommands) error {
	if m.items == nil {
		m.items = map[string]string{}
	}
	pending := map[string]string{}
	if cmds != nil {
		for _, a := range cmds.Add {
			pending[a.ClientID] = fileAs(t, a.ApplicationData)
		}
	}
	key, err := c.SyncFolder(context.Background(), easclient.SyncFolderRequest{CollectionID: "contacts", SyncKey: m.key, Commands: cmds, WindowSize: 7},
		func(w *easclient.Window) error {
			for _, a := range w.Commands.Add {
				m.items[a.ServerID] = fileAs(t, a.ApplicationData)
			}
			for _, ch := range w.Commands.Change {
				m.items[ch.ServerID] = fileAs(t, ch.ApplicationData)
			}
			for _, d := range w.Commands.Delete {
				delete(m.items, d.ServerID)
			}
			if w.Responses != nil {
				for _, a := range w.Responses.Add {
					if a.Status != push.SyncSuccess {
						return fmt.Errorf("add %s: status %v", a.ClientID, a.Status)
					}
					m.items[a.ServerID] = pending[a.ClientID]
				}
			}
			return nil
		})
	m.key = key
	return err
}

// TestConcurrentDevices runs several devices adding items while the server
// side adds and deletes, then checks every device converges on the
// server's state. Run with -race.
func TestConcurrentDevices(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	const devices, rounds = 4, 5
	mirrors := make([]*mirror, devices)
	var wg sync.WaitGroup
	errs := make(chan error, devices+1)
	for d := range devices {
		mirrors[d] = &mirror{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(t, srv, fmt.Sprintf("dev%d", d))
			for r := range rounds {
				cmds := &push.SyncCommands{Add: []push.SyncAdd{{ClientID: "c", ApplicationData: note(t, fmt.Sprintf("d%d-r%d", d, r))}}}
				if err := mirrors[d].sync(t, c, cmds); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			id, err := srv.AddItem("contacts", note(t, fmt.Sprintf("server-%d", i)))
			if err != nil {
				errs <- err
				return
			}
			if i%3 == 0 {
				if err := srv.DeleteItem("contacts", id); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := map[string]string{}
	for id, d := range srv.Items("contacts") {
		want[id] = fileAs(t, d)
	}
	if len(want) != devices*rounds+20-7 {
		t.Fatalf("server holds %d items, want %d", len(want), devices*rounds+20-7)
	}
	for d, m := range mirrors {
		if err := m.sync(t, client(t, srv, fmt.Sprintf("dev%d", d)), nil); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(sorted(m.items)) != fmt.Sprint(sorted(want)) {
			t.Errorf("device %d diverged:\n got %v\nwant %v", d, sorted(m.items), sorted(want))
		}
	}
}

func sorted(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

var folders = []push.PingFolder{{ID: "contacts", Class: "Contacts"}}

func TestCloseReleasesHeld(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	const n = 3
	done := make(chan error, n)
	for i := range n {
		c := client(t, srv, fmt.Sprintf("dev%d", i))
		go func() {
			_, err := c.Ping(context.Background(), 1800*time.Second, folders)
			done <- err
		}()
	}
	if err := srv.WaitHeld(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	for range n {
		var ra *easclient.RetryAfterError
		if err := <-done; !errors.As(err, &ra) || ra.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("Ping after Close: %v, want HTTP 503", err)
		}
	}
}

func TestNewerPingSupersedes(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := client(t, srv, "dev")
	first := make(chan *push.PingResponse, 1)
	go func() {
		r, err := c.Ping(t.Context(), 3000*time.Second, folders)
		if err != nil {
			t.Error(err)
		}
		first <- r
	}()
	if err := srv.WaitHeld(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	second := make(chan struct{})
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		defer close(second)
		c.Ping(ctx, 3000*time.Second, folders)
	}()
	if r := <-first; r == nil || r.Status != push.PingExpired {
		t.Fatalf("superseded Ping = %+v, want Status 1", r)
	}
	cancel()
	<-second
	// The abandoned Ping is released once its client has gone.
	if err := srv.WaitReleased(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestFaultQueue(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := client(t, srv, "dev")
	ctx := t.Context()
	srv.Inject(eastest.Fault{Command: "Ping", Status: 8})
	srv.Inject(eastest.Fault{Command: "FolderSync", Times: 2, HTTPStatus: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"1"}}})
	srv.Inject(eastest.Fault{Status: 6}) // any command: FolderSync status 6 here
	var got []string
	for range 4 {
		_, err := c.FolderSync(ctx, "0")
		got = append(got, fmt.Sprint(err != nil))
		var ra *easclient.RetryAfterError
		var pe *push.Error
		switch {
		case errors.As(err, &ra):
			got[len(got)-1] = "503"
		case errors.As(err, &pe):
			got[len(got)-1] = fmt.Sprint(pe.Status)
		}
	}
	if fmt.Sprint(got) != "[503 503 6 false]" {
		t.Errorf("FolderSync results = %v, want [503 503 6 false]", got)
	}
	// The Ping fault is still queued for the first Ping.
	r, err := c.Ping(ctx, 60*time.Second, folders)
	if r == nil || r.Status != push.PingServerError || err == nil {
		t.Errorf("Ping = %+v, %v; want Status 8", r, err)
	}
}

func TestDelayFault(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := client(t, srv, "dev")
	srv.Inject(eastest.Fault{Command: "FolderSync", Delay: 50 * time.Millisecond})
	start := time.Now()
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("FolderSync took %v, want ≥ 50ms", d)
	}
}

func TestRequestLogXML(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := client(t, srv, "dev")
	trunc := uint32(1024)
	_, err := c.SyncFolder(t.Context(), easclient.SyncFolderRequest{CollectionID: "calendar",
		Options: &push.SyncOptions{FilterType: push.FilterOneMonth, BodyPreference: []push.BodyPreference{{Type: 1, TruncationSize: &trunc}}}},
		func(*easclient.Window) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	for _, want := range []string{"<FilterType>5</FilterType>", "<TruncationSize>1024</TruncationSize>", "<GetChanges>1</GetChanges>", `xmlns="AirSyncBase:"`} {
		if !strings.Contains(last.XML, want) {
			t.Errorf("last Sync lacks %s:\n%s", want, last.XML)
		}
	}
	if first := reqs[1]; first.Command != "Sync" || strings.Contains(first.XML, "Options") {
		t.Errorf("SyncKey 0 request carried options:\n%s", first.XML)
	}
}
