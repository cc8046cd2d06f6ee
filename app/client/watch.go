package client

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"

	"github.com/cradle-sync/cradle/bridge/api"
)

// Watch streams the daemon's events. It returns once the daemon has
// subscribed, so no event after that is missed for want of a
// subscription (though the daemon drops events a slow watcher cannot
// take). The channel delivers events in the daemon's order and is closed
// when ctx ends, the daemon goes away, or a line cannot be decoded;
// check ctx.Err() to tell them apart. The caller must keep receiving or
// cancel ctx: the goroutine feeding the channel stops only then.
func (c *Client) Watch(ctx context.Context) (<-chan api.Event, error) {
	resp, err := c.send(ctx, http.MethodGet, "/v1/events", nil)
	if err != nil {
		return nil, err
	}
	ch := make(chan api.Event, 16)
	go func() {
		defer close(ch)
		// Cancelling ctx aborts the body read, which ends the scan.
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 4<<10), maxEventLine)
		for sc.Scan() {
			var ev api.Event
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				return
			}
			select {
			case ch <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}
