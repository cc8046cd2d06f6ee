package wbxml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// needTool returns the path of a libwbxml2-utils program. Under CI=true a
// missing tool fails the test: the cross-check is the evidence that our
// tables and framing agree with an independent implementation.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (install Debian package libwbxml2-utils): %v", name, err)
		}
		t.Skipf("%s not found; install libwbxml2-utils to cross-check against libwbxml", name)
	}
	return p
}

func samples(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"testdata/sogo/*.req.xml", "testdata/sogo/*.resp.xml", "testdata/*.xml"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no XML samples in testdata")
	}
	sort.Strings(files)
	return files
}

// libwbxmlPages reports whether libwbxml knows every code page the sample
// uses; it has no table for page 25 (Find).
func libwbxmlPages(text []byte) bool {
	return !bytes.Contains(text, []byte(`"Find:"`))
}

func runTool(t *testing.T, tool string, args ...string) {
	t.Helper()
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(tool), strings.Join(args, " "), err, out)
	}
}

// TestLibwbxmlEncodeOurDecode: libwbxml's xml2wbxml encodes each sample,
// our Decoder must read back the same element tree.
func TestLibwbxmlEncodeOurDecode(t *testing.T) {
	tool := needTool(t, "xml2wbxml")
	dir := t.TempDir()
	for _, f := range samples(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !libwbxmlPages(text) {
				t.Skip("libwbxml has no table for this sample's code pages")
			}
			in := filepath.Join(dir, filepath.Base(f))
			if err := os.WriteFile(in, libwbxmlNames(t, text), 0o600); err != nil {
				t.Fatal(err)
			}
			out := in + ".wbxml"
			runTool(t, tool, "-v", "1.3", "-n", "-a", "-o", out, in)
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			// xml2wbxml base64-decodes libwbxml's binary elements into OPAQUE.
			eq := func(n xml.Name, src, ours string) bool { return libwbxmlTextEqual(n, ours, src) }
			if d := diffTreeFunc(xmlTree(t, text), wbxmlTree(t, b), "", eq); d != "" {
				t.Errorf("xml2wbxml → Decoder differs: %s", d)
			}
		})
	}
}

// TestLibwbxmlStringTable: with a string table (no -n), libwbxml writes
// repeated strings as STR_T references; the Decoder must resolve them.
func TestLibwbxmlStringTable(t *testing.T) {
	tool := needTool(t, "xml2wbxml")
	dir := t.TempDir()
	f := "testdata/sogo/07-sync-getchanges.resp.xml"
	out := filepath.Join(dir, "strtbl.wbxml")
	runTool(t, tool, "-v", "1.3", "-o", out, f)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte{tokStrT}) {
		t.Fatalf("xml2wbxml wrote no STR_T token; the test proves nothing:\n% X", b)
	}
	text, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffTree(xmlTree(t, text), wbxmlTree(t, b), ""); d != "" {
		t.Errorf("string-table document differs: %s", d)
	}
}

// TestOurEncodeLibwbxmlDecode: FromXML encodes each sample, libwbxml's
// wbxml2xml must print the same element tree.
func TestOurEncodeLibwbxmlDecode(t *testing.T) {
	tool := needTool(t, "wbxml2xml")
	dir := t.TempDir()
	for _, f := range samples(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !libwbxmlPages(text) {
				t.Skip("libwbxml has no table for this sample's code pages")
			}
			b, err := FromXML(text)
			if err != nil {
				t.Fatal(err)
			}
			in := filepath.Join(dir, filepath.Base(f)+".wbxml")
			out := filepath.Join(dir, filepath.Base(f)+".out.xml")
			if err := os.WriteFile(in, b, 0o600); err != nil {
				t.Fatal(err)
			}
			runTool(t, tool, "-l", "ACTIVESYNC", "-o", out, in)
			back, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if d := diffTreeFunc(xmlTree(t, text), xmlTree(t, back), "", libwbxmlTextEqual); d != "" {
				t.Errorf("FromXML → wbxml2xml differs: %s", d)
			}
		})
	}
}

// libwbxmlBinary are elements wbxml2xml prints base64-encoded whatever
// their wire form, because libwbxml declares them binary.
var libwbxmlBinary = map[xml.Name]bool{
	{Space: "Email2:", Local: "ConversationId"}:    true,
	{Space: "Email2:", Local: "ConversationIndex"}: true,
}

func libwbxmlTextEqual(n xml.Name, ours, theirs string) bool {
	if libwbxmlBinary[n] {
		return base64.StdEncoding.EncodeToString([]byte(ours)) == theirs
	}
	return ours == theirs
}

// libwbxmlNames rewrites spec tag names to libwbxml's spellings, which
// xml2wbxml requires (it writes unknown names as literals).
func libwbxmlNames(t *testing.T, text []byte) []byte {
	t.Helper()
	rev := make(map[xml.Name]string)
	for page, m := range aliases {
		p := tables.pageOfNS[page]
		for alias, tok := range m {
			rev[tables.names[p][tok]] = alias
		}
	}
	var out bytes.Buffer
	// xml2wbxml picks its tables by the document type.
	out.WriteString(`<?xml version="1.0"?>` + "\n" +
		`<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">` + "\n")
	d := xml.NewDecoder(bytes.NewReader(text))
	e := xml.NewEncoder(&out)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tt := tok.(type) {
		case xml.StartElement:
			n := canonical(tt.Name)
			if a, ok := rev[n]; ok {
				n.Local = a
			}
			if n.Space == "GAL:" {
				n.Space = "Gal:"
			}
			tok = xml.StartElement{Name: n}
		case xml.EndElement:
			n := canonical(tt.Name)
			if a, ok := rev[n]; ok {
				n.Local = a
			}
			if n.Space == "GAL:" {
				n.Space = "Gal:"
			}
			tok = xml.EndElement{Name: n}
		case xml.ProcInst, xml.Directive, xml.Comment:
			continue
		}
		if err := e.EncodeToken(tok); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// libwbxmlMissing lists tokens our tables have (from MS-ASWBXML) that
// libwbxml 0.11 does not know.
var libwbxmlMissing = map[tagKey]bool{
	{8, 0x10}: true, {8, 0x11}: true, // MeetingResponse ProposedStartTime/EndTime (16.0)
	{14, 0x3B}: true, // Provision AccountOnlyRemoteWipe (16.1)
}

// TestLibwbxmlTokenTables encodes every tag of pages 0–24 and checks that
// wbxml2xml names each one with a spelling we map to the same token. This
// pins every token number against an independent table.
func TestLibwbxmlTokenTables(t *testing.T) {
	tool := needTool(t, "wbxml2xml")
	dir := t.TempDir()
	for p := 0; p < 25; p++ {
		ns := tables.ns[p]
		t.Run(ns, func(t *testing.T) {
			var toks []byte
			for tok := range pages[p].tags {
				if !libwbxmlMissing[tagKey{byte(p), tok}] {
					toks = append(toks, tok)
				}
			}
			sort.Slice(toks, func(i, j int) bool { return toks[i] < toks[j] })
			var buf bytes.Buffer
			enc := NewEncoder(&buf)
			must := func(err error) {
				if err != nil {
					t.Fatal(err)
				}
			}
			root := xml.Name{Space: "AirSync:", Local: "Sync"}
			must(enc.EncodeToken(xml.StartElement{Name: root}))
			for _, tok := range toks {
				n := tables.names[p][tok]
				must(enc.EncodeToken(xml.StartElement{Name: n}))
				must(enc.EncodeToken(xml.EndElement{Name: n}))
			}
			must(enc.EncodeToken(xml.EndElement{Name: root}))
			must(enc.Close())
			in := filepath.Join(dir, "page.wbxml")
			out := filepath.Join(dir, "page.xml")
			must(os.WriteFile(in, buf.Bytes(), 0o600))
			runTool(t, tool, "-l", "ACTIVESYNC", "-o", out, in)
			back, err := os.ReadFile(out)
			must(err)
			tree := xmlTree(t, back)
			if len(tree.kids) != len(toks) {
				t.Fatalf("wbxml2xml printed %d elements, want %d", len(tree.kids), len(toks))
			}
			for i, k := range tree.kids {
				if want := tables.names[p][toks[i]]; k.name != want {
					t.Errorf("token 0x%02X: libwbxml's name maps to %v, ours is %v", toks[i], k.name, want)
				}
			}
		})
	}
}
