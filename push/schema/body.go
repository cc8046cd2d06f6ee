package schema

// BodyType is the AirSyncBase body format (MS-ASAIRS 2.2.2.22.1).
type BodyType int

// Body formats a server may return or accept.
const (
	BodyPlain BodyType = 1
	BodyHTML  BodyType = 2
	BodyRTF   BodyType = 3
	BodyMIME  BodyType = 4
)

// Body is an item's note or description (AirSyncBase:Body).
//
// Truncated reports whether the server cut Data; Cradle asks for untruncated
// bodies, so a truncated body must never overwrite a complete local one.
type Body struct {
	Type              BodyType `xml:"AirSyncBase: Type"`
	EstimatedDataSize *int64   `xml:"AirSyncBase: EstimatedDataSize"`
	Truncated         *Bool    `xml:"AirSyncBase: Truncated"`
	Data              *string  `xml:"AirSyncBase: Data"`
	Preview           *string  `xml:"AirSyncBase: Preview"`
}

// Bool is an ActiveSync boolean, written as 0 or 1. Servers also send an
// empty element for true in a few places; UnmarshalText treats empty as true.
type Bool bool

// MarshalText writes 1 or 0.
func (b Bool) MarshalText() ([]byte, error) {
	if b {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}

// UnmarshalText reads 1/0, true/false, or an empty element (true).
func (b *Bool) UnmarshalText(p []byte) error {
	switch string(p) {
	case "1", "true", "TRUE", "True", "":
		*b = true
	default:
		*b = false
	}
	return nil
}
