package bomb

import (
	"bytes"
	"errors"
	"testing"
)

func TestSizeMatchesOutput(t *testing.T) {
	for _, s := range []Sync{
		{CollectionID: "c", SyncKey: "2", Items: 3},
		{CollectionID: "c", SyncKey: "2", Items: 2, Filler: 100, Photo: 40000, PhotoItems: 2},
		{CollectionID: "c", SyncKey: "2", Items: 5, Bare: true},
	} {
		var b bytes.Buffer
		n, err := s.WriteTo(&b)
		if err != nil || n != int64(b.Len()) || s.Size() != n {
			t.Errorf("%+v: wrote %d (buffer %d, Size %d), err %v", s, n, b.Len(), s.Size(), err)
		}
		if !bytes.HasPrefix(b.Bytes(), header) || !bytes.HasSuffix(b.Bytes(), []byte{end, end, end, end}) {
			t.Errorf("%+v: not a complete document", s)
		}
	}
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("hung up")
	}
	return len(p), nil
}

// A server whose client hung up stops generating at once.
func TestWriteToStopsWhenTheClientHangsUp(t *testing.T) {
	n, err := (Sync{CollectionID: "c", SyncKey: "2", Items: 1 << 30, Filler: 1000}).WriteTo(&failAfter{n: 1 << 20})
	if err == nil || n > 1<<20 {
		t.Fatalf("wrote %d bytes, err %v; want a stop at the first failed write", n, err)
	}
}

func TestNestedDepth(t *testing.T) {
	b := Nested(10)
	if len(b) != len(header)+1+10 {
		t.Fatalf("%d bytes, want header, Sync and 10 Collections", len(b))
	}
}
