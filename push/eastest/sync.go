package eastest

import (
	"net/http"
	"time"

	"github.com/cradle-sync/cradle/push"
)

const (
	defaultWindow = 100
	maxWindow     = 512
)

func (s *Server) serveSync(c *cmdContext) {
	if bodyIsEmpty(c.body) {
		// An empty Sync repeats the previous request (MS-ASCMD 2.2.1.21).
		s.mu.Lock()
		last := s.deviceLocked(c.dev).lastSync
		s.mu.Unlock()
		if last == nil {
			c.reply(&push.SyncResponse{Status: push.SyncIncompleteBody})
			return
		}
		c.body = last
	}
	var req push.SyncRequest
	if !c.decode(&req) {
		return
	}
	var ids []string
	for _, col := range req.Collections {
		ids = append(ids, col.CollectionID)
	}
	c.setFolders(ids)

	if f := c.fault(); f != nil && f.Status != 0 {
		c.reply(syncFault(&req, f))
		return
	}
	if len(req.Collections) == 0 {
		c.reply(&push.SyncResponse{Status: push.SyncIncompleteBody})
		return
	}
	s.mu.Lock()
	s.deviceLocked(c.dev).lastSync = c.body
	s.mu.Unlock()

	// Exchange's bounds for a long-poll Sync (MS-ASCMD): Wait 1-59 minutes,
	// HeartbeatInterval 60-3540 seconds; outside them, Status 14 with the
	// bound. They also keep a fuzzed request from holding for days.
	switch {
	case req.Wait != 0 && (req.Wait < 1 || req.Wait > 59):
		c.reply(&push.SyncResponse{Status: push.SyncInvalidInterval, Limit: min(max(req.Wait, 1), 59)})
		return
	case req.HeartbeatInterval != 0 && (req.HeartbeatInterval < s.cfg.MinHeartbeat || req.HeartbeatInterval > s.cfg.MaxHeartbeat):
		c.reply(&push.SyncResponse{Status: push.SyncInvalidInterval, Limit: min(max(req.HeartbeatInterval, s.cfg.MinHeartbeat), s.cfg.MaxHeartbeat)})
		return
	}
	hb := time.Duration(req.HeartbeatInterval)*s.cfg.HeartbeatUnit + time.Duration(req.Wait)*60*s.cfg.HeartbeatUnit
	var timer *time.Timer
	if hb > 0 {
		timer = time.NewTimer(hb)
		defer timer.Stop()
	}
	hasCommands := false
	for _, col := range req.Collections {
		hasCommands = hasCommands || col.Commands.Len() > 0
	}
	for {
		s.mu.Lock()
		resp, changed := s.syncLocked(c, &req)
		wake := s.changed
		s.mu.Unlock()
		if resp.Status != 0 || changed || timer == nil || hasCommands {
			if !changed && resp.Status == 0 {
				// Nothing to report: HTTP 200 with an empty body.
				c.w.WriteHeader(http.StatusOK)
				return
			}
			c.reply(resp)
			return
		}
		// Long poll: hold until something changes for this device.
		h, release := s.hold()
		res := s.wait(c.r.Context(), wake, timer.C, h.cut, nil)
		release()
		switch res {
		case waitTimeout:
			timer = nil
		case waitGone:
			return
		case waitClosed:
			http.Error(c.w, "server closed", http.StatusServiceUnavailable)
			return
		case waitCut:
			cutConnection(c.w)
			return
		}
	}
}

// syncFault builds the reply for an injected Sync status.
func syncFault(req *push.SyncRequest, f *Fault) *push.SyncResponse {
	switch push.SyncStatus(f.Status) {
	case push.SyncInvalidSyncKey, push.SyncConversionError, push.SyncConflict, push.SyncObjectNotFound:
		resp := &push.SyncResponse{}
		for _, col := range req.Collections {
			resp.Collections = append(resp.Collections, push.SyncCollectionResult{
				SyncKey: "0", CollectionID: col.CollectionID, Status: push.SyncStatus(f.Status),
			})
		}
		return resp
	}
	return &push.SyncResponse{Status: push.SyncStatus(f.Status), Limit: f.Limit}
}

// syncLocked processes every collection of req. It reports whether any
// collection has something to say; s.mu must be held.
func (s *Server) syncLocked(c *cmdContext, req *push.SyncRequest) (*push.SyncResponse, bool) {
	d := s.deviceLocked(c.dev)
	if d.hierarchyVer != 0 && d.hierarchyVer != s.hierarchyVer {
		return &push.SyncResponse{Status: push.SyncHierarchyChanged}, true
	}
	resp := &push.SyncResponse{}
	anything := false
	for _, col := range req.Collections {
		res, said := s.syncCollectionLocked(c, d, req, col)
		resp.Collections = append(resp.Collections, res)
		anything = anything || said
	}
	return resp, anything
}

func (s *Server) syncCollectionLocked(c *cmdContext, d *device, req *push.SyncRequest, col push.SyncCollection) (push.SyncCollectionResult, bool) {
	res := push.SyncCollectionResult{CollectionID: col.CollectionID, SyncKey: col.SyncKey, Status: push.SyncSuccess}
	f := s.folders[col.CollectionID]
	if f == nil {
		res.Status = push.SyncObjectNotFound
		return res, true
	}
	res.Class = f.Type.Class()
	df := d.folders[col.CollectionID]

	if col.SyncKey == "0" {
		if col.Commands.Len() > 0 {
			res.Status = push.SyncProtocolError
			return res, true
		}
		df = &devFolder{view: map[string]int{}}
		d.folders[col.CollectionID] = df
		df.key = s.newKeyLocked()
		res.SyncKey = df.key
		return res, true
	}
	if df == nil || df.key == "" {
		res.Status = push.SyncInvalidSyncKey
		return res, true
	}
	if col.SyncKey == df.prevKey && df.prevRes != nil {
		// The client did not get our last reply: send it again rather
		// than apply its commands twice.
		return *df.prevRes, true
	}
	if col.SyncKey != df.key {
		res.Status = push.SyncInvalidSyncKey
		return res, true
	}

	said := false
	if col.Commands != nil {
		res.Responses = s.applyClientLocked(c, f, df, col.Commands)
		said = true
	}
	if col.GetChanges == nil || bool(*col.GetChanges) {
		window := col.WindowSize
		if window <= 0 {
			window = req.WindowSize
		}
		if window <= 0 {
			window = defaultWindow
		}
		window = min(window, maxWindow)
		pending := pendingLocked(f, df)
		if len(pending) > window {
			pending = pending[:window]
			res.MoreAvailable = true
		}
		if len(pending) > 0 {
			res.Commands = &push.SyncCommands{}
			said = true
		}
		for _, ch := range pending {
			switch ch.kind {
			case changeAdd:
				res.Commands.Add = append(res.Commands.Add, push.SyncAdd{ServerID: ch.serverID, ApplicationData: f.items[ch.serverID].data})
				df.view[ch.serverID] = ch.seq
			case changeChange:
				res.Commands.Change = append(res.Commands.Change, push.SyncChange{ServerID: ch.serverID, ApplicationData: f.items[ch.serverID].data})
				df.view[ch.serverID] = ch.seq
			case changeDelete:
				res.Commands.Delete = append(res.Commands.Delete, push.SyncDelete{ServerID: ch.serverID})
				delete(df.view, ch.serverID)
			}
		}
	}
	if said {
		df.prevKey = df.key
		df.key = s.newKeyLocked()
		res.SyncKey = df.key
		saved := res
		df.prevRes = &saved
	}
	return res, said
}

// applyClientLocked applies the client's commands to f and returns the
// per-item results. The device's view is updated so the changes are not
// echoed back.
func (s *Server) applyClientLocked(c *cmdContext, f *folder, df *devFolder, cmds *push.SyncCommands) *push.SyncResponses {
	out := &push.SyncResponses{}
	changed := false
	for _, a := range cmds.Add {
		r := push.SyncItemResult{ClientID: a.ClientID, Status: push.SyncSuccess}
		if c.ver.Is16() && invalid16(a.ApplicationData) {
			r.Status = push.SyncConversionError
		} else {
			r.ServerID = s.addLocked(f, a.ApplicationData)
			df.view[r.ServerID] = s.seq
			changed = true
		}
		out.Add = append(out.Add, r)
	}
	for _, ch := range cmds.Change {
		it := f.items[ch.ServerID]
		switch {
		case it == nil:
			out.Change = append(out.Change, push.SyncItemResult{ServerID: ch.ServerID, Status: push.SyncObjectNotFound})
		case c.ver.Is16() && invalid16(ch.ApplicationData):
			out.Change = append(out.Change, push.SyncItemResult{ServerID: ch.ServerID, Status: push.SyncConversionError})
		default:
			if c.ver.Is16() {
				it.data = replace16(it.data, ch.ApplicationData)
			} else {
				it.data = merge14(it.data, ch.ApplicationData)
			}
			s.seq++
			it.seq = s.seq
			df.view[ch.ServerID] = it.seq
			changed = true
		}
	}
	for _, del := range cmds.Delete {
		if f.items[del.ServerID] == nil {
			out.Delete = append(out.Delete, push.SyncItemResult{ServerID: del.ServerID, Status: push.SyncObjectNotFound})
			continue
		}
		delete(f.items, del.ServerID)
		delete(df.view, del.ServerID)
		changed = true
	}
	for _, fe := range cmds.Fetch {
		r := push.SyncItemResult{ServerID: fe.ServerID, Status: push.SyncSuccess}
		if it := f.items[fe.ServerID]; it != nil {
			data := it.data
			r.ApplicationData = &data
		} else {
			r.Status = push.SyncObjectNotFound
		}
		out.Fetch = append(out.Fetch, r)
	}
	if changed {
		s.notifyLocked()
	}
	return out
}
