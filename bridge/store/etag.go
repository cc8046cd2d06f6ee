package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Etag names one version of an item. It is opaque to callers, who only keep
// it and hand it back as a write condition, but its form is stable so it can
// be persisted: "f:<size>:<mtime ns>:<inode>" for a file identified by its
// stat data, optionally followed by "+h:<hash>" when the content hash is
// known, or "h:<hash>" for an item identified by content only.
//
// Stat data is cheap and changes on every write, but also on a mere touch;
// the content hash, computed lazily only when the stat data moved, tells a
// touch from an edit.
type Etag string

// hashLen is the number of hex digits of SHA-256 kept: 128 bits is plenty
// to tell versions of one item apart.
const hashLen = 32

// ContentHash returns the hex content hash used in etags.
func ContentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:hashLen]
}

func fileEtag(fp Fingerprint, hash string) Etag {
	e := fmt.Sprintf("f:%d:%d:%d", fp.Size, fp.ModTime, fp.Inode)
	if hash != "" {
		e += "+h:" + hash
	}
	return Etag(e)
}

func hashEtag(hash string) Etag { return Etag("h:" + hash) }

// Same reports whether e and o name the same version, comparing the parts
// both carry: equal stat data, or else equal content hashes. Etags from
// List carry stat data only and etags from Get, Create and Update carry
// both, so compare etags with Same, not with ==. Two empty etags are not
// the same version of anything.
func (e Etag) Same(o Etag) bool {
	es, eh := e.parts()
	ost, oh := o.parts()
	if es != "" && es == ost {
		return true
	}
	return eh != "" && eh == oh
}

// parts splits an etag into its stat part and its hash, either possibly empty.
func (e Etag) parts() (stat, hash string) {
	s := string(e)
	if h, ok := strings.CutPrefix(s, "h:"); ok {
		return "", h
	}
	if i := strings.Index(s, "+h:"); i >= 0 {
		return s[:i], s[i+3:]
	}
	return s, ""
}

// matchFile reports whether the file version (fp, and its content hash
// computed on demand by hashFn) is the version e names.
func (e Etag) matchFile(fp Fingerprint, hashFn func() (string, error)) (bool, error) {
	stat, hash := e.parts()
	if stat != "" {
		if cur, _ := fileEtag(fp, "").parts(); cur == stat {
			return true, nil
		}
	}
	if hash == "" {
		return false, nil
	}
	cur, err := hashFn()
	if err != nil {
		return false, err
	}
	return cur == hash, nil
}

// fingerprint returns the file stat data e carries, if it carries any.
func (e Etag) fingerprint() (Fingerprint, bool) {
	stat, _ := e.parts()
	rest, ok := strings.CutPrefix(stat, "f:")
	if !ok {
		return Fingerprint{}, false
	}
	var fp Fingerprint
	if _, err := fmt.Sscanf(rest, "%d:%d:%d", &fp.Size, &fp.ModTime, &fp.Inode); err != nil {
		return Fingerprint{}, false
	}
	// Only an exact round trip counts: trailing junk is not stat data.
	if cur, _ := fileEtag(fp, "").parts(); cur != stat {
		return Fingerprint{}, false
	}
	return fp, true
}
