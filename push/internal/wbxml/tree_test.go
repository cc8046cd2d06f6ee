package wbxml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// node is an element tree for comparing documents independently of their
// encoding: names are canonical (spec spelling), text is the concatenated
// character data, and whitespace-only text of elements with children is
// dropped as indentation.
type node struct {
	name xml.Name
	text string
	kids []*node
}

// canonical maps a name in any accepted spelling (libwbxml's aliases, bare
// namespaces) to the spec name the Decoder produces.
func canonical(n xml.Name) xml.Name {
	p, ok := tables.pageOfNS[n.Space]
	if !ok {
		return n
	}
	tok, ok := tables.tokens[p][n.Local]
	if !ok {
		return n
	}
	return tables.names[p][tok]
}

// readTree builds a tree from any token source. Text is kept in runs
// between child elements; a blank run in an element with children is
// indentation and dropped, the same rule FromXML applies.
func readTree(src xml.TokenReader) (*node, error) {
	var root *node
	var stack []*node
	var run []string // current text run per open element
	flush := func(dropBlank bool) {
		n := len(stack) - 1
		if !(dropBlank && strings.TrimSpace(run[n]) == "") {
			stack[n].text += run[n]
		}
		run[n] = ""
	}
	for {
		t, err := src.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			n := &node{name: canonical(t.Name)}
			if len(stack) > 0 {
				flush(true)
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
			run = append(run, "")
		case xml.CharData:
			if len(stack) > 0 {
				run[len(run)-1] += string(t)
			}
		case xml.EndElement:
			flush(len(stack[len(stack)-1].kids) > 0)
			stack, run = stack[:len(stack)-1], run[:len(run)-1]
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

func xmlTree(t *testing.T, text []byte) *node {
	t.Helper()
	n, err := readTree(xml.NewDecoder(bytes.NewReader(text)))
	if err != nil {
		t.Fatalf("parse XML: %v", err)
	}
	return n
}

func wbxmlTree(t *testing.T, b []byte) *node {
	t.Helper()
	n, err := readTree(NewDecoder(bytes.NewReader(b), DefaultLimits))
	if err != nil {
		t.Fatalf("decode WBXML: %v", err)
	}
	return n
}

// diffTree returns the first difference between two trees, or "".
func diffTree(a, b *node, path string) string {
	return diffTreeFunc(a, b, path, func(_ xml.Name, x, y string) bool { return x == y })
}

// diffTreeFunc is diffTree with a custom text comparison.
func diffTreeFunc(a, b *node, path string, textEqual func(n xml.Name, a, b string) bool) string {
	path += "/" + a.name.Space + a.name.Local
	if a.name != b.name {
		return fmt.Sprintf("%s: element %v vs %v", path, a.name, b.name)
	}
	if !textEqual(a.name, a.text, b.text) {
		return fmt.Sprintf("%s: text %q vs %q", path, a.text, b.text)
	}
	if len(a.kids) != len(b.kids) {
		return fmt.Sprintf("%s: %d children vs %d", path, len(a.kids), len(b.kids))
	}
	for i := range a.kids {
		if d := diffTreeFunc(a.kids[i], b.kids[i], path, textEqual); d != "" {
			return d
		}
	}
	return ""
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
