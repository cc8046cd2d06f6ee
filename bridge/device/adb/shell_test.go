package adb

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func packet(id byte, data string) []byte {
	b := make([]byte, 5+len(data))
	b[0] = id
	binary.LittleEndian.PutUint32(b[1:], uint32(len(data)))
	copy(b[5:], data)
	return b
}

func TestReadShellV2(t *testing.T) {
	var stream []byte
	stream = append(stream, packet(1, "Row: 0 _id=1\n")...)
	stream = append(stream, packet(2, "warning\n")...)
	stream = append(stream, packet(3, "\x02")...)
	res, err := readShellV2(bytes.NewReader(stream))
	if err != nil || string(res.stdout) != "Row: 0 _id=1\n" || string(res.stderr) != "warning\n" || res.exit != 2 {
		t.Fatalf("res %+v err %v", res, err)
	}
	// A stream cut before the exit packet is an error, not success.
	if _, err := readShellV2(bytes.NewReader(stream[:len(stream)-6])); err == nil {
		t.Fatal("truncated stream accepted")
	}
	// A length beyond MaxOutput is refused before allocating.
	huge := []byte{1, 0xff, 0xff, 0xff, 0x7f}
	if _, err := readShellV2(bytes.NewReader(huge)); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("huge packet: %v", err)
	}
}

func TestReadLegacy(t *testing.T) {
	res, err := readLegacy(strings.NewReader("Row: 0 _id=1\r\nCRADLE_EXIT:0\r\n"))
	if err != nil || string(res.stdout) != "Row: 0 _id=1\n" || res.exit != 0 {
		t.Fatalf("res %+v err %v", res, err)
	}
	res, _ = readLegacy(strings.NewReader("killed"))
	if res.exit != -1 {
		t.Fatalf("missing trailer gave exit %d", res.exit)
	}
}

func FuzzReadShellV2(f *testing.F) {
	f.Add(append(packet(1, "out"), packet(3, "\x00")...))
	f.Add([]byte{3, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := readShellV2(bytes.NewReader(data))
		if err == nil && len(res.stdout)+len(res.stderr) > len(data) {
			t.Fatalf("more output than input")
		}
	})
}
