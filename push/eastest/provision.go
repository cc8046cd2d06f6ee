package eastest

import (
	"encoding/xml"

	"github.com/cradle-sync/cradle/push"
)

// ResetPolicy invalidates every device's policy key, so that with
// RequireProvisioning the next command gets HTTP 449.
func (s *Server) ResetPolicy() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		d.policyKey = ""
	}
}

// RequestWipe makes every following Provision answer with a RemoteWipe
// order, and every other command with HTTP 449 so that clients provision.
func (s *Server) RequestWipe() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wipe = true
}

// provisioned reports whether a command from dev with policy key may run.
func (s *Server) provisioned(dev, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wipe {
		return false
	}
	if !s.cfg.RequireProvisioning {
		return true
	}
	d := s.devices[dev]
	return d != nil && d.policyKey != "" && d.policyKey == key
}

var provisionDoc = func() push.ItemData {
	ns := "Provision:"
	doc := xml.Name{Space: ns, Local: "EASProvisionDoc"}
	pw := xml.Name{Space: ns, Local: "DevicePasswordEnabled"}
	d, _ := push.ItemDataFromTokens([]xml.Token{
		xml.StartElement{Name: doc},
		xml.StartElement{Name: pw}, xml.CharData("0"), xml.EndElement{Name: pw},
		xml.EndElement{Name: doc},
	})
	return d
}()

func (s *Server) serveProvision(c *cmdContext) {
	var req push.ProvisionRequest
	if !c.decode(&req) {
		return
	}
	if f := c.fault(); f != nil && f.Status != 0 {
		c.reply(&push.ProvisionResponse{Status: push.ProvisionStatus(f.Status)})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deviceLocked(c.dev)
	resp := &push.ProvisionResponse{Status: push.ProvisionSuccess}
	if req.DeviceInformation != nil {
		resp.DeviceInformation = &push.DeviceInformationResult{Status: 1}
	}
	switch {
	case s.wipe:
		resp.RemoteWipe = true
	case req.RemoteWipe != nil:
		// A client acknowledging a wipe: nothing more to say.
	case len(req.Policies) != 1 || req.Policies[0].PolicyType != push.PolicyTypeWBXML:
		resp.Status = push.ProvisionProtocolError
	case s.cfg.NoPolicy:
		resp.Policies = []push.Policy{{PolicyType: push.PolicyTypeWBXML, Status: push.PolicyNone}}
		d.policyKey = "" // nothing to send; RequireProvisioning cannot be met
	case req.Policies[0].PolicyKey == "":
		d.tempKey = s.newKeyLocked()
		data := provisionDoc
		resp.Policies = []push.Policy{{PolicyType: push.PolicyTypeWBXML, Status: push.PolicySuccess, PolicyKey: d.tempKey, Data: &data}}
	case req.Policies[0].PolicyKey != d.tempKey || d.tempKey == "":
		resp.Policies = []push.Policy{{PolicyType: push.PolicyTypeWBXML, Status: push.PolicyWrongPolicyKey}}
	default:
		d.tempKey = ""
		d.policyKey = s.newKeyLocked()
		resp.Policies = []push.Policy{{PolicyType: push.PolicyTypeWBXML, Status: push.PolicySuccess, PolicyKey: d.policyKey}}
	}
	c.reply(resp)
}
