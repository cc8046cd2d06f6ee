package easclient_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

func commands(srv *eastest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Command)
	}
	return out
}

func TestProvisionOn449(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{RequireProvisioning: true})
	c := newClient(t, srv, func(cfg *easclient.Config) {
		cfg.DeviceInformation = &push.DeviceInformationSet{Model: "Desktop", OS: "Linux", UserAgent: "Cradle/1.0"}
	})
	ctx := t.Context()
	if _, err := c.FolderSync(ctx, "0"); err != nil {
		t.Fatal(err)
	}
	if c.PolicyKey() == "" {
		t.Fatal("no policy key after provisioning")
	}
	want := []string{"OPTIONS", "FolderSync", "Provision", "Provision", "FolderSync"}
	if got := commands(srv); !reflect.DeepEqual(got, want) {
		t.Fatalf("requests = %v, want %v", got, want)
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.PolicyKey != c.PolicyKey() {
		t.Errorf("retried FolderSync sent policy key %q, want %q", last.PolicyKey, c.PolicyKey())
	}
	// The server forgets the key: the next command re-provisions once.
	old := c.PolicyKey()
	srv.ResetPolicy()
	if _, err := c.FolderSync(ctx, "0"); err != nil {
		t.Fatal(err)
	}
	if c.PolicyKey() == old {
		t.Error("policy key unchanged after re-provisioning")
	}
	want = append(want, "FolderSync", "Provision", "Provision", "FolderSync")
	if got := commands(srv); !reflect.DeepEqual(got, want) {
		t.Fatalf("requests = %v, want %v", got, want)
	}
}

func TestProvisionNoPolicy(t *testing.T) {
	// SOGo: Provision answers policy Status 2 without a key; the client
	// carries on without one.
	srv := eastest.Start(t, eastest.Config{NoPolicy: true})
	c := newClient(t, srv, nil)
	if err := c.Provision(t.Context()); err != nil {
		t.Fatal(err)
	}
	if c.PolicyKey() != "" {
		t.Errorf("PolicyKey = %q, want none", c.PolicyKey())
	}
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
}

func TestProvisionStillRequiredFails(t *testing.T) {
	// A server that keeps demanding provisioning gets one retry, not a loop.
	srv := eastest.Start(t, eastest.Config{RequireProvisioning: true, NoPolicy: true})
	c := newClient(t, srv, nil)
	_, err := c.FolderSync(t.Context(), "0")
	if !push.IsProvisioningRequired(err) {
		t.Fatalf("err = %v, want provisioning required", err)
	}
	want := []string{"OPTIONS", "FolderSync", "Provision", "FolderSync"}
	if got := commands(srv); !reflect.DeepEqual(got, want) {
		t.Fatalf("requests = %v, want %v", got, want)
	}
}

func TestRemoteWipeIsNotActedOn(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	if _, err := c.FolderSync(t.Context(), "0"); err != nil {
		t.Fatal(err)
	}
	srv.RequestWipe()
	_, err := c.FolderSync(t.Context(), "0")
	if !errors.Is(err, easclient.ErrRemoteWipe) {
		t.Fatalf("err = %v, want ErrRemoteWipe", err)
	}
	// The wipe was not acknowledged: one Provision (the policy request
	// that brought the order), nothing after it.
	want := []string{"OPTIONS", "FolderSync", "FolderSync", "Provision"}
	if got := commands(srv); !reflect.DeepEqual(got, want) {
		t.Fatalf("requests = %v, want %v", got, want)
	}
}

func TestConcurrentCommandsProvisionOnce(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{RequireProvisioning: true})
	c := newClient(t, srv, nil)
	if _, err := c.Options(t.Context()); err != nil {
		t.Fatal(err)
	}
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := c.FolderSync(t.Context(), "0")
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	provisions := 0
	for _, cmd := range commands(srv) {
		if cmd == "Provision" {
			provisions++
		}
	}
	if provisions != 2 {
		t.Errorf("%d Provision requests, want one handshake (2)", provisions)
	}
}

func TestReprovisionOnSyncStatus(t *testing.T) {
	// A 14.x server may demand provisioning with Status 142 in the Sync
	// answer instead of HTTP 449; the retried answer must replace, not
	// extend, the first one.
	srv := eastest.Start(t, eastest.Config{})
	c := newClient(t, srv, nil)
	key, _, err := collect(t, c, easclient.SyncFolderRequest{CollectionID: "contacts"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddItem("contacts", contact(t, "FileAs", "A")); err != nil {
		t.Fatal(err)
	}
	srv.Inject(eastest.Fault{Command: "Sync", Status: 142})
	resp, err := c.Sync(t.Context(), &push.SyncRequest{Collections: []push.SyncCollection{{SyncKey: key, CollectionID: "contacts"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Collections) != 1 || resp.Collections[0].Commands.Len() != 1 {
		t.Fatalf("response = %+v", resp)
	}
	got := commands(srv)
	want := []string{"Sync", "Provision", "Provision", "Sync"}
	if !reflect.DeepEqual(got[len(got)-4:], want) {
		t.Errorf("requests = %v, want … %v", got, want)
	}
}
