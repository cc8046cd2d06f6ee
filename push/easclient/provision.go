package easclient

import (
	"context"
	"fmt"

	"github.com/cradle-sync/cradle/push"
)

// Provision runs the MS-ASPROV handshake and stores the resulting policy
// key, which later requests send as X-MS-PolicyKey:
//
//  1. request the policy (with DeviceInformation on 14.1+);
//  2. acknowledge the temporary key as applied; the answer holds the final key.
//
// A server without a policy for this device (SOGo answers policy Status 2
// and no key) is fine: Provision returns nil and no key is sent. If the
// server orders a remote wipe, Provision returns ErrRemoteWipe and neither
// wipes nor acknowledges. Cradle does not enforce device policies (it is
// not a phone); it acknowledges them so that the server serves it.
//
// Provision is safe to repeat: the server issues a new key each time.
// Calls are serialised; commands re-provision on their own (HTTP 449,
// status 142–144), so callers rarely need to call it.
func (c *Client) Provision(ctx context.Context) error {
	c.provisionMu.Lock()
	defer c.provisionMu.Unlock()
	return c.provisionLocked(ctx)
}

// reprovision provisions on a server's demand, unless another call already
// replaced the key the failed request carried.
func (c *Client) reprovision(ctx context.Context, staleKey string) error {
	c.provisionMu.Lock()
	defer c.provisionMu.Unlock()
	if k := c.PolicyKey(); k != "" && k != staleKey {
		return nil
	}
	return c.provisionLocked(ctx)
}

func (c *Client) provisionLocked(ctx context.Context) error {
	req := &push.ProvisionRequest{Policies: []push.Policy{{PolicyType: push.PolicyTypeWBXML}}}
	if c.Version() >= push.Version141 {
		req.DeviceInformation = &push.DeviceInformation{Set: *c.deviceInfo}
	}
	// The initial request carries no key (an old one would be rejected).
	c.setPolicyKey("")
	resp, err := c.provision(ctx, req)
	if err != nil {
		return err
	}
	pol := resp.Policies[0]
	switch {
	case pol.Status == push.PolicyNone:
		c.log.Debug("easclient: server has no policy for this device")
		return nil
	case pol.Status != push.PolicySuccess:
		return fmt.Errorf("Provision: policy status %d (%s)", pol.Status, pol.Status)
	case pol.PolicyKey == "":
		return fmt.Errorf("Provision: policy without key")
	}

	ack := &push.ProvisionRequest{Policies: []push.Policy{{
		PolicyType: push.PolicyTypeWBXML,
		PolicyKey:  pol.PolicyKey,
		Status:     push.PolicyApplied,
	}}}
	resp, err = c.provision(ctx, ack)
	if err != nil {
		return fmt.Errorf("acknowledge policy: %w", err)
	}
	final := resp.Policies[0]
	if final.Status != push.PolicySuccess || final.PolicyKey == "" {
		return fmt.Errorf("Provision: acknowledgement answered with policy status %d (%s), key %t",
			final.Status, final.Status, final.PolicyKey != "")
	}
	c.setPolicyKey(final.PolicyKey)
	c.log.Info("easclient: provisioned")
	return nil
}

// provision sends one Provision request and checks the parts both phases share.
func (c *Client) provision(ctx context.Context, req *push.ProvisionRequest) (*push.ProvisionResponse, error) {
	var resp push.ProvisionResponse
	if err := c.run(ctx, call{cmd: "Provision", req: req, resp: &resp}); err != nil {
		return nil, err
	}
	if resp.RemoteWipe || resp.AccountOnlyRemoteWipe {
		c.log.Warn("easclient: server requested a remote wipe; ignoring it")
		return nil, fmt.Errorf("Provision: %w", ErrRemoteWipe)
	}
	if resp.Status != push.ProvisionSuccess {
		return nil, &push.Error{Command: "Provision", Status: int(resp.Status)}
	}
	if len(resp.Policies) == 0 {
		return nil, fmt.Errorf("Provision: response without policy")
	}
	return &resp, nil
}
