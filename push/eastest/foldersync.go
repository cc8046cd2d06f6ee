package eastest

import (
	"strconv"

	"github.com/cradle-sync/cradle/push"
)

func (s *Server) serveFolderSync(c *cmdContext) {
	var req push.FolderSyncRequest
	if !c.decode(&req) {
		return
	}
	if f := c.fault(); f != nil && f.Status != 0 {
		c.reply(&push.FolderSyncResponse{Status: push.FolderSyncStatus(f.Status)})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deviceLocked(c.dev)
	known := d.knownFolders
	switch {
	case req.SyncKey == "0":
		known = nil
	case d.hierarchyVer == 0 || req.SyncKey != strconv.Itoa(d.hierarchyVer):
		c.reply(&push.FolderSyncResponse{Status: push.FolderSyncInvalidSyncKey})
		return
	}
	ch := &push.FolderChanges{}
	now := map[string]Folder{}
	for _, id := range s.folderOrder {
		f := s.folders[id].Folder
		now[id] = f
		pf := push.Folder{ServerID: f.ID, ParentID: f.ParentID, DisplayName: f.Name, Type: f.Type}
		old, ok := known[id]
		switch {
		case !ok:
			ch.Add = append(ch.Add, pf)
		case old != f:
			ch.Update = append(ch.Update, pf)
		}
	}
	for id := range known {
		if _, ok := now[id]; !ok {
			ch.Delete = append(ch.Delete, push.FolderDelete{ServerID: id})
		}
	}
	ch.Count = len(ch.Add) + len(ch.Update) + len(ch.Delete)
	d.knownFolders = now
	d.hierarchyVer = s.hierarchyVer
	c.reply(&push.FolderSyncResponse{Status: push.FolderSyncSuccess, SyncKey: strconv.Itoa(s.hierarchyVer), Changes: ch})
}
