package wbxml

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenLibwbxml decodes WBXML that libwbxml's xml2wbxml wrote for the
// SOGo samples (committed, so this runs without the tools) and compares it
// with the XML it came from.
func TestGoldenLibwbxml(t *testing.T) {
	files, err := filepath.Glob("testdata/wbxml/*.wbxml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden WBXML files (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".wbxml"), ".strtbl")
			text := readFile(t, filepath.Join("testdata/sogo", base+".xml"))
			if d := diffTree(xmlTree(t, text), wbxmlTree(t, readFile(t, f)), ""); d != "" {
				t.Error(d)
			}
		})
	}
}

// FuzzDecode feeds arbitrary bytes to the Decoder under small limits. It
// must never panic and must fail only with *SyntaxError or *LimitError. A
// document it accepts must unmarshal into an Element, and when its text is
// representable as XML, its XML form must be stable under FromXML → ToXML
// and keep the element tree.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/wbxml/*.wbxml")
	for _, s := range seeds {
		f.Add(readFileF(f, s))
	}
	xmls, _ := filepath.Glob("testdata/*.xml")
	for _, s := range xmls {
		b, err := FromXML(readFileF(f, s))
		if err != nil {
			f.Fatalf("%s: %v", s, err)
		}
		f.Add(b)
	}
	f.Add(doc(0x45, 0xC3, 0x03, 0x00, 0xFF, 0x01, 0x01))
	f.Add(cat([]byte{0x03, 0x00, 0x00, 0x6A, 0x04}, []byte("Foo\x00"), []byte{0xC5, 0x05, 0x01, 0x04, 0x00, 0x83, 0x00, 0x01}))
	lim := Limits{MaxBytes: 1 << 20, MaxDepth: 16, MaxStringLen: 64 << 10, MaxTokens: 10000}
	f.Fuzz(func(t *testing.T, in []byte) {
		tree, err := readTree(NewDecoder(bytes.NewReader(in), lim))
		if err != nil {
			var se *SyntaxError
			var le *LimitError
			if !errors.As(err, &se) && !errors.As(err, &le) && err.Error() != "no root element" {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		// Unmarshal into a catch-all must agree with the token stream.
		var el Element
		if err := UnmarshalLimits(in, &el, lim); err != nil {
			t.Fatalf("tokens decoded but Unmarshal failed: %v", err)
		}
		if !representable(tree) {
			return
		}
		x, err := ToXML(in)
		if err != nil {
			t.Fatalf("ToXML failed on a decodable document: %v", err)
		}
		back, err := FromXML(x)
		if err != nil {
			if strings.Contains(err.Error(), "no tag") {
				return // a LITERAL tag name outside our tables
			}
			t.Fatalf("FromXML(ToXML): %v\n%s", err, x)
		}
		// The XML form is a fixed point after one round.
		x2, err := ToXML(back)
		if err != nil {
			t.Fatalf("ToXML(FromXML(ToXML)): %v", err)
		}
		if !bytes.Equal(x, x2) {
			t.Fatalf("XML form not stable:\n%s\n%s", x, x2)
		}
		// And the element tree survives.
		tree2, err := readTree(NewDecoder(bytes.NewReader(back), lim))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if d := diffTree(tree, tree2, ""); d != "" {
			t.Fatalf("round trip: %s\n%s", d, x)
		}
	})
}

// representable reports whether every text in the tree is printable XML
// and not blank inside an element with children (which XML tools treat
// as indentation).
func representable(n *node) bool {
	if !isPrintable([]byte(n.text)) {
		return false
	}
	for _, k := range n.kids {
		if !representable(k) {
			return false
		}
	}
	return true
}

func readFileF(f *testing.F, path string) []byte {
	f.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
