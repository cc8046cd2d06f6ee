package easclient_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

// The usual first contact with a server: negotiate, list folders, sync a
// folder from scratch, then wait for the next change with Ping.
func Example() {
	srv := eastest.New(eastest.Config{})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close() // release held Pings before the HTTP server shuts down

	type contact struct {
		XMLName xml.Name `xml:"AirSync: ApplicationData"`
		FileAs  string   `xml:"Contacts: FileAs"`
	}
	data, _ := push.NewItemData(&contact{FileAs: "Lovelace, Ada"})
	srv.AddItem("contacts", data)

	ctx := context.Background()
	c, err := easclient.New(easclient.Config{
		URL:      hs.URL + eastest.Path,
		User:     "ada",
		DeviceID: "ExampleDevice1",
		Auth:     easclient.BasicAuth("ada", "secret"),
	})
	if err != nil {
		log.Fatal(err)
	}
	folders, err := c.FolderSync(ctx, "0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("version:", c.Version(), "folders:", len(folders.Changes.Add))

	key, err := c.SyncFolder(ctx, easclient.SyncFolderRequest{CollectionID: "contacts"}, func(w *easclient.Window) error {
		for _, a := range w.Commands.Add {
			var ct contact
			if err := a.ApplicationData.Decode(&ct); err != nil {
				return err
			}
			fmt.Println("added:", ct.FileAs)
		}
		return nil // store w.SyncKey with the items here
	})
	if err != nil {
		log.Fatal(err)
	}

	go func() {
		srv.WaitHeld(ctx, 1)
		data, _ := push.NewItemData(&contact{FileAs: "Hopper, Grace"})
		srv.AddItem("contacts", data)
	}()
	resp, err := c.Ping(ctx, 15*time.Minute, []push.PingFolder{{ID: "contacts", Class: push.ClassContacts}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ping:", resp.Status, resp.Folders, "key kept:", key != "")
	// Output:
	// version: 16.1 folders: 3
	// added: Lovelace, Ada
	// ping: changes available [contacts] key kept: true
}
