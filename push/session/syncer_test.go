package session_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

// memSyncer is a minimal engine for tests: it keeps SyncKeys and items in
// memory (surviving session restarts, like the engine's database) and
// applies every window the way the engine must: items and key together.
type memSyncer struct {
	c *easclient.Client

	mu      sync.Mutex
	keys    map[string]string
	items   map[string]map[string]push.ItemData // folder -> server id -> data
	classes map[string]string
	queue   map[string][]push.SyncAdd // folder -> local adds to send
	added   chan string               // server ids the syncer learned of, in order
	syncs   map[string]int
}

func newMemSyncer(c *easclient.Client) *memSyncer {
	return &memSyncer{c: c, keys: map[string]string{}, items: map[string]map[string]push.ItemData{},
		classes: map[string]string{}, queue: map[string][]push.SyncAdd{}, added: make(chan string, 4096), syncs: map[string]int{}}
}

func (m *memSyncer) Folders(ctx context.Context, refresh bool) ([]push.PingFolder, error) {
	resp, err := m.c.FolderSync(ctx, "0")
	if err != nil {
		return nil, err
	}
	var out []push.PingFolder
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range resp.Changes.Add {
		class := f.Type.Class()
		if class != push.ClassContacts && class != push.ClassCalendar && class != push.ClassTasks {
			continue
		}
		m.classes[f.ServerID] = class
		out = append(out, push.PingFolder{ID: f.ServerID, Class: class})
	}
	return out, nil
}

func (m *memSyncer) SyncFolder(ctx context.Context, folder string) error {
	m.mu.Lock()
	key := m.keys[folder]
	adds := m.queue[folder]
	m.syncs[folder]++
	m.mu.Unlock()
	req := easclient.SyncFolderRequest{CollectionID: folder, SyncKey: key, WindowSize: 100,
		Options: &push.SyncOptions{BodyPreference: []push.BodyPreference{{Type: 1}}}}
	if len(adds) > 0 {
		req.Commands = &push.SyncCommands{Add: adds}
	}
	_, err := m.c.SyncFolder(ctx, req, func(w *easclient.Window) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.items[folder] == nil {
			m.items[folder] = map[string]push.ItemData{}
		}
		for _, a := range w.Commands.Add {
			if _, dup := m.items[folder][a.ServerID]; !dup {
				m.added <- a.ServerID
			}
			m.items[folder][a.ServerID] = a.ApplicationData
		}
		for _, c := range w.Commands.Change {
			m.items[folder][c.ServerID] = c.ApplicationData
		}
		for _, d := range w.Commands.Delete {
			delete(m.items[folder], d.ServerID)
		}
		if w.Responses != nil {
			for _, r := range w.Responses.Add {
				if r.ServerID != "" {
					m.items[folder][r.ServerID] = push.ItemData{}
				}
			}
			m.queue[folder] = nil
		}
		m.keys[folder] = w.SyncKey
		return nil
	})
	if push.IsInvalidSyncKey(err) {
		m.mu.Lock()
		m.keys[folder] = ""
		m.mu.Unlock()
		return m.SyncFolder(ctx, folder)
	}
	if err == nil && len(adds) > 0 {
		// SOGo answers a client's Add with its previous key; one more
		// round fetches the key that covers the Add.
		return m.SyncFolder(ctx, folder)
	}
	return err
}

func (m *memSyncer) count(folder string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items[folder])
}

func (m *memSyncer) folderOf(class string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, c := range m.classes {
		if c == class {
			return id
		}
	}
	return ""
}

// waitFor blocks until the syncer has learned of n new items, or fails.
func (m *memSyncer) waitFor(t *testing.T, n int, within time.Duration) []string {
	t.Helper()
	var got []string
	deadline := time.After(within)
	for len(got) < n {
		select {
		case id := <-m.added:
			got = append(got, id)
		case <-deadline:
			t.Fatalf("got %d of %d expected items within %v: %v", len(got), n, within, got)
		}
	}
	return got
}

// contactData builds a minimal contact payload without depending on the
// schema package.
func contactData(t testing.TB, first, last string) push.ItemData {
	t.Helper()
	d, err := push.NewItemData(&struct {
		XMLName   xml.Name `xml:"AirSync: ApplicationData"`
		FileAs    string   `xml:"Contacts: FileAs"`
		FirstName string   `xml:"Contacts: FirstName"`
		LastName  string   `xml:"Contacts: LastName"`
	}{FileAs: last + ", " + first, FirstName: first, LastName: last})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// recorder logs the commands a client sends, in order, for assertions of
// the form "nothing else was asked in between".
type recorder struct {
	next easclient.Doer
	mu   sync.Mutex
	cmds []string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.cmds = append(r.cmds, req.URL.Query().Get("Cmd"))
	r.mu.Unlock()
	return r.next.Do(req)
}

func (r *recorder) log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.cmds...)
}

func uniqueDevice(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, time.Now().UnixNano()%1e12)
}
