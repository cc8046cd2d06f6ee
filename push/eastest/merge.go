package eastest

import (
	"encoding/xml"

	"github.com/cradle-sync/cradle/push"
)

var pictureName = xml.Name{Space: "Contacts:", Local: "Picture"}

// element is one top-level element of an ApplicationData.
type element struct {
	name   xml.Name
	tokens []xml.Token // start … end
}

func (e element) empty() bool {
	for _, t := range e.tokens[1 : len(e.tokens)-1] {
		if cd, ok := t.(xml.CharData); !ok || len(cd) > 0 {
			return false
		}
	}
	return true
}

func split(d push.ItemData) []element {
	var out []element
	depth := 0
	for _, t := range d.Tokens() {
		switch t := t.(type) {
		case xml.StartElement:
			if depth == 0 {
				out = append(out, element{name: t.Name})
			}
			depth++
		case xml.EndElement:
			depth--
		}
		if len(out) > 0 {
			out[len(out)-1].tokens = append(out[len(out)-1].tokens, t)
		}
	}
	return out
}

func join(els []element) push.ItemData {
	var toks []xml.Token
	for _, e := range els {
		toks = append(toks, e.tokens...)
	}
	d, _ := push.ItemDataFromTokens(toks) // balanced by construction
	return d
}

// merge14 applies an EAS 14.x Change: elements the change names replace all
// old elements of that name (an empty one clears it), the rest are kept.
func merge14(old, change push.ItemData) push.ItemData {
	named := map[xml.Name]bool{}
	chEls := split(change)
	for _, e := range chEls {
		named[e.name] = true
	}
	var out []element
	for _, e := range split(old) {
		if !named[e.name] {
			out = append(out, e)
		}
	}
	for _, e := range chEls {
		if !e.empty() {
			out = append(out, e)
		}
	}
	return join(out)
}

// replace16 applies an EAS 16.x Change: the change is the new item, except
// that an omitted Contacts:Picture keeps the old photo and an empty one
// deletes it.
func replace16(old, change push.ItemData) push.ItemData {
	chEls := split(change)
	var out []element
	hasPicture := false
	for _, e := range chEls {
		if e.name == pictureName {
			hasPicture = true
			if e.empty() {
				continue
			}
		}
		out = append(out, e)
	}
	if !hasPicture {
		for _, e := range split(old) {
			if e.name == pictureName {
				out = append(out, e)
			}
		}
	}
	return join(out)
}

// invalid16 reports whether data has an empty element 16.x rejects.
func invalid16(data push.ItemData) bool {
	for _, n := range data.EmptyElements() {
		if n != pictureName {
			return true
		}
	}
	return false
}
