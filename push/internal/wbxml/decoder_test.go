package wbxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// hdr is the header every ActiveSync peer sends: WBXML 1.3, unknown public
// id, UTF-8, empty string table.
var hdr = []byte{0x03, 0x01, 0x6A, 0x00}

func doc(body ...byte) []byte { return append(append([]byte{}, hdr...), body...) }

func str(s string) []byte { return append(append([]byte{tokStrI}, s...), 0) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// render prints a token stream compactly: <Ns:Local>, "text", </Local>.
func render(b []byte, lim Limits) (string, error) {
	d := NewDecoder(bytes.NewReader(b), lim)
	var sb strings.Builder
	for {
		t, err := d.Token()
		if err == io.EOF {
			return sb.String(), nil
		}
		if err != nil {
			return sb.String(), err
		}
		switch t := t.(type) {
		case xml.StartElement:
			mark := ""
			switch {
			case len(t.Attr) == 1 && t.Attr[0] == (xml.Attr{Name: OpaqueAttr, Value: "base64"}):
				mark = " b64"
			case len(t.Attr) != 0:
				return "", fmt.Errorf("attributes on %v", t.Name)
			}
			fmt.Fprintf(&sb, "<%s%s%s>", t.Name.Space, t.Name.Local, mark)
		case xml.EndElement:
			fmt.Fprintf(&sb, "</%s>", t.Name.Local)
		case xml.CharData:
			fmt.Fprintf(&sb, "%q", string(t))
		default:
			return "", fmt.Errorf("unexpected token %T", t)
		}
	}
}

func TestDecodeTokens(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty root", doc(0x05), "<AirSync:Sync></Sync>"},
		{"inline string", doc(cat([]byte{0x45}, str("a b"), []byte{0x01})...), `<AirSync:Sync>"a b"</Sync>`},
		{"switch page and back", doc(cat(
			[]byte{0x45, 0x00, 0x01, 0x5F}, str("Zoë"), []byte{0x01, 0x00, 0x00, 0x4B}, str("1"), []byte{0x01, 0x01})...),
			`<AirSync:Sync><Contacts:FirstName>"Zoë"</FirstName><AirSync:SyncKey>"1"</SyncKey></Sync>`},
		{"empty vs absent", doc(0x45, 0x00, 0x01, 0x2A, 0x01),
			"<AirSync:Sync><Contacts:MiddleName></MiddleName></Sync>"},
		{"string table with public id reference", cat(
			[]byte{0x03, 0x00, 0x00, 0x6A, 0x06}, []byte("ab\x00cd\x00"), []byte{0x45, 0x83, 0x03, 0x83, 0x00, 0x01}),
			`<AirSync:Sync>"cd""ab"</Sync>`},
		{"string table index mid-string", cat(
			[]byte{0x03, 0x01, 0x6A, 0x03}, []byte("xyz"), []byte{0x45, 0x83, 0x01, 0x01}),
			`<AirSync:Sync>"yz"</Sync>`},
		{"entity", doc(0x45, 0x02, 0x81, 0x69, 0x01), `<AirSync:Sync>"é"</Sync>`},
		{"binary opaque as marked base64", doc(0x45, 0xC3, 0x03, 0x00, 0xFF, 0x01, 0x01), `<AirSync:Sync b64>"AP8B"</Sync>`},
		{"textual opaque as text", doc(0x45, 0xC3, 0x03, 'a', 0xC3, 0xA9, 0x01), `<AirSync:Sync>"aé"</Sync>`},
		{"opaque after text stays raw", doc(0x45, 0x03, 'a', 0x00, 0xC3, 0x02, 0x00, 0xFF, 0x01), `<AirSync:Sync>"a""\x00\xff"</Sync>`},
		{"opaque empty", doc(0x45, 0xC3, 0x00, 0x01), `<AirSync:Sync>""</Sync>`},
		{"attributes skipped", doc(cat(
			[]byte{0xC5, 0x00, 0x03, 0x05}, str("v"), []byte{0x83, 0x00, 0x85, 0xC3, 0x01, 0x7F, 0x01}, str("x"), []byte{0x01})...),
			`<AirSync:Sync>"x"</Sync>`},
		{"literal tag", cat([]byte{0x03, 0x01, 0x6A, 0x04}, []byte("Foo\x00"), []byte{0x45, 0x04, 0x00, 0x01}),
			"<AirSync:Sync><AirSync:Foo></Foo></Sync>"},
		{"unassigned token", doc(0x45, 0x3F, 0x01), "<AirSync:Sync><AirSync:Unknown0x3F></Unknown0x3F></Sync>"},
		{"WBXML 1.1 header", []byte{0x01, 0x01, 0x6A, 0x00, 0x05}, "<AirSync:Sync></Sync>"},
		{"page 25", doc(0x00, 0x19, 0x45, 0x06, 0x01), "<Find:Find><Find:SearchId></SearchId></Find>"},
		{"multi-byte length", doc(cat([]byte{0x45, 0xC3, 0x81, 0x00}, bytes.Repeat([]byte{'z'}, 128), []byte{0x01})...),
			`<AirSync:Sync>"` + strings.Repeat("z", 128) + `"</Sync>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := render(tt.in, DefaultLimits)
			if err != nil {
				t.Fatalf("error %v after %s", err, got)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := doc(append(bytes.Repeat([]byte{0x45}, 70), bytes.Repeat([]byte{0x01}, 70)...)...)
	tests := []struct {
		name  string
		in    []byte
		lim   Limits
		limit string // LimitError.Limit, or "" for a SyntaxError
		msg   string // substring of the error text
	}{
		{"truncated header", []byte{0x03, 0x01}, Limits{}, "", "charset"},
		{"no root", doc(), Limits{}, "", "no root element"},
		{"truncated string", doc(0x45, 0x03, 'a'), Limits{}, "", "unexpected EOF"},
		{"missing END", doc(cat([]byte{0x45}, str("a"))...), Limits{}, "", "unexpected EOF"},
		{"truncated opaque", doc(0x45, 0xC3, 0x05, 'a'), Limits{}, "", "unexpected EOF"},
		{"invalid page", doc(0x45, 0x00, 0x1A, 0x05), Limits{}, "", "unknown code page 26"},
		{"page 255", doc(0x00, 0xFF, 0x05), Limits{}, "", "unknown code page 255"},
		{"mb_u_int32 overflow", []byte{0x03, 0x01, 0x6A, 0x9F, 0xFF, 0xFF, 0xFF, 0x7F}, Limits{}, "", "overflows 32 bits"},
		{"mb_u_int32 too long", []byte{0x03, 0x01, 0x6A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, Limits{}, "", "longer than 5 bytes"},
		{"huge string table", []byte{0x03, 0x01, 0x6A, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F}, Limits{}, "MaxStringLen", ""},
		{"huge opaque", doc(0x45, 0xC3, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F), Limits{}, "MaxStringLen", ""},
		{"opaque beyond MaxBytes", doc(0x45, 0xC3, 0x83, 0x80, 0x00), Limits{MaxBytes: 1000}, "MaxBytes", ""},
		{"table index out of range", doc(0x45, 0x83, 0x00, 0x01), Limits{}, "", "string table index 0 out of range"},
		{"END at top level", doc(0x01), Limits{}, "", "END without an open element"},
		{"text before root", doc(cat(str("a"), []byte{0x05})...), Limits{}, "", "outside the root element"},
		{"second root", doc(0x05, 0x05), Limits{}, "", "after the root element"},
		{"invalid entity", doc(0x45, 0x02, 0x84, 0xC4, 0x80, 0x00, 0x01), Limits{}, "", "not a Unicode character"},
		{"surrogate entity", doc(0x45, 0x02, 0x83, 0xB0, 0x00, 0x01), Limits{}, "", "not a Unicode character"},
		{"unsupported charset", []byte{0x03, 0x01, 0x04, 0x00, 0x05}, Limits{}, "", "unsupported charset"},
		{"unsupported version", []byte{0x13, 0x01, 0x6A, 0x00, 0x05}, Limits{}, "", "unsupported WBXML version"},
		{"extension token", doc(0x45, 0xC0, 0x01), Limits{}, "", "not used by ActiveSync"},
		{"processing instruction", doc(0x45, 0x43, 0x01), Limits{}, "", "not used by ActiveSync"},
		{"literal not a name", cat([]byte{0x03, 0x01, 0x6A, 0x03}, []byte("<a\x00"), []byte{0x04, 0x00}), Limits{}, "", "not an XML name"},
		{"literal too long", cat([]byte{0x03, 0x01, 0x6A, 0x82, 0x02}, bytes.Repeat([]byte{'a'}, 257), []byte{0x00, 0x04, 0x00}), Limits{}, "", "longer than 256"},
		{"deep nesting", deep, Limits{}, "MaxDepth", ""},
		{"long string", doc(cat([]byte{0x45}, str(strings.Repeat("x", 20)), []byte{0x01})...), Limits{MaxStringLen: 10}, "MaxStringLen", ""},
		{"long string spanning buffers", doc(cat([]byte{0x45}, str(strings.Repeat("x", 200<<10)), []byte{0x01})...), Limits{MaxStringLen: 100 << 10}, "MaxStringLen", ""},
		{"total bytes", doc(cat([]byte{0x45}, str(strings.Repeat("x", 20)), []byte{0x01})...), Limits{MaxBytes: 10}, "MaxBytes", ""},
		{"string table amplification", cat([]byte{0x03, 0x01, 0x6A, 0x88, 0x01}, bytes.Repeat([]byte{'a'}, 1024), []byte{0x00, 0x45},
			bytes.Repeat([]byte{0x83, 0x00}, 100), []byte{0x01}), Limits{MaxBytes: 50 << 10}, "MaxBytes", ""},
		{"token count", doc(0x45, 0x4B, 0x01, 0x4B, 0x01, 0x01), Limits{MaxTokens: 3}, "MaxTokens", ""},
		{"attribute list truncated", doc(0xC5, 0x05, 0x03, 'v'), Limits{}, "", "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(bytes.NewReader(tt.in), tt.lim)
			var err error
			for err == nil {
				_, err = d.Token()
			}
			if err == io.EOF {
				t.Fatal("decoded without error")
			}
			if _, again := d.Token(); again != err {
				t.Errorf("error not sticky: %v then %v", err, again)
			}
			var le *LimitError
			var se *SyntaxError
			switch {
			case tt.limit != "":
				if !errors.As(err, &le) || le.Limit != tt.limit || !errors.Is(err, ErrLimit) {
					t.Fatalf("got %v, want a %s LimitError", err, tt.limit)
				}
			default:
				if !errors.As(err, &se) {
					t.Fatalf("got %T %v, want *SyntaxError", err, err)
				}
				if se.Offset < 0 || se.Offset > int64(len(tt.in)) {
					t.Errorf("offset %d outside input of %d bytes", se.Offset, len(tt.in))
				}
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

// TestDecodeForgedLengthBoundedMemory: a document declaring a 30 MiB
// string table or opaque blob but carrying a few bytes must fail without
// allocating anything near the declared size.
func TestDecodeForgedLengthBoundedMemory(t *testing.T) {
	forged := map[string][]byte{
		"string table": {0x03, 0x01, 0x6A, 0x8F, 0xA0, 0x80, 0x00, 'a', 'b'},
		"opaque":       doc(0x45, 0xC3, 0x8F, 0xA0, 0x80, 0x00, 'a', 'b'),
	}
	for name, in := range forged {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := render(in, DefaultLimits)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("got %v, want unexpected EOF", err)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Errorf("allocated %d bytes for a forged length", grew)
			}
		})
	}
}

func TestDecodeEmptyInput(t *testing.T) {
	d := NewDecoder(bytes.NewReader(nil), DefaultLimits)
	if _, err := d.Token(); err != io.EOF {
		t.Errorf("empty input: got %v, want io.EOF", err)
	}
	var v struct{}
	if err := Unmarshal(nil, &v); err != io.EOF {
		t.Errorf("Unmarshal(nil): got %v, want io.EOF", err)
	}
	if _, err := render([]byte{0x03}, DefaultLimits); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("one byte: got %v, want unexpected EOF", err)
	}
}

func TestDecodeOffset(t *testing.T) {
	in := doc(0x45, 0x00, 0x1A)
	_, err := render(in, DefaultLimits)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	if se.Offset != int64(len(in)) {
		t.Errorf("offset %d, want %d (the bad page byte)", se.Offset, len(in))
	}
}

// TestDecodeLongStrings: strings and opaque data longer than the read
// buffer arrive whole, from a stream reader as from memory.
func TestDecodeLongStrings(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 150<<10/16)
	in := doc(cat([]byte{0x45, 0x4B}, str(long), []byte{0x01, 0x4C, 0xC3}, appendUint(nil, uint32(len(long))), []byte(long), []byte{0x01, 0x01})...)
	for name, r := range map[string]io.Reader{
		"memory": bytes.NewReader(in),
		"stream": io.MultiReader(bytes.NewReader(in[:7]), bytes.NewReader(in[7:])),
	} {
		t.Run(name, func(t *testing.T) {
			d := NewDecoder(r, DefaultLimits)
			var texts []string
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if cd, ok := tok.(xml.CharData); ok {
					texts = append(texts, string(cd))
				}
			}
			if len(texts) != 2 || texts[0] != long || texts[1] != long {
				t.Errorf("got %d texts of lengths %v", len(texts), lens(texts))
			}
			if d.InputOffset() != int64(len(in)) {
				t.Errorf("InputOffset %d, want %d", d.InputOffset(), len(in))
			}
		})
	}
}

func lens(ss []string) []int {
	var n []int
	for _, s := range ss {
		n = append(n, len(s))
	}
	return n
}

// TestDecodeAllocs guards the decoder's cost: element tokens come from
// preallocated tables, so only text tokens (boxing the CharData) and the
// Decoder itself allocate, whatever the number of elements.
func TestDecodeAllocs(t *testing.T) {
	body := []byte{0x45} // Sync, content
	for range 100 {
		body = append(body, 0x4B, 0x03, 'k', 0x00, 0x01)  // SyncKey with text
		body = append(body, 0x00, 0x01, 0x2A, 0x00, 0x00) // empty Contacts:MiddleName, back to AirSync
	}
	in := doc(append(body, 0x01)...)
	r := bytes.NewReader(in)
	allocs := testing.AllocsPerRun(20, func() {
		r.Reset(in)
		d := NewDecoder(r, DefaultLimits)
		for {
			if _, err := d.Token(); err != nil {
				if err != io.EOF {
					t.Fatal(err)
				}
				return
			}
		}
	})
	if max := 100.0 + 10; allocs > max {
		t.Errorf("%v allocations for 100 text and 301 element tokens, want <= %v", allocs, max)
	}
}
