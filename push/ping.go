package push

import "encoding/xml"

// PingRequest starts a Direct Push wait: the server holds the request for up
// to HeartbeatInterval seconds and answers early when a folder changes. An
// empty request (zero value, or no body at all) asks the server to reuse the
// folders and interval of the previous Ping. Ping changes nothing on the
// server, so repeating it is always safe.
type PingRequest struct {
	XMLName           xml.Name     `xml:"Ping: Ping"`
	HeartbeatInterval int          `xml:"Ping: HeartbeatInterval,omitempty"`
	Folders           []PingFolder `xml:"Ping: Folders>Folder,omitempty"`
}

// PingFolder is a folder to watch: its CollectionId and class
// ("Contacts", "Calendar", "Tasks", "Email", "Notes").
type PingFolder struct {
	ID    string `xml:"Ping: Id"`
	Class string `xml:"Ping: Class"`
}

// PingResponse is the server's answer to a Ping.
type PingResponse struct {
	XMLName xml.Name   `xml:"Ping: Ping"`
	Status  PingStatus `xml:"Ping: Status"`
	// Folders lists the changed folders' ids when Status is PingChanges.
	Folders []string `xml:"Ping: Folders>Folder,omitempty"`
	// MaxFolders is the server's limit when Status is PingTooManyFolders.
	MaxFolders int `xml:"Ping: MaxFolders,omitempty"`
	// HeartbeatInterval is the bound the server accepts (seconds) when
	// Status is PingInvalidHeartbeat: the minimum if the request was too
	// short, the maximum if too long.
	HeartbeatInterval int `xml:"Ping: HeartbeatInterval,omitempty"`
}
