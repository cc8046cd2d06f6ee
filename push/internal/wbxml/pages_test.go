package wbxml

import (
	"encoding/xml"
	"testing"
)

func TestNamespace(t *testing.T) {
	for p, want := range map[int]string{0: "AirSync:", 1: "Contacts:", 12: "Contacts2:", 16: "GAL:", 17: "AirSyncBase:", 25: "Find:"} {
		if got, ok := Namespace(p); !ok || got != want {
			t.Errorf("Namespace(%d) = %q, %v; want %q", p, got, ok, want)
		}
	}
	for _, p := range []int{-1, 26, 255} {
		if _, ok := Namespace(p); ok {
			t.Errorf("Namespace(%d) exists", p)
		}
	}
}

// TestTablesConsistent: every name maps back to its own token, aliases
// never shadow another token's spec name, and names are valid XML names.
func TestTablesConsistent(t *testing.T) {
	if numPages != 26 {
		t.Fatalf("%d code pages, want 26 (0–25)", numPages)
	}
	for p, pg := range pages {
		seen := map[string]byte{}
		for tok, n := range pg.tags {
			if tok < firstTagToken || tok > tagMask {
				t.Errorf("%s: token 0x%02X outside 0x05–0x3F", pg.name, tok)
			}
			if prev, dup := seen[n]; dup {
				t.Errorf("%s: %s is both 0x%02X and 0x%02X", pg.name, n, prev, tok)
			}
			seen[n] = tok
			if !isName([]byte(n)) {
				t.Errorf("%s: %q is not an XML name", pg.name, n)
			}
			if got := tables.tokens[p][n]; got != tok {
				t.Errorf("%s: %s encodes as 0x%02X, want 0x%02X", pg.name, n, got, tok)
			}
			if got := tables.starts[p][tok].(xml.StartElement).Name; got != (xml.Name{Space: pg.name + ":", Local: n}) {
				t.Errorf("%s: token 0x%02X decodes as %v", pg.name, tok, got)
			}
		}
		for alias, tok := range aliases[pg.name] {
			if _, ok := pg.tags[tok]; !ok {
				t.Errorf("%s: alias %s for unassigned token 0x%02X", pg.name, alias, tok)
			}
			if spec, clash := seen[alias]; clash && spec != tok {
				t.Errorf("%s: alias %s shadows spec tag 0x%02X", pg.name, alias, spec)
			}
		}
	}
	for name := range aliases {
		if _, ok := tables.pageOfNS[name]; !ok {
			t.Errorf("aliases for unknown page %s", name)
		}
	}
}
