package push

import "encoding/xml"

// PolicyTypeWBXML is the policy type every EAS 12.1+ client requests.
const PolicyTypeWBXML = "MS-EAS-Provisioning-WBXML"

// ProvisionRequest is a Provision command (MS-ASPROV). Phase one carries
// DeviceInformation (14.1+) and a Policy with only PolicyType; phase two
// acknowledges the temporary PolicyKey with Status PolicyApplied. Phase one
// may be repeated; a lost phase-two answer is healed by provisioning again.
type ProvisionRequest struct {
	XMLName           xml.Name           `xml:"Provision: Provision"`
	DeviceInformation *DeviceInformation `xml:"Settings: DeviceInformation,omitempty"`
	Policies          []Policy           `xml:"Provision: Policies>Policy,omitempty"`
	// RemoteWipe acknowledges a wipe. Cradle never wipes and never sends it;
	// it exists so that eastest can decode what other clients send.
	RemoteWipe *RemoteWipeAck `xml:"Provision: RemoteWipe,omitempty"`
}

// RemoteWipeAck reports the outcome of a remote wipe (1 success, 2 failure).
type RemoteWipeAck struct {
	Status int `xml:"Provision: Status"`
}

// DeviceInformation describes the device to the server (Settings code page;
// sent inside Provision from 14.1 on).
type DeviceInformation struct {
	Set DeviceInformationSet `xml:"Settings: Set"`
}

// DeviceInformationSet holds the device properties. Empty fields are omitted.
type DeviceInformationSet struct {
	Model          string `xml:"Settings: Model,omitempty"`
	FriendlyName   string `xml:"Settings: FriendlyName,omitempty"`
	OS             string `xml:"Settings: OS,omitempty"`
	OSLanguage     string `xml:"Settings: OSLanguage,omitempty"`
	UserAgent      string `xml:"Settings: UserAgent,omitempty"`
	MobileOperator string `xml:"Settings: MobileOperator,omitempty"`
}

// Policy is a policy request, acknowledgement or answer.
type Policy struct {
	PolicyType string       `xml:"Provision: PolicyType"`
	PolicyKey  string       `xml:"Provision: PolicyKey,omitempty"`
	Status     PolicyStatus `xml:"Provision: Status,omitempty"`
	// Data holds the EASProvisionDoc verbatim; Cradle does not enforce
	// device policies, it only acknowledges them.
	Data *ItemData `xml:"Provision: Data,omitempty"`
}

// ProvisionResponse is the server's answer to a ProvisionRequest.
type ProvisionResponse struct {
	XMLName           xml.Name                 `xml:"Provision: Provision"`
	Status            ProvisionStatus          `xml:"Provision: Status"`
	DeviceInformation *DeviceInformationResult `xml:"Settings: DeviceInformation,omitempty"`
	Policies          []Policy                 `xml:"Provision: Policies>Policy,omitempty"`
	// RemoteWipe, when present, is the server's order to wipe the device.
	RemoteWipe Flag `xml:"Provision: RemoteWipe,omitempty"`
	// AccountOnlyRemoteWipe (16.1) orders removal of the account's data.
	AccountOnlyRemoteWipe Flag `xml:"Provision: AccountOnlyRemoteWipe,omitempty"`
}

// DeviceInformationResult is the server's status for the DeviceInformation
// sent with Provision (1 success, 2 protocol error).
type DeviceInformationResult struct {
	Status int `xml:"Settings: Status"`
}
