package devicesync

import "github.com/cradle-sync/cradle/bridge/device"

// The helpers below pick the contact or the calendar form of what Sync
// does with an item, by the pairing's kind.

func (p *Pairing) kind() device.Kind {
	if p.Kind == "" {
		return device.Contacts
	}
	return p.Kind
}

// itemWithUID returns a device item ready to be stored locally and its
// UID, adding a new UID when the device kept none.
func itemWithUID(kind device.Kind, name string, data []byte) (string, []byte, error) {
	if kind == device.Contacts {
		return withUID(name, data)
	}
	return eventWithUID(name, data)
}

// mergeEdit applies the device's edit (deviceBase → deviceNow) onto the
// local item.
func mergeEdit(kind device.Kind, name string, deviceBase, local, deviceNow []byte) ([]byte, error) {
	if kind == device.Contacts {
		return mergeDeviceEdit(name, deviceBase, local, deviceNow)
	}
	return mergeDeviceEventEdit(name, deviceBase, local, deviceNow)
}

// sameItem reports whether two device renderings can be one item edited.
func sameItem(kind device.Kind, before, after []byte) bool {
	if kind == device.Contacts {
		return sameContact(before, after)
	}
	return sameEvent(before, after)
}

// itemExt is the file extension of the kind's items.
func itemExt(kind device.Kind) string {
	if kind == device.Contacts {
		return ".vcf"
	}
	return ".ics"
}
