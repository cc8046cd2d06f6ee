package push

import "encoding/xml"

// GetItemEstimateRequest asks how many changes a Sync from each collection's
// SyncKey would deliver. It uses the 14.0+ form (AirSync SyncKey and Options
// inside each collection). It changes nothing on the server.
type GetItemEstimateRequest struct {
	XMLName     xml.Name             `xml:"GetItemEstimate: GetItemEstimate"`
	Collections []EstimateCollection `xml:"GetItemEstimate: Collections>Collection"`
}

// EstimateCollection is one collection in a GetItemEstimateRequest.
type EstimateCollection struct {
	SyncKey      string       `xml:"AirSync: SyncKey"`
	CollectionID string       `xml:"GetItemEstimate: CollectionId"`
	Options      *SyncOptions `xml:"AirSync: Options,omitempty"`
}

// GetItemEstimateResponse holds one Response per requested collection.
type GetItemEstimateResponse struct {
	XMLName   xml.Name           `xml:"GetItemEstimate: GetItemEstimate"`
	Status    EstimateStatus     `xml:"GetItemEstimate: Status,omitempty"`
	Responses []EstimateResponse `xml:"GetItemEstimate: Response"`
}

// EstimateResponse is the estimate for one collection.
type EstimateResponse struct {
	Status     EstimateStatus `xml:"GetItemEstimate: Status"`
	Collection EstimateResult `xml:"GetItemEstimate: Collection"`
}

// EstimateResult is a collection's estimated number of pending changes.
type EstimateResult struct {
	CollectionID string `xml:"GetItemEstimate: CollectionId"`
	Estimate     int    `xml:"GetItemEstimate: Estimate"`
}

// Err returns a *Error for a Status other than success, else nil.
func (r *EstimateResponse) Err() error {
	if r.Status == EstimateSuccess {
		return nil
	}
	return &Error{Command: "GetItemEstimate", Status: int(r.Status), Collection: r.Collection.CollectionID}
}
