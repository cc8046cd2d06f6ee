package devicesync

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/store"
)

// stateVersion is the format of the state file; a file of another
// version is refused rather than misread.
const stateVersion = 1

// maxStateSize bounds the state file read back: it holds one base copy per
// item, and a phonebook of tens of thousands of cards stays far below it.
const maxStateSize = 256 << 20

// pair is what the last sync agreed on for one item present on both sides.
type pair struct {
	DeviceKey  string `json:"device_key"`
	DeviceHash string `json:"device_hash"`
	LocalHref  string `json:"local_href"`
	LocalEtag  string `json:"local_etag"`
	LocalHash  string `json:"local_hash"`
	// Base is the local item's bytes as last agreed.
	Base []byte `json:"base"`
	// DeviceBase is the device's rendering of the item as last seen. It
	// is the base for merging a device edit onto the local item: both
	// come from the same device conversion, so fields the device does not
	// keep are equal (absent) in both and never look deleted.
	DeviceBase []byte `json:"device_base"`
}

type stateFile struct {
	Version int    `json:"version"`
	Pairs   []pair `json:"pairs"`
}

func loadState(path string) ([]pair, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read pairing state: %w", err)
	}
	defer f.Close()
	var st stateFile
	dec := json.NewDecoder(&limitedReader{f: f, left: maxStateSize})
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("read pairing state %s: %w", path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("read pairing state %s: version %d, want %d", path, st.Version, stateVersion)
	}
	return st.Pairs, nil
}

func saveState(path string, pairs []pair) error {
	data, err := json.Marshal(stateFile{Version: stateVersion, Pairs: pairs})
	if err != nil {
		return fmt.Errorf("encode pairing state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write pairing state: %w", err)
	}
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write pairing state: %w", err)
	}
	return nil
}

// limitedReader fails, rather than truncating silently, once more than
// left bytes were read.
type limitedReader struct {
	f    *os.File
	left int64
}

func (r *limitedReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, fmt.Errorf("state file larger than %d bytes", maxStateSize)
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.f.Read(p)
	r.left -= int64(n)
	return n, err
}

// localChanged reports whether the local item moved from what p recorded.
// A listing's etag names stat data only, so when that moved (a touch, a
// copy) the content hash decides; data is the item when it had to be read.
func (p *pair) localChanged(e store.Entry, get func() ([]byte, store.Entry, error)) (changed bool, data []byte, ne store.Entry, err error) {
	if store.Etag(p.LocalEtag).Same(e.Etag) {
		return false, nil, e, nil
	}
	data, ne, err = get()
	if err != nil {
		return false, nil, e, err
	}
	return store.ContentHash(data) != p.LocalHash, data, ne, nil
}
