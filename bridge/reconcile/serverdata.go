package reconcile

import (
	"encoding/xml"

	"github.com/cradle-sync/cradle/push"
)

// encodeData keeps the server's version of an item as XML in the state
// database; decodeData reads it back. Failures yield nil / zero, which the
// codecs treat as "previous version unknown".
func encodeData(d push.ItemData) []byte {
	if d.IsZero() {
		return nil
	}
	b, err := xml.Marshal(d)
	if err != nil {
		return nil
	}
	return b
}

func decodeData(b []byte) push.ItemData {
	var d push.ItemData
	if len(b) == 0 {
		return d
	}
	if err := xml.Unmarshal(b, &d); err != nil {
		return push.ItemData{}
	}
	return d
}
