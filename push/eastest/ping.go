package eastest

import (
	"net/http"
	"time"

	"github.com/cradle-sync/cradle/push"
)

func (s *Server) servePing(c *cmdContext) {
	var req push.PingRequest
	if !bodyIsEmpty(c.body) && !c.decode(&req) {
		return
	}
	if f := c.fault(); f != nil && f.Status != 0 {
		resp := &push.PingResponse{Status: push.PingStatus(f.Status)}
		switch resp.Status {
		case push.PingInvalidHeartbeat:
			resp.HeartbeatInterval = f.Limit
		case push.PingTooManyFolders:
			resp.MaxFolders = f.Limit
		}
		c.reply(resp)
		return
	}

	s.mu.Lock()
	d := s.deviceLocked(c.dev)
	folders, hb := req.Folders, req.HeartbeatInterval
	if folders == nil {
		folders = d.pingFolders
	}
	if hb == 0 {
		hb = d.pingHB
	}
	var ids []string
	for _, f := range folders {
		ids = append(ids, f.ID)
	}
	s.requests[c.logIdx].Folders = ids
	resp := s.checkPingLocked(d, folders, hb)
	if resp != nil {
		s.mu.Unlock()
		c.reply(resp)
		return
	}
	d.pingFolders, d.pingHB = folders, hb
	// A newer Ping from the same device ends the held one (Status 1).
	if d.pingSuper != nil {
		close(d.pingSuper)
	}
	super := make(chan struct{})
	d.pingSuper = super
	s.mu.Unlock()

	h, release := s.hold()
	defer release()
	timer := time.NewTimer(time.Duration(hb) * s.cfg.HeartbeatUnit)
	defer timer.Stop()
	for {
		s.mu.Lock()
		changed := s.changedFoldersLocked(d, folders)
		wake := s.changed
		s.mu.Unlock()
		if len(changed) > 0 {
			c.reply(&push.PingResponse{Status: push.PingChanges, Folders: changed})
			return
		}
		switch s.wait(c.r.Context(), wake, timer.C, h.cut, super) {
		case waitChanged:
			continue
		case waitTimeout, waitSuperseded:
			c.reply(&push.PingResponse{Status: push.PingExpired})
			return
		case waitGone:
			return
		case waitCut:
			cutConnection(c.w)
			return
		case waitClosed:
			http.Error(c.w, "server closed", http.StatusServiceUnavailable)
			return
		}
	}
}

// checkPingLocked validates a Ping; it returns the reply for an invalid
// one, nil if the Ping may be held.
func (s *Server) checkPingLocked(d *device, folders []push.PingFolder, hb int) *push.PingResponse {
	switch {
	case len(folders) == 0 || hb == 0:
		return &push.PingResponse{Status: push.PingMissingParams}
	case hb < s.cfg.MinHeartbeat:
		return &push.PingResponse{Status: push.PingInvalidHeartbeat, HeartbeatInterval: s.cfg.MinHeartbeat}
	case hb > s.cfg.MaxHeartbeat:
		return &push.PingResponse{Status: push.PingInvalidHeartbeat, HeartbeatInterval: s.cfg.MaxHeartbeat}
	case s.cfg.MaxFolders > 0 && len(folders) > s.cfg.MaxFolders:
		return &push.PingResponse{Status: push.PingTooManyFolders, MaxFolders: s.cfg.MaxFolders}
	case d.hierarchyVer != 0 && d.hierarchyVer != s.hierarchyVer:
		return &push.PingResponse{Status: push.PingHierarchyChanged}
	}
	for _, f := range folders {
		if s.folders[f.ID] == nil {
			return &push.PingResponse{Status: push.PingHierarchyChanged}
		}
	}
	return nil
}

func (s *Server) changedFoldersLocked(d *device, folders []push.PingFolder) []string {
	var out []string
	for _, f := range folders {
		if s.hasPendingLocked(d, f.ID) {
			out = append(out, f.ID)
		}
	}
	return out
}
