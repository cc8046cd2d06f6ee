package easclient

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/cradle-sync/cradle/push"
)

// Window sizes: the default, and the bound above which some servers (and
// clients) misbehave.
const (
	DefaultWindowSize = 100
	MaxWindowSize     = 512
)

// SyncFolderRequest describes the sync of one collection by SyncFolder.
type SyncFolderRequest struct {
	CollectionID string
	// SyncKey is the stored key; "" or "0" starts the collection afresh.
	SyncKey string
	// WindowSize is the maximum number of server changes per round trip;
	// zero means DefaultWindowSize, larger than MaxWindowSize is clamped.
	WindowSize int
	Options    *push.SyncOptions
	// Commands are the client's changes, sent with the first GetChanges
	// round. Every Add needs a ClientID unique within the request; the
	// server's ServerID for it comes back in Window.Responses.
	Commands *push.SyncCommands
}

// Window is the result of one Sync round trip.
type Window struct {
	// SyncKey covers everything delivered so far. Store it in the same
	// transaction as the applied Commands: a crash in between must not
	// leave a key that claims changes the store does not have.
	SyncKey string
	// Commands are the server's changes in this window.
	Commands push.SyncCommands
	// Responses are per-item results of the client's Commands; set only
	// in the window that carried them. An Add with Status other than
	// success created nothing.
	Responses *push.SyncResponses
	// More reports that another window follows.
	More bool
}

// SyncFolder brings one collection up to date: it starts the collection if
// req.SyncKey is empty or "0", sends the client's changes, and fetches
// server changes window by window while the server reports MoreAvailable,
// calling fn after each round trip. It returns the final SyncKey.
//
// An answer over the body bound (*TooLargeError) to a round without
// client commands is asked for again with a quarter of the window, down to
// one item; only an item too big on its own is reported.
//
// If fn returns an error, SyncFolder stops and returns it; the key of the
// last window fn accepted is the one to keep. A collection status other
// than success is a *push.Error (push.IsInvalidSyncKey: restart from "0"
// and match existing items instead of duplicating them).
//
// Retry safety: if the round trip carrying req.Commands fails in transport,
// repeat SyncFolder with the same SyncKey and the same ClientIDs so the
// server can recognise resent Adds. On 16.x SyncFolder refuses Add/Change
// data with empty elements (other than Contacts:Picture), which 16.x
// servers reject; omit such fields instead.
func (c *Client) SyncFolder(ctx context.Context, req SyncFolderRequest, fn func(*Window) error) (string, error) {
	if err := c.ensureVersion(ctx); err != nil {
		return req.SyncKey, fmt.Errorf("Sync %s: %w", req.CollectionID, err)
	}
	if c.Version().Is16() {
		if err := checkNoEmpty(req.Commands); err != nil {
			return req.SyncKey, fmt.Errorf("Sync %s: %w", req.CollectionID, err)
		}
	}
	window := req.WindowSize
	if window <= 0 {
		window = DefaultWindowSize
	}
	window = min(window, MaxWindowSize)

	key := req.SyncKey
	if key == "" || key == "0" {
		// Like the clients servers are tested with, send nothing but the
		// key and the collection on SyncKey 0; Options follow with GetChanges.
		col, err := c.syncOne(ctx, push.SyncCollection{SyncKey: "0", CollectionID: req.CollectionID})
		if err != nil {
			return req.SyncKey, err
		}
		key = col.SyncKey
		if err := fn(&Window{SyncKey: key, More: true}); err != nil {
			return key, err
		}
	}

	commands := req.Commands
	emptyRounds := 0
	for {
		if err := ctx.Err(); err != nil {
			return key, fmt.Errorf("Sync %s: %w", req.CollectionID, err)
		}
		sc := push.SyncCollection{
			SyncKey:      key,
			CollectionID: req.CollectionID,
			GetChanges:   push.BoolPtr(true),
			WindowSize:   window,
			Options:      req.Options,
		}
		if commands.Len() > 0 {
			sc.Commands = commands
		}
		col, err := c.syncOne(ctx, sc)
		var tl *TooLargeError
		if errors.As(err, &tl) && tl.What == "body" && sc.Commands == nil && window > 1 {
			// Items with big photos can make a window of the usual size
			// larger than the body bound. Asking again with the same key
			// and a smaller window gets the same changes in smaller
			// pieces; an item too big on its own fails at window 1.
			window = max(window/4, 1)
			c.log.Info("easclient: Sync answer over the size bound; asking for fewer items",
				"collection", req.CollectionID, "window", window)
			continue
		}
		if err != nil {
			return key, err
		}
		w := &Window{SyncKey: key}
		if col != nil && col.Commands != nil {
			if n, limit := col.Commands.Len(), windowLimit(window); n > limit {
				return key, fmt.Errorf("Sync %s: %w", req.CollectionID,
					&TooLargeError{Command: "Sync", Host: c.host(), What: "window", Limit: int64(limit)})
			}
		}
		if col != nil { // nil: empty body, nothing changed
			if col.SyncKey != "" {
				w.SyncKey = col.SyncKey
			}
			if col.Commands != nil {
				w.Commands = *col.Commands
			}
			w.Responses = col.Responses
			w.More = bool(col.MoreAvailable)
		}
		commands = nil
		if err := fn(w); err != nil {
			return key, err
		}
		key = w.SyncKey
		if !w.More {
			return key, nil
		}
		// A server that keeps saying MoreAvailable without sending anything
		// would loop forever.
		if w.Commands.Len() == 0 {
			emptyRounds++
			if emptyRounds >= 3 {
				return key, fmt.Errorf("Sync %s: server reports more changes but sends none", req.CollectionID)
			}
		} else {
			emptyRounds = 0
		}
	}
}

// syncOne sends a Sync for one collection and returns its result, or nil
// for an empty ("no changes") reply.
func (c *Client) syncOne(ctx context.Context, sc push.SyncCollection) (*push.SyncCollectionResult, error) {
	resp, err := c.Sync(ctx, &push.SyncRequest{Collections: []push.SyncCollection{sc}})
	if err != nil {
		return nil, fmt.Errorf("Sync %s: %w", sc.CollectionID, err)
	}
	if len(resp.Collections) == 0 {
		if sc.SyncKey == "0" {
			return nil, fmt.Errorf("Sync %s: no sync key in the reply to SyncKey 0", sc.CollectionID)
		}
		return nil, nil
	}
	col := resp.Collection(sc.CollectionID)
	if col == nil {
		return nil, fmt.Errorf("Sync %s: collection missing from the reply", sc.CollectionID)
	}
	if err := col.Err(); err != nil {
		return nil, err
	}
	if sc.SyncKey == "0" && col.SyncKey == "" {
		return nil, fmt.Errorf("Sync %s: no sync key in the reply to SyncKey 0", sc.CollectionID)
	}
	return col, nil
}

// windowLimit is the most server changes one window may carry when window
// were asked for. A server must not send more than WindowSize; some count
// loosely, so there is slack, but a window far beyond it is broken or
// hostile, and applying it would hold every item of it in memory at once.
func windowLimit(window int) int { return max(2*window, MaxWindowSize) }

var pictureName = xml.Name{Space: "Contacts:", Local: "Picture"}

func checkNoEmpty(cmds *push.SyncCommands) error {
	if cmds == nil {
		return nil
	}
	check := func(kind, id string, d push.ItemData) error {
		for _, n := range d.EmptyElements() {
			if n != pictureName {
				return fmt.Errorf("%s %s: empty element %s%s is not allowed on EAS 16", kind, id, n.Space, n.Local)
			}
		}
		return nil
	}
	for _, a := range cmds.Add {
		if err := check("Add", a.ClientID, a.ApplicationData); err != nil {
			return err
		}
	}
	for _, ch := range cmds.Change {
		if err := check("Change", ch.ServerID, ch.ApplicationData); err != nil {
			return err
		}
	}
	return nil
}
