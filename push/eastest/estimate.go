package eastest

import "github.com/cradle-sync/cradle/push"

func (s *Server) serveEstimate(c *cmdContext) {
	var req push.GetItemEstimateRequest
	if !c.decode(&req) {
		return
	}
	var ids []string
	for _, col := range req.Collections {
		ids = append(ids, col.CollectionID)
	}
	c.setFolders(ids)
	fault := c.fault()
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deviceLocked(c.dev)
	resp := &push.GetItemEstimateResponse{}
	for _, col := range req.Collections {
		r := push.EstimateResponse{Status: push.EstimateSuccess, Collection: push.EstimateResult{CollectionID: col.CollectionID}}
		f, df := s.folders[col.CollectionID], d.folders[col.CollectionID]
		switch {
		case fault != nil && fault.Status != 0:
			r.Status = push.EstimateStatus(fault.Status)
		case f == nil:
			r.Status = push.EstimateInvalidCollection
		case df == nil || df.key == "":
			r.Status = push.EstimateNotPrimed
		case col.SyncKey != df.key:
			r.Status = push.EstimateInvalidSyncKey
		default:
			r.Collection.Estimate = len(pendingLocked(f, df))
		}
		resp.Responses = append(resp.Responses, r)
	}
	c.reply(resp)
}
