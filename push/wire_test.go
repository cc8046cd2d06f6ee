package push_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/internal/wbxml"
)

// TestRequestsMatchSOGoSamples encodes typed requests and compares the
// bytes with the request bodies a real SOGo accepted (encoded from the
// samples by the independent FromXML path).
func TestRequestsMatchSOGoSamples(t *testing.T) {
	getChanges := push.BoolPtr(true)
	tests := []struct {
		sample string
		req    any
	}{
		{"04-foldersync.req.xml", &push.FolderSyncRequest{SyncKey: "0"}},
		{"09-ping.req.xml", &push.PingRequest{HeartbeatInterval: 60, Folders: []push.PingFolder{
			{ID: "vcard%2Fpersonal", Class: "Contacts"}, {ID: "vevent%2Fpersonal", Class: "Calendar"}}}},
		{"03-provision.req.xml", &push.ProvisionRequest{
			DeviceInformation: &push.DeviceInformation{Set: push.DeviceInformationSet{
				Model: "SmokeTest", FriendlyName: "sogo-peer smoke", OS: "Linux", UserAgent: "sogo-peer-smoke/1.0"}},
			Policies: []push.Policy{{PolicyType: push.PolicyTypeWBXML}},
		}},
		{"06-sync-initial.req.xml", &push.SyncRequest{Collections: []push.SyncCollection{
			{SyncKey: "0", CollectionID: "vcard%2Fpersonal"}, {SyncKey: "0", CollectionID: "vevent%2Fpersonal"}}}},
		{"11-sync-delete.req.xml", &push.SyncRequest{Collections: []push.SyncCollection{{
			SyncKey: "1795633143", CollectionID: "vcard%2Fpersonal", DeletesAsMoves: push.BoolPtr(false), GetChanges: getChanges,
			Commands: &push.SyncCommands{Delete: []push.SyncDelete{{ServerID: "2736-6B073000-13-31981AC0.vcf"}}},
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			x, err := os.ReadFile(filepath.Join("testdata", tt.sample))
			if err != nil {
				t.Fatal(err)
			}
			// Bool writes 1 where the smoke script wrote an empty
			// element; both mean true (MS-ASCMD GetChanges).
			x = bytes.ReplaceAll(x, []byte("<GetChanges/>"), []byte("<GetChanges>1</GetChanges>"))
			want, err := wbxml.FromXML(x)
			if err != nil {
				t.Fatal(err)
			}
			got, err := wbxml.Marshal(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				gx, _ := wbxml.ToXML(got)
				wx, _ := wbxml.ToXML(want)
				t.Errorf("encoding differs from the sample:\n got %s\nwant %s", gx, wx)
			}
		})
	}
}
