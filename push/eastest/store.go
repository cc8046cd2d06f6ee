package eastest

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/cradle-sync/cradle/push"
)

// AddItem stores data as a new item in folder and returns its ServerId.
func (s *Server) AddItem(folderID string, data push.ItemData) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.folders[folderID]
	if f == nil {
		return "", fmt.Errorf("eastest: no folder %q", folderID)
	}
	id := s.addLocked(f, data)
	s.notifyLocked()
	return id, nil
}

func (s *Server) addLocked(f *folder, data push.ItemData) string {
	s.nextID++
	s.seq++
	id := f.ID + ":" + strconv.Itoa(s.nextID)
	f.items[id] = &item{data: data, seq: s.seq}
	return id
}

// ChangeItem replaces the data of an item, as a change made on the server.
func (s *Server) ChangeItem(folderID, serverID string, data push.ItemData) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, err := s.itemLocked(folderID, serverID)
	if err != nil {
		return err
	}
	s.seq++
	it.data, it.seq = data, s.seq
	s.notifyLocked()
	return nil
}

// DeleteItem removes an item, as a deletion made on the server.
func (s *Server) DeleteItem(folderID, serverID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.itemLocked(folderID, serverID); err != nil {
		return err
	}
	delete(s.folders[folderID].items, serverID)
	s.notifyLocked()
	return nil
}

func (s *Server) itemLocked(folderID, serverID string) (*item, error) {
	f := s.folders[folderID]
	if f == nil {
		return nil, fmt.Errorf("eastest: no folder %q", folderID)
	}
	it := f.items[serverID]
	if it == nil {
		return nil, fmt.Errorf("eastest: no item %q in folder %q", serverID, folderID)
	}
	return it, nil
}

// Items returns the items of a folder by ServerId; nil if there is no such folder.
func (s *Server) Items(folderID string) map[string]push.ItemData {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.folders[folderID]
	if f == nil {
		return nil
	}
	out := make(map[string]push.ItemData, len(f.items))
	for id, it := range f.items {
		out[id] = it.data
	}
	return out
}

// AddFolder adds a folder to the hierarchy; devices that ran FolderSync
// before see Ping Status 7 and Sync Status 12 until they run it again.
func (s *Server) AddFolder(f Folder) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.folders[f.ID] != nil {
		return fmt.Errorf("eastest: folder %q exists", f.ID)
	}
	if f.ParentID == "" {
		f.ParentID = "0"
	}
	s.folders[f.ID] = &folder{Folder: f, items: map[string]*item{}}
	s.folderOrder = append(s.folderOrder, f.ID)
	s.hierarchyVer++
	s.notifyLocked()
	return nil
}

// DeleteFolder removes a folder and its items from the hierarchy.
func (s *Server) DeleteFolder(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.folders[id] == nil {
		return fmt.Errorf("eastest: no folder %q", id)
	}
	delete(s.folders, id)
	for i, fid := range s.folderOrder {
		if fid == id {
			s.folderOrder = append(s.folderOrder[:i:i], s.folderOrder[i+1:]...)
			break
		}
	}
	s.hierarchyVer++
	s.notifyLocked()
	return nil
}

// change is one pending difference between a folder and a device's view.
type change struct {
	serverID string
	seq      int // 0 for deletions
	kind     int // changeAdd, changeChange, changeDelete
}

const (
	changeAdd = iota
	changeChange
	changeDelete
)

// pendingLocked lists what the device lacks of folder f, oldest first
// (deletions last). s.mu must be held.
func pendingLocked(f *folder, df *devFolder) []change {
	var out []change
	for id, it := range f.items {
		seq, ok := df.view[id]
		switch {
		case !ok:
			out = append(out, change{serverID: id, seq: it.seq, kind: changeAdd})
		case seq != it.seq:
			out = append(out, change{serverID: id, seq: it.seq, kind: changeChange})
		}
	}
	for id := range df.view {
		if f.items[id] == nil {
			out = append(out, change{serverID: id, kind: changeDelete})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.kind == changeDelete) != (b.kind == changeDelete) {
			return b.kind == changeDelete
		}
		if a.seq != b.seq {
			return a.seq < b.seq
		}
		return a.serverID < b.serverID
	})
	return out
}

// hasPendingLocked reports whether the device lacks anything of folder id.
// A folder the device never synced counts as changed when it has items.
func (s *Server) hasPendingLocked(d *device, id string) bool {
	f := s.folders[id]
	if f == nil {
		return false
	}
	df := d.folders[id]
	if df == nil || df.key == "" {
		return len(f.items) > 0
	}
	return len(pendingLocked(f, df)) > 0
}
