package reconcile

import (
	"errors"

	"github.com/cradle-sync/cradle/push"
)

// ErrNoUID is returned by Codec.UID for an item without a UID. Such items
// are still synced; the reconciler identifies them by file name.
var ErrNoUID = errors.New("item has no UID")

// Codec converts between one kind of local item (vCard, iCalendar) and the
// EAS item data of the same kind. Implementations live with the formats
// adapters; the reconciler only moves bytes.
type Codec interface {
	// Ext is the local file extension, ".vcf" or ".ics".
	Ext() string
	// UID returns the UID of a local item.
	UID(local []byte) (string, error)
	// ToEAS maps a local item to EAS data for the negotiated version.
	// base is the content last synced (nil for a new item): on 14.x a
	// field base had and local lacks is sent empty, which clears it.
	ToEAS(local, base []byte, v push.Version) (push.ItemData, error)
	// FromEAS applies the server's data onto the local item (nil for a new
	// one, which gets uid) and returns the new local bytes. Properties EAS
	// cannot carry are kept from local. prev is the server's previous
	// version (zero if unknown): a field it had and data lacks was deleted
	// on the server, while a field neither has is one the server does not
	// store and must be kept.
	FromEAS(data, prev push.ItemData, local []byte, uid string, v push.Version) ([]byte, error)
	// Merge combines both sides' edits since base property by property.
	// conflict reports that some property changed differently on both
	// sides; merged then holds the remote value for it.
	Merge(base, local, remote []byte) (merged []byte, conflict bool, err error)
	// MatchKey identifies an item by content, to re-link a server item with
	// a local one after sync state was lost: for data (EAS) or local bytes.
	// "" means "cannot match".
	MatchKey(data push.ItemData, local []byte) string
}
