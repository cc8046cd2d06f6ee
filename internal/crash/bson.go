package crash

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// syncCache reads the "SyncCache" of SOGo's per-device folder metadata:
// a BSON document mapping each item's DAV name to the c_lastmodified of
// the version SOGo last sent to (or received from) the device, or 0 when
// SOGo means to send it again. Only the types SOGo writes there are
// understood.
func syncCache(doc []byte) (map[string]int64, error) {
	var out map[string]int64
	err := walkBSON(doc, 0, func(name string, typ byte, val []byte) error {
		if name != "SyncCache" || typ != 0x03 {
			return nil
		}
		out = map[string]int64{}
		return walkBSON(val, 0, func(item string, t byte, v []byte) error {
			switch t {
			case 0x10:
				out[item] = int64(int32(binary.LittleEndian.Uint32(v)))
			case 0x12:
				out[item] = int64(binary.LittleEndian.Uint64(v))
			case 0x02:
				// "0" (send again) or, for items the device added,
				// fractional seconds ("1795671309.536943").
				f, err := strconv.ParseFloat(strings.TrimRight(string(v[4:]), "\x00"), 64)
				if err != nil {
					return fmt.Errorf("SyncCache %s: %w", item, err)
				}
				out[item] = int64(f)
			default:
				return fmt.Errorf("SyncCache %s: BSON type %#x", item, t)
			}
			return nil
		})
	})
	if err == nil && out == nil {
		err = errors.New("no SyncCache")
	}
	return out, err
}

// walkBSON calls fn with each element of the document at doc[0:] and its
// raw value (a nested document's bytes for types 3 and 4). depth bounds
// nesting: the input is a server's bytes.
func walkBSON(doc []byte, depth int, fn func(name string, typ byte, val []byte) error) error {
	if depth > 8 {
		return errors.New("BSON nested too deep")
	}
	if len(doc) < 5 {
		return errors.New("BSON document too short")
	}
	n := int(binary.LittleEndian.Uint32(doc))
	if n < 5 || n > len(doc) || doc[n-1] != 0 {
		return fmt.Errorf("BSON length %d of %d bytes", n, len(doc))
	}
	b := doc[4 : n-1]
	for len(b) > 0 {
		typ := b[0]
		end := strings.IndexByte(string(b[1:]), 0)
		if end < 0 {
			return errors.New("BSON name not terminated")
		}
		name := string(b[1 : 1+end])
		b = b[2+end:]
		size := 0
		switch typ {
		case 0x01, 0x09, 0x12:
			size = 8
		case 0x08:
			size = 1
		case 0x0A:
			size = 0
		case 0x10:
			size = 4
		case 0x02, 0x03, 0x04, 0x05, 0x11:
			// SOGo writes dates as type 0x11 (a timestamp in BSON) but
			// encodes them as strings ("2026-11-26 05:32:14 +0000").
			if len(b) < 4 {
				return fmt.Errorf("BSON %s truncated", name)
			}
			size = int(binary.LittleEndian.Uint32(b))
			switch typ {
			case 0x02, 0x11:
				size += 4
			case 0x05:
				size += 5
			}
		default:
			return fmt.Errorf("BSON %s: type %#x not understood", name, typ)
		}
		if size < 0 || size > len(b) {
			return fmt.Errorf("BSON %s truncated", name)
		}
		val := b[:size]
		if typ == 0x03 || typ == 0x04 {
			// Checked here so a nested error names its place.
			if err := walkBSON(val, depth+1, func(string, byte, []byte) error { return nil }); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		if err := fn(name, typ, val); err != nil {
			return err
		}
		b = b[size:]
	}
	return nil
}
