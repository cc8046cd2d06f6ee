package easclient_test

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

func TestVersionNegotiation(t *testing.T) {
	tests := []struct {
		name   string
		server []push.Version
		fixed  push.Version
		want   push.Version
	}{
		{"both", []push.Version{push.Version141, push.Version161}, 0, push.Version161},
		{"14 only", []push.Version{push.Version140, push.Version141}, 0, push.Version141},
		{"fixed overrides", []push.Version{push.Version141, push.Version161}, push.Version141, push.Version141},
		{"12.1", []push.Version{push.Version121}, 0, push.Version121},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := eastest.Start(t, eastest.Config{Versions: tt.server})
			c := newClient(t, srv, func(cfg *easclient.Config) { cfg.Version = tt.fixed })
			// No explicit Options call: the first command negotiates.
			if _, err := c.FolderSync(t.Context(), "0"); err != nil {
				t.Fatal(err)
			}
			if c.Version() != tt.want {
				t.Errorf("Version() = %v, want %v", c.Version(), tt.want)
			}
			reqs := srv.Requests()
			last := reqs[len(reqs)-1]
			if last.Command != "FolderSync" || last.Version != tt.want.String() {
				t.Errorf("last request = %+v, want FolderSync with MS-ASProtocolVersion %v", last, tt.want)
			}
			wantOptions := tt.fixed == 0
			if gotOptions := reqs[0].Command == "OPTIONS"; gotOptions != wantOptions {
				t.Errorf("OPTIONS sent = %v, want %v", gotOptions, wantOptions)
			}
		})
	}
}

func TestOptionsNoCommonVersion(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{Versions: []push.Version{25}}) // 2.5 only
	c := newClient(t, srv, nil)
	_, err := c.FolderSync(t.Context(), "0")
	if !errors.Is(err, push.ErrNoCommonVersion) {
		t.Fatalf("err = %v, want ErrNoCommonVersion", err)
	}
	if !strings.Contains(err.Error(), "FolderSync") {
		t.Errorf("error %q does not name the command", err)
	}
}

func TestFolderSync(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	ctx := t.Context()
	r, err := c.FolderSync(ctx, "0")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Changes.Add {
		got = append(got, f.ServerID+"/"+f.Type.Class())
	}
	if want := []string{"contacts/Contacts", "calendar/Calendar", "tasks/Tasks"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("folders = %v, want %v", got, want)
	}
	r2, err := c.FolderSync(ctx, r.SyncKey)
	if err != nil || r2.Changes.Count != 0 {
		t.Fatalf("second FolderSync = %+v, %v; want no changes", r2, err)
	}
	if err := srv.AddFolder(eastest.Folder{ID: "work", Name: "Work", Type: push.FolderUserContacts}); err != nil {
		t.Fatal(err)
	}
	r3, err := c.FolderSync(ctx, r2.SyncKey)
	if err != nil || len(r3.Changes.Add) != 1 || r3.Changes.Add[0].ServerID != "work" {
		t.Fatalf("after AddFolder = %+v, %v", r3, err)
	}
	_, err = c.FolderSync(ctx, "bogus")
	if !push.IsInvalidSyncKey(err) {
		t.Fatalf("bogus key: err = %v, want invalid sync key", err)
	}
}

func TestSyncWindowing(t *testing.T) {
	const n = 1200
	srv := eastest.Start(t, eastest.Config{})
	want := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("Person %04d", i)
		id, err := srv.AddItem("contacts", contact(t, "FileAs", name))
		if err != nil {
			t.Fatal(err)
		}
		want[id] = name
	}
	c := newClient(t, srv, nil)
	key, ws, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts", WindowSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	windows := 0
	for i, w := range ws {
		if len(w.Commands.Add) == 0 {
			continue // the SyncKey 0 round
		}
		windows++
		if len(w.Commands.Add) > 100 {
			t.Errorf("window %d has %d items, more than WindowSize", i, len(w.Commands.Add))
		}
		if w.More != (i < len(ws)-1) {
			t.Errorf("window %d: More = %v", i, w.More)
		}
		for _, a := range w.Commands.Add {
			if _, dup := got[a.ServerID]; dup {
				t.Errorf("item %s delivered twice", a.ServerID)
			}
			got[a.ServerID] = fields(a.ApplicationData)["FileAs"]
		}
	}
	if windows != n/100 {
		t.Errorf("got %d windows, want %d", windows, n/100)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %d items, want %d (contents differ)", len(got), len(want))
	}
	if key != ws[len(ws)-1].SyncKey {
		t.Errorf("returned key %q != last window key %q", key, ws[len(ws)-1].SyncKey)
	}
	// Nothing new: the server answers with an empty body and the key stays.
	key2, ws2, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts", SyncKey: key})
	if err != nil || key2 != key || len(ws2) != 1 || ws2[0].Commands.Len() != 0 {
		t.Fatalf("resync = %q, %d windows, %v; want same key, no changes", key2, len(ws2), err)
	}
}

func TestSyncClientChanges(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	existing, err := srv.AddItem("contacts", contact(t, "FileAs", "Existing"))
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, nil)
	key, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts"})
	if err != nil {
		t.Fatal(err)
	}
	cmds := &push.SyncCommands{
		Add: []push.SyncAdd{
			{ClientID: "c1", ApplicationData: contact(t, "FileAs", "Ada")},
			{ClientID: "c2", ApplicationData: contact(t, "FileAs", "Grace")},
		},
		Change: []push.SyncChange{{ServerID: "contacts:999", ApplicationData: contact(t, "FileAs", "Ghost")}},
		Delete: []push.SyncDelete{{ServerID: existing}},
	}
	key, ws, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts", SyncKey: key, Commands: cmds})
	if err != nil {
		t.Fatal(err)
	}
	res := ws[0].Responses
	if res == nil || len(res.Add) != 2 {
		t.Fatalf("responses = %+v", res)
	}
	items := srv.Items("contacts")
	for _, a := range res.Add {
		if a.Status != push.SyncSuccess || a.ServerID == "" {
			t.Fatalf("add result %+v", a)
		}
		wantName := map[string]string{"c1": "Ada", "c2": "Grace"}[a.ClientID]
		if got := fields(items[a.ServerID])["FileAs"]; got != wantName {
			t.Errorf("%s → %s holds %q, want %q", a.ClientID, a.ServerID, got, wantName)
		}
	}
	if len(res.Change) != 1 || res.Change[0].Status != push.SyncObjectNotFound {
		t.Errorf("change of unknown item: %+v, want Status 8", res.Change)
	}
	if _, ok := items[existing]; ok || len(items) != 2 {
		t.Errorf("server items after delete: %v", items)
	}
	if n := ws[0].Commands.Len(); n != 0 {
		t.Errorf("server echoed %d of the client's own changes", n)
	}
	// And the next sync brings nothing back either.
	_, ws, err = collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts", SyncKey: key})
	if err != nil || ws[0].Commands.Len() != 0 {
		t.Fatalf("follow-up sync: %+v, %v", ws[0].Commands, err)
	}
}

func TestSyncResendDoesNotDuplicate(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	ctx := t.Context()
	key, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts"})
	if err != nil {
		t.Fatal(err)
	}
	req := &push.SyncRequest{Collections: []push.SyncCollection{{
		SyncKey: key, CollectionID: "contacts",
		Commands: &push.SyncCommands{Add: []push.SyncAdd{{ClientID: "c1", ApplicationData: contact(t, "FileAs", "Once")}}},
	}}}
	first, err := c.Sync(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	// The reply was "lost": the client sends the same request again.
	second, err := c.Sync(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	a1, a2 := first.Collections[0].Responses.Add[0], second.Collections[0].Responses.Add[0]
	if a1.ServerID != a2.ServerID || len(srv.Items("contacts")) != 1 {
		t.Fatalf("resend created a duplicate: %+v vs %+v, %d items", a1, a2, len(srv.Items("contacts")))
	}
}

func TestInvalidSyncKey(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	key, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		fault *eastest.Fault
		key   string
		check func(error) bool
	}{
		{"unknown key", nil, "12345678", push.IsInvalidSyncKey},
		{"injected status 3", &eastest.Fault{Command: "Sync", Status: 3}, key, push.IsInvalidSyncKey},
		{"hierarchy changed", &eastest.Fault{Command: "Sync", Status: 12}, key, push.IsFolderHierarchyChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				srv.Inject(*tt.fault)
			}
			_, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts", SyncKey: tt.key})
			if !tt.check(err) {
				t.Fatalf("err = %v", err)
			}
			var pe *push.Error
			if !errors.As(err, &pe) || pe.Command != "Sync" {
				t.Fatalf("err = %#v, want *push.Error for Sync", err)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	srv.Inject(eastest.Fault{Command: "FolderSync", Times: 2, HTTPStatus: http.StatusServiceUnavailable,
		Header: http.Header{"Retry-After": {"7"}, "X-Ms-Asthrottle": {"CommandFrequency"}}})
	for i := range 2 {
		_, err := c.FolderSync(t.Context(), "0")
		var ra *easclient.RetryAfterError
		if !errors.As(err, &ra) || ra.Delay != 7*time.Second || ra.Throttle != "CommandFrequency" || ra.Command != "FolderSync" {
			t.Fatalf("attempt %d: err = %#v, want RetryAfterError 7s", i, err)
		}
	}
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
}

func TestRedirect451(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	moved := strings.Replace(srv.URL, eastest.Path, "/moved"+eastest.Path, 1)
	srv.Inject(eastest.Fault{Command: "FolderSync", HTTPStatus: 451, Header: http.Header{"X-Ms-Location": {moved}}})
	c := newClient(t, srv, nil)
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
	if c.URL() != moved {
		t.Errorf("URL() = %q, want %q", c.URL(), moved)
	}
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Command+" "+r.Path)
	}
	want := []string{"OPTIONS " + eastest.Path, "FolderSync " + eastest.Path, "FolderSync /moved" + eastest.Path, "FolderSync /moved" + eastest.Path}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("requests = %v, want %v", paths, want)
	}
}

func TestAuthFailure(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{Authenticate: func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && u == "user1" && p == "secret"
	}})
	bad := newClient(t, srv, func(c *easclient.Config) { c.Auth = easclient.BasicAuth("user1", "wrong") })
	_, err := bad.FolderSync(t.Context(), "0")
	var ae *easclient.AuthError
	if !errors.As(err, &ae) || !strings.Contains(ae.Challenge, "Basic") {
		t.Fatalf("err = %#v, want AuthError with a Basic challenge", err)
	}
	good := newClient(t, srv, func(c *easclient.Config) { c.Auth = easclient.BasicAuth("user1", "secret") })
	if _, err := good.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
}

func TestEmptyElementsRefusedOn16(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	key, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts"})
	if err != nil {
		t.Fatal(err)
	}
	cmds := &push.SyncCommands{Add: []push.SyncAdd{{ClientID: "c1", ApplicationData: contact(t, "FileAs", "X", "MiddleName", "")}}}
	_, _, err = collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts", SyncKey: key, Commands: cmds})
	if err == nil || !strings.Contains(err.Error(), "MiddleName") {
		t.Fatalf("err = %v, want refusal naming MiddleName", err)
	}
	// The raw Sync lets it through and the 16.1 server rejects the item.
	resp, err := c.Sync(t.Context(), &push.SyncRequest{Collections: []push.SyncCollection{{SyncKey: key, CollectionID: "contacts", Commands: cmds}}})
	if err != nil {
		t.Fatal(err)
	}
	if a := resp.Collections[0].Responses.Add[0]; a.Status != push.SyncConversionError || a.ServerID != "" {
		t.Fatalf("add result %+v, want Status 6 and no ServerId", a)
	}
	if len(srv.Items("contacts")) != 0 {
		t.Error("rejected item was stored")
	}
}

func TestChangeSemantics(t *testing.T) {
	tests := []struct {
		version push.Version
		change  []string
		want    map[string]string
	}{
		// 14.1: omitted kept, empty cleared, given replaced.
		{push.Version141, []string{"FirstName", "Augusta", "Email1Address", ""},
			map[string]string{"FirstName": "Augusta", "LastName": "Lovelace", "Picture": "cGhvdG8="}},
		// 16.1: the item is replaced; Picture omitted keeps the photo.
		{push.Version161, []string{"FirstName", "Augusta"},
			map[string]string{"FirstName": "Augusta", "Picture": "cGhvdG8="}},
		// 16.1: an empty Picture deletes the photo.
		{push.Version161, []string{"FirstName", "Augusta", "Picture", ""},
			map[string]string{"FirstName": "Augusta"}},
	}
	for _, tt := range tests {
		t.Run(tt.version.String()+"/"+strings.Join(tt.change, ","), func(t *testing.T) {
			srv := eastest.Start(t, eastest.Config{})
			id, err := srv.AddItem("contacts", contact(t, "FirstName", "Ada", "LastName", "Lovelace", "Email1Address", "ada@example.test", "Picture", "cGhvdG8="))
			if err != nil {
				t.Fatal(err)
			}
			c := newClient(t, srv, func(c *easclient.Config) { c.Version = tt.version })
			key, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts"})
			if err != nil {
				t.Fatal(err)
			}
			cmds := &push.SyncCommands{Change: []push.SyncChange{{ServerID: id, ApplicationData: contact(t, tt.change...)}}}
			_, ws, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts", SyncKey: key, Commands: cmds})
			if err != nil {
				t.Fatal(err)
			}
			if r := ws[0].Responses; r != nil && len(r.Change) > 0 {
				t.Fatalf("change failed: %+v", r.Change)
			}
			if got := fields(srv.Items("contacts")[id]); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("item = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGetItemEstimate(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	key, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := srv.AddItem("contacts", contact(t, "FileAs", fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := c.GetItemEstimate(t.Context(), []push.EstimateCollection{
		{SyncKey: key, CollectionID: "contacts"},
		{SyncKey: "1", CollectionID: "calendar"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].Err() != nil || rs[0].Collection.Estimate != 3 {
		t.Errorf("contacts estimate = %+v", rs[0])
	}
	if rs[1].Status != push.EstimateNotPrimed {
		t.Errorf("calendar (never synced) = %+v, want status 3", rs[1])
	}
}

func TestTraceRedactsAuthorization(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	var traces []easclient.Trace
	c := newClient(t, srv, func(cfg *easclient.Config) {
		cfg.Auth = easclient.BasicAuth("user1", "hunter2")
		cfg.Trace = func(tr easclient.Trace) { traces = append(traces, tr) }
	})
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
	if len(traces) != 2 {
		t.Fatalf("got %d traces, want request and response", len(traces))
	}
	for _, tr := range traces {
		if strings.Contains(fmt.Sprint(tr.Header), "hunter2") || strings.Contains(fmt.Sprint(tr.Header), "dXNlcjE6aHVudGVyMg") {
			t.Errorf("trace leaks credentials: %v", tr.Header)
		}
	}
	if !strings.Contains(traces[0].XML, "<SyncKey>0</SyncKey>") || !strings.Contains(traces[1].XML, "contacts") {
		t.Errorf("traces = %q / %q", traces[0].XML, traces[1].XML)
	}
}

func TestRedirectLoopStops(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	srv.Inject(eastest.Fault{Command: "OPTIONS", Times: 10, HTTPStatus: 451, Header: http.Header{"X-Ms-Location": {srv.URL}}})
	c := newClient(t, srv, nil)
	_, err := c.Options(t.Context())
	if err == nil || !strings.Contains(err.Error(), "OPTIONS") || !strings.Contains(err.Error(), "451") {
		t.Fatalf("err = %v, want a redirect error naming OPTIONS", err)
	}
	if n := len(srv.Requests()); n != 4 {
		t.Errorf("%d requests, want 4 (first + 3 redirects)", n)
	}
}

func TestRedirectDowngradeRefused(t *testing.T) {
	c, err := easclient.New(easclient.Config{URL: "https://eas.example.test/Microsoft-Server-ActiveSync", DeviceID: "d",
		HTTP: doerFunc(func(r *http.Request) (*http.Response, error) {
			h := http.Header{"X-Ms-Location": {"http://evil.test/Microsoft-Server-ActiveSync"}}
			return &http.Response{StatusCode: 451, Header: h, Body: http.NoBody, Request: r}, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Options(t.Context())
	if err == nil || !strings.Contains(err.Error(), "refused") || c.URL() != "https://eas.example.test/Microsoft-Server-ActiveSync" {
		t.Fatalf("err = %v, URL = %s; want the downgrade refused", err, c.URL())
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestServerVersionChange(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{Versions: []push.Version{push.Version141, push.Version161}})
	var d easclient.Doer = doerFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultClient.Do(r)
		if err == nil && r.URL.Query().Get("Cmd") == "FolderSync" {
			resp.Header.Set("X-MS-RP", "12.1,14.0,14.1")
		}
		return resp, err
	})
	c := newClient(t, srv, func(cfg *easclient.Config) { cfg.HTTP = d })
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
	if c.Version() != push.Version141 {
		t.Fatalf("Version() = %v after X-MS-RP, want 14.1", c.Version())
	}
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if v := reqs[len(reqs)-1].Version; v != "14.1" {
		t.Errorf("next command sent version %q, want 14.1", v)
	}
}
