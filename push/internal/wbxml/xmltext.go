package wbxml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"strings"
)

// ToXML converts a WBXML document to indented XML text, for debugging and
// tests. Each element whose code page differs from its parent's declares
// xmlns="Page:". An element whose content is OPAQUE is printed
// base64-encoded and marked with OpaqueAttr, so FromXML writes it as
// OPAQUE again. Elements mixing text and child elements (never seen in
// ActiveSync) are printed without indentation so their text stays exact.
// Decoding is bounded by DefaultLimits.
func ToXML(wbxml []byte) ([]byte, error) {
	toks, err := readAll(wbxml)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	var (
		stack   []xml.Name
		sole    []bool
		compact int  // > 0 inside a mixed-content element
		tagOpen bool // "<Name ..." written, ">" not yet
		inline  bool // the open element has text: its end tag follows on the same line
	)
	newline := func(depth int) {
		if compact == 0 {
			out.WriteString("\n" + strings.Repeat("  ", depth))
		}
	}
	for i, t := range toks {
		switch {
		case t.start:
			if tagOpen {
				out.WriteString(">")
			}
			if i > 0 {
				newline(len(stack))
			}
			out.WriteString("<" + t.name.Local)
			if len(stack) == 0 || stack[len(stack)-1].Space != t.name.Space {
				out.WriteString(` xmlns="` + t.name.Space + `"`)
			}
			stack = append(stack, t.name)
			sole = append(sole, t.sole)
			if compact > 0 || t.mixed {
				compact++
			}
			tagOpen, inline = true, false
		case t.end:
			stack, sole = stack[:len(stack)-1], sole[:len(sole)-1]
			switch {
			case tagOpen:
				out.WriteString("/>")
			case inline:
				out.WriteString("</" + t.name.Local + ">")
			default:
				newline(len(stack))
				out.WriteString("</" + t.name.Local + ">")
			}
			if compact > 0 {
				compact--
			}
			tagOpen, inline = false, false
		default:
			// The marker covers the whole element, so only an element
			// whose content is this one text can carry it.
			opaque := t.opaque && tagOpen && sole[len(sole)-1]
			if tagOpen {
				if opaque {
					out.WriteString(` xmlns:wbxml="` + OpaqueAttr.Space + `" wbxml:` + OpaqueAttr.Local + `="base64"`)
				}
				out.WriteString(">")
				tagOpen = false
			}
			switch {
			case opaque && !t.b64:
				out.WriteString(base64.StdEncoding.EncodeToString(t.text))
			case opaque:
				out.Write(t.text)
			default:
				// As the Decoder returned it: binary stays base64.
				xml.EscapeText(&out, t.text)
			}
			inline = true
		}
	}
	out.WriteString("\n")
	return out.Bytes(), nil
}

// textTok is one decoded token kept for ToXML's second pass.
type textTok struct {
	start, end bool
	name       xml.Name
	text       []byte // as the Decoder returned it
	opaque     bool   // text came from OPAQUE
	b64        bool   // text is the Decoder's base64 of binary OPAQUE
	mixed      bool   // start: the element has both text and child elements
	sole       bool   // start: the element's content is exactly one text token
}

// readAll decodes a whole document for ToXML: it drops blank text next to
// child elements (indentation to FromXML, so the XML form stays stable)
// and marks mixed-content elements and elements whose content is one text
// token, the only ones that can carry the opaque marker.
func readAll(wbxml []byte) ([]textTok, error) {
	d := NewDecoder(bytes.NewReader(wbxml), DefaultLimits)
	var (
		toks  []textTok
		open  []int // index in toks of each open start
		texts []int // text tokens kept in each open element
		child []bool
		b64   []bool // the open element's start carries OpaqueAttr
	)
	// settle ends the text run at the end of toks, at a child's start or
	// at the end of the run's element.
	settle := func(nearChild bool) {
		i := len(toks)
		for i > 0 && !toks[i-1].start && !toks[i-1].end {
			i--
		}
		blank := true
		for _, t := range toks[i:] {
			blank = blank && len(bytes.TrimSpace(t.text)) == 0
		}
		if nearChild && blank {
			toks = toks[:i]
			return
		}
		texts[len(texts)-1] += len(toks) - i
	}
	for {
		t, err := d.Token()
		if err == io.EOF {
			return toks, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if n := len(child); n > 0 {
				child[n-1] = true
				settle(true)
			}
			open = append(open, len(toks))
			texts, child = append(texts, 0), append(child, false)
			b64 = append(b64, hasOpaqueAttr(t))
			toks = append(toks, textTok{start: true, name: t.Name})
		case xml.EndElement:
			n := len(open)
			settle(child[n-1])
			toks[open[n-1]].mixed = texts[n-1] > 0 && child[n-1]
			toks[open[n-1]].sole = texts[n-1] == 1 && !child[n-1]
			open, texts, child, b64 = open[:n-1], texts[:n-1], child[:n-1], b64[:n-1]
			toks = append(toks, textTok{end: true, name: t.Name})
		case xml.CharData:
			if len(t) == 0 {
				continue
			}
			n := len(b64)
			toks = append(toks, textTok{text: bytes.Clone(t), opaque: d.lastOpaque, b64: d.lastOpaque && b64[n-1]})
			b64[n-1] = false // only the text right after the start is the Decoder's base64
		}
	}
}

// FromXML converts XML text to WBXML. Element namespaces select the code
// page ("AirSync:" or "AirSync"; libwbxml's tag spellings are accepted);
// indentation between elements is dropped; elements marked with
// OpaqueAttr are written as OPAQUE.
func FromXML(xmlText []byte) ([]byte, error) {
	var out bytes.Buffer
	enc := NewEncoder(&out)
	if err := copyTokens(enc, xml.NewDecoder(bytes.NewReader(xmlText))); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
