package contact

import (
	"github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/push/schema"
)

// Version is the negotiated ActiveSync protocol version, e.g. "14.1".
type Version string

// Protocol versions whose write rules differ.
const (
	V141 Version = "14.1"
	V161 Version = "16.1"
)

// replaces reports whether a Change replaces the whole item (16.x), where
// an omitted field is deleted and empty elements are rejected.
func (v Version) replaces() bool { return len(v) >= 2 && v[:2] >= "16" }

// Options tunes ToEAS.
type Options struct {
	// Version selects the 14.x or 16.x write rules; empty means 16.1.
	Version Version
	// MaxPicture caps Picture in bytes of base64 text; 0 means
	// schema.ContactPictureMax. Larger photos stay local and are reported.
	MaxPicture int
	// Previous is the card as last synced, if any. On 14.x a field it
	// filled that the card no longer has is sent as an empty element, which
	// is how 14.x clears a field (omitting it keeps the server's value).
	Previous *vcard.Card
	// PreviousEAS is the server's version of the item as of the last sync,
	// if known. FromEAS uses it to tell a field the server deleted (it had
	// a value then) from one the server never held (a server that does not
	// store, say, YomiFirstName): only the former removes local data.
	PreviousEAS *schema.Contact
}

func (o Options) version() Version {
	if o.Version == "" {
		return V161
	}
	return o.Version
}

func (o Options) maxPicture() int {
	if o.MaxPicture <= 0 || o.MaxPicture > schema.ContactPictureMax {
		return schema.ContactPictureMax
	}
	return o.MaxPicture
}
