package ical

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

const corpusDir = "../testdata/corpus/ical"

func corpusGlob() ([]string, error) { return filepath.Glob(filepath.Join(corpusDir, "*")) }

func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := corpusGlob()
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus missing in %s: %v", corpusDir, err)
	}
	return files
}

// TestCorpusReadWriteRead reads every corpus file, writes it back and reads
// the output again: the second read must see the same components and
// properties, with no issues, and the writer's output must be stable.
func TestCorpusReadWriteRead(t *testing.T) {
	for _, f := range corpusFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Read(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			var out bytes.Buffer
			if err := Encode(&out, doc.Calendars...); err != nil {
				t.Fatalf("encode: %v", err)
			}
			doc2, err := Read(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatalf("re-read: %v", err)
			}
			for _, is := range doc2.Issues {
				t.Errorf("re-read issue: %v", is)
			}
			if got, want := count(doc2.Calendars), count(doc.Calendars); got != want {
				t.Errorf("re-read: %v components/props, want %v", got, want)
			}
			var out2 bytes.Buffer
			if err := Encode(&out2, doc2.Calendars...); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), out2.Bytes()) {
				t.Errorf("writer output not stable across a round trip")
			}
			if !bytes.Equal(data, mustReadFile(t, f)) {
				t.Errorf("input file modified")
			}
		})
	}
}

func mustReadFile(t *testing.T, f string) []byte {
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func count(cs []*Component) [2]int {
	var n [2]int
	var walk func(c *Component)
	walk = func(c *Component) {
		n[0]++
		n[1] += len(c.Props)
		for _, ch := range c.Children {
			walk(ch)
		}
	}
	for _, c := range cs {
		walk(c)
	}
	return n
}
