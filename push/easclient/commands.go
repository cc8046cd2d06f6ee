package easclient

import (
	"context"
	"errors"
	"time"

	"github.com/cradle-sync/cradle/push"
)

// FolderSync returns the folder hierarchy changes since key ("0" for all
// folders). A status other than success is a *push.Error
// (push.IsInvalidSyncKey: restart from "0"). Safe to repeat.
func (c *Client) FolderSync(ctx context.Context, key string) (*push.FolderSyncResponse, error) {
	if key == "" {
		key = "0"
	}
	var resp push.FolderSyncResponse
	err := c.run(ctx, call{
		cmd:  "FolderSync",
		req:  &push.FolderSyncRequest{SyncKey: key},
		resp: &resp,
		check: func() error {
			if resp.Status != push.FolderSyncSuccess {
				return &push.Error{Command: "FolderSync", Status: int(resp.Status)}
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &resp, nil
}

// Sync sends req as is and returns the server's answer. An HTTP 200 with an
// empty body ("no changes") yields a zero SyncResponse. Only a failed
// top-level Status is returned as error; per-collection statuses are left
// to the caller (SyncCollectionResult.Err), because collections fail
// independently. See push.SyncRequest for which requests are safe to
// repeat.
func (c *Client) Sync(ctx context.Context, req *push.SyncRequest) (*push.SyncResponse, error) {
	var resp push.SyncResponse
	timeout := time.Duration(0)
	if req.HeartbeatInterval > 0 || req.Wait > 0 {
		hb := time.Duration(req.HeartbeatInterval)*time.Second + time.Duration(req.Wait)*time.Minute
		timeout = longPollTimeout(hb)
	}
	err := c.run(ctx, call{
		cmd:     "Sync",
		req:     req,
		resp:    &resp,
		timeout: timeout,
		check: func() error {
			if resp.Status != 0 && resp.Status != push.SyncSuccess {
				return &push.Error{Command: "Sync", Status: int(resp.Status)}
			}
			for _, col := range resp.Collections {
				// A provisioning demand can come per collection; surface it so
				// run re-provisions.
				if s := push.Status(col.Status); s == push.StatusDeviceNotProvisioned || s == push.StatusPolicyRefresh || s == push.StatusInvalidPolicyKey {
					return col.Err()
				}
			}
			return nil
		},
	})
	if errors.Is(err, errEmptyBody) {
		return &push.SyncResponse{}, nil
	}
	if err != nil {
		return nil, err
	}
	return &resp, nil
}

// GetItemEstimate returns one response per collection (14.0+ request form).
// Per-collection failures are in EstimateResponse.Status (see its Err).
func (c *Client) GetItemEstimate(ctx context.Context, cols []push.EstimateCollection) ([]push.EstimateResponse, error) {
	var resp push.GetItemEstimateResponse
	err := c.run(ctx, call{
		cmd:  "GetItemEstimate",
		req:  &push.GetItemEstimateRequest{Collections: cols},
		resp: &resp,
		check: func() error {
			if resp.Status != 0 && resp.Status != push.EstimateSuccess {
				return &push.Error{Command: "GetItemEstimate", Status: int(resp.Status)}
			}
			for _, r := range resp.Responses {
				if push.Status(r.Status) >= push.StatusDeviceNotProvisioned && push.Status(r.Status) <= push.StatusInvalidPolicyKey {
					return r.Err()
				}
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	return resp.Responses, nil
}

// longPollTimeout is the request deadline for a request the server holds
// for hb: the response must be allowed to arrive after the heartbeat, so
// the margin grows with it (servers poll for changes on their own clock).
func longPollTimeout(hb time.Duration) time.Duration {
	return hb + 30*time.Second + hb/10
}

// Ping waits for changes in folders for up to heartbeat (rounded down to
// whole seconds, at least one). It returns when the server answers, when ctx is done, or
// when the request outlives the heartbeat by a margin. A nil folders slice
// sends an empty Ping, which asks the server to reuse the previous
// request's folders and heartbeat.
//
// Status 1 (expired) and 2 (changes; resp.Folders) return a nil error. Any
// other status returns the response together with a *push.Error, so the
// caller can read HeartbeatInterval (status 5) or MaxFolders (status 6).
// Ping changes nothing on the server; repeating it is always safe.
func (c *Client) Ping(ctx context.Context, heartbeat time.Duration, folders []push.PingFolder) (*push.PingResponse, error) {
	var req any
	if folders != nil || heartbeat > 0 {
		req = &push.PingRequest{HeartbeatInterval: max(int(heartbeat/time.Second), 1), Folders: folders}
	}
	if heartbeat <= 0 {
		// An empty Ping reuses a heartbeat we do not know: allow the
		// spec's maximum.
		heartbeat = 3540 * time.Second
	}
	var resp push.PingResponse
	err := c.run(ctx, call{
		cmd:     "Ping",
		req:     req,
		resp:    &resp,
		timeout: longPollTimeout(heartbeat),
		check: func() error {
			// Only a provisioning demand is an error inside run, so that
			// run re-provisions and repeats the Ping.
			if perr := (&push.Error{Command: "Ping", Status: int(resp.Status)}); needsProvision(perr) {
				return perr
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	switch resp.Status {
	case push.PingExpired, push.PingChanges:
		return &resp, nil
	}
	return &resp, &push.Error{Command: "Ping", Status: int(resp.Status)}
}
