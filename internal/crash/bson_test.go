package crash

import (
	"encoding/base64"
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

// bsonDoc encodes elements (type, name, raw value) as a BSON document.
func bsonDoc(elems ...[]byte) []byte {
	var body []byte
	for _, e := range elems {
		body = append(body, e...)
	}
	out := binary.LittleEndian.AppendUint32(nil, uint32(len(body)+5))
	return append(append(out, body...), 0)
}

func bsonElem(typ byte, name string, val []byte) []byte {
	return append(append([]byte{typ}, append([]byte(name), 0)...), val...)
}

func bsonInt32(v int32) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }

func bsonString(s string) []byte {
	return append(binary.LittleEndian.AppendUint32(nil, uint32(len(s)+1)), append([]byte(s), 0)...)
}

func TestSyncCache(t *testing.T) {
	cache := bsonDoc(
		bsonElem(0x10, "seed-c00059.vcf", bsonInt32(1795670886)),
		bsonElem(0x02, "srv-c00001.vcf", bsonString("0")),
		bsonElem(0x02, "7BB1-6B07C500-791-5A680A80.vcf", bsonString("1795671309.536943")),
		bsonElem(0x12, "big.vcf", binary.LittleEndian.AppendUint64(nil, 1<<40)),
	)
	good := bsonDoc(
		bsonElem(0x03, "FolderOptions", bsonDoc(bsonElem(0x02, "FilterType", bsonString("0")))),
		bsonElem(0x02, "SyncKey", bsonString("1795671074")),
		bsonElem(0x03, "DateCache", bsonDoc()),
		bsonElem(0x03, "SyncCache", cache),
	)
	tests := []struct {
		name string
		doc  []byte
		want map[string]int64
		err  string
	}{
		{"cache", good, map[string]int64{"seed-c00059.vcf": 1795670886, "srv-c00001.vcf": 0, "7BB1-6B07C500-791-5A680A80.vcf": 1795671309, "big.vcf": 1 << 40}, ""},
		{"no cache", bsonDoc(bsonElem(0x02, "SyncKey", bsonString("1"))), nil, "no SyncCache"},
		{"truncated", good[:len(good)-3], nil, "BSON length"},
		{"too short", []byte{1, 0}, nil, "too short"},
		{"not a number", bsonDoc(bsonElem(0x03, "SyncCache", bsonDoc(bsonElem(0x02, "x", bsonString("soon"))))), nil, "invalid syntax"},
		{"odd type in cache", bsonDoc(bsonElem(0x03, "SyncCache", bsonDoc(bsonElem(0x08, "x", []byte{1})))), nil, "type 0x8"},
		{"unknown type", bsonDoc(bsonElem(0x7f, "x", nil)), nil, "not understood"},
		{"lying string length", bsonDoc(bsonElem(0x02, "x", []byte{0xff, 0xff, 0, 0})), nil, "truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := syncCache(tc.doc)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("syncCache = %v, %v; want error with %q", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("syncCache = %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("syncCache[%s] = %d, want %d", k, got[k], v)
				}
			}
		})
	}
}

// The metadata SOGo 5.8 stored for a device's address book after a crash
// run: the SyncCache lists every contact with its c_lastmodified.
// For events SOGo keys the cache by server id (the DAV name without .ics)
// and keeps a DateCache of end dates beside it.
func TestSyncCacheFromSOGo(t *testing.T) {
	tests := []struct {
		file, item string
		min        int
	}{
		{"sogo-synccache.b64", "seed-c00059.vcf", 150},
		{"sogo-synccache-events.b64", "seed-e00207", 40},
	}
	for _, tc := range tests {
		got, err := syncCache(sogoSample(t, tc.file))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if got[tc.item] < 1795670000 {
			t.Errorf("%s: %s = %d, want a time of the run", tc.file, tc.item, got[tc.item])
		}
		if len(got) < tc.min {
			t.Errorf("%s: %d entries, want the whole collection", tc.file, len(got))
		}
	}
}

func sogoSample(t testing.TB, name string) []byte {
	b64, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b64)), ""))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func FuzzSyncCache(f *testing.F) {
	f.Add(sogoSample(f, "sogo-synccache.b64"))
	f.Add(sogoSample(f, "sogo-synccache-events.b64"))
	f.Add(bsonDoc(bsonElem(0x03, "SyncCache", bsonDoc(bsonElem(0x10, "a.vcf", bsonInt32(1))))))
	f.Fuzz(func(t *testing.T, doc []byte) {
		syncCache(doc) // must not panic
	})
}
