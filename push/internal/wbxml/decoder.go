package wbxml

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"unicode/utf8"
)

// Decoder reads a WBXML document with the ActiveSync code pages and returns
// it as encoding/xml tokens. It implements xml.TokenReader, so
// xml.NewTokenDecoder(d) gives the full encoding/xml API (Decode, Skip,
// DecodeElement) on top of it.
//
// Elements come back as xml.StartElement with Name.Space set to the code
// page's namespace ("AirSync:") and no attributes; text (inline strings,
// string-table references, entities and OPAQUE data) as xml.CharData; an
// element without content as a StartElement immediately followed by its
// EndElement. OPAQUE content that is printable UTF-8 is returned as text;
// binary OPAQUE content is returned base64-encoded, and its element's
// StartElement carries the single attribute OpaqueAttr="base64" (see
// readOpaqueAhead). OPAQUE data after other content in the same element
// (never seen in ActiveSync) is returned raw.
//
// Every read is bounded by the Decoder's Limits. Errors are *SyntaxError or
// *LimitError and are sticky: after the first, Token keeps returning it.
// A Decoder is not safe for concurrent use.
type Decoder struct {
	r   *bufio.Reader
	lim Limits
	off int64 // input bytes consumed

	started    bool
	rootClosed bool
	page       byte
	strtbl     []byte
	stack      []xml.Token // the EndElement of each open element
	pendingEnd bool        // last StartElement had no content: its EndElement is next
	// pendingText is the OPAQUE content read ahead of its StartElement
	// (see readOpaqueAhead), returned by the next call.
	pendingText xml.CharData
	hasPending  bool
	// binaryAt is the depth of the open element whose content is binary
	// OPAQUE (sent base64 under OpaqueAttr), 0 if none: such content
	// must be the element's only content, or the base64 text would be
	// mixed with other text and no longer decode.
	binaryAt   int
	pendingBin bool
	b64        []byte
	buf        []byte // backing store of the CharData last returned
	tokens     int
	tableText  int64 // bytes of text produced from string-table references
	lastOpaque bool  // the CharData last returned came from OPAQUE
	err        error
}

// NewDecoder returns a Decoder reading from r, bounded by lim (zero fields
// take DefaultLimits values). It buffers r, so it may read past the end of
// the document.
func NewDecoder(r io.Reader, lim Limits) *Decoder {
	size := 64 << 10
	if l, ok := r.(interface{ Len() int }); ok {
		// In-memory input (Unmarshal): no point buffering more than there
		// is, and small EAS responses (Ping) then cost no 64 KiB buffer.
		size = min(max(l.Len(), 16), size)
	}
	return &Decoder{r: bufio.NewReaderSize(r, size), lim: lim.withDefaults()}
}

// InputOffset returns the number of input bytes consumed so far.
func (d *Decoder) InputOffset() int64 { return d.off }

// Token returns the next token: xml.StartElement, xml.EndElement or
// xml.CharData. At the end of a complete document, or for an input of zero
// bytes, it returns nil, io.EOF; input that ends inside the document is a
// *SyntaxError wrapping io.ErrUnexpectedEOF.
// The bytes of a returned CharData are valid only until the next call.
func (d *Decoder) Token() (xml.Token, error) {
	if d.err != nil {
		return nil, d.err
	}
	d.lastOpaque = false
	tok, err := d.next()
	if err != nil {
		d.err = err
		return nil, err
	}
	d.tokens++
	if d.tokens > d.lim.MaxTokens {
		d.err = &LimitError{Limit: "MaxTokens", Max: int64(d.lim.MaxTokens), Offset: d.off}
		return nil, d.err
	}
	return tok, nil
}

func (d *Decoder) syntaxErr(format string, args ...any) error {
	return &SyntaxError{Offset: d.off, Msg: fmt.Sprintf(format, args...)}
}

// ioErr turns a read failure into a SyntaxError; running out of input in
// the middle of a construct is io.ErrUnexpectedEOF.
func (d *Decoder) ioErr(what string, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return &SyntaxError{Offset: d.off, Msg: "reading " + what, Err: err}
}

func (d *Decoder) limitErr(limit string, max int64) error {
	return &LimitError{Limit: limit, Max: max, Offset: d.off}
}

func (d *Decoder) readByte(what string) (byte, error) {
	b, err := d.r.ReadByte()
	if err != nil {
		return 0, d.ioErr(what, err)
	}
	d.off++
	if d.off > d.lim.MaxBytes {
		return 0, d.limitErr("MaxBytes", d.lim.MaxBytes)
	}
	return b, nil
}

// readUint reads a mb_u_int32: big-endian base-128 with continuation bits,
// at most five bytes and at most 32 bits of value.
func (d *Decoder) readUint(what string) (uint32, error) {
	var v uint64
	for i := 0; i < 5; i++ {
		b, err := d.readByte(what)
		if err != nil {
			return 0, err
		}
		v = v<<7 | uint64(b&0x7F)
		if b&0x80 == 0 {
			if v > 0xFFFFFFFF {
				return 0, d.syntaxErr("%s: mb_u_int32 overflows 32 bits", what)
			}
			return uint32(v), nil
		}
	}
	return 0, d.syntaxErr("%s: mb_u_int32 longer than 5 bytes", what)
}

// readTermStr appends a NUL-terminated string (without the NUL) to dst.
func (d *Decoder) readTermStr(dst []byte, what string) ([]byte, error) {
	start := len(dst)
	for {
		chunk, err := d.r.ReadSlice(0)
		d.off += int64(len(chunk))
		if d.off > d.lim.MaxBytes {
			return dst, d.limitErr("MaxBytes", d.lim.MaxBytes)
		}
		switch err {
		case nil:
			chunk = chunk[:len(chunk)-1]
		case bufio.ErrBufferFull:
		default:
			return dst, d.ioErr(what, err)
		}
		if len(dst)-start+len(chunk) > d.lim.MaxStringLen {
			return dst, d.limitErr("MaxStringLen", int64(d.lim.MaxStringLen))
		}
		dst = append(dst, chunk...)
		if err == nil {
			return dst, nil
		}
	}
}

// readN appends n bytes to dst. The declared length is checked against the
// limits first, and memory grows with the bytes actually read, so a forged
// length costs nothing until the data is there.
func (d *Decoder) readN(dst []byte, n uint32, what string) ([]byte, error) {
	if int64(n) > int64(d.lim.MaxStringLen) {
		return dst, d.limitErr("MaxStringLen", int64(d.lim.MaxStringLen))
	}
	if d.off+int64(n) > d.lim.MaxBytes {
		return dst, d.limitErr("MaxBytes", d.lim.MaxBytes)
	}
	const step = 64 << 10
	for remaining := int(n); remaining > 0; {
		k := min(remaining, step)
		dst = growLen(dst, k)
		got, err := io.ReadFull(d.r, dst[len(dst)-k:])
		d.off += int64(got)
		if err != nil {
			return dst[:len(dst)-k+got], d.ioErr(what, err)
		}
		remaining -= k
	}
	return dst, nil
}

// growLen extends b by k bytes, reallocating with amortised growth.
func growLen(b []byte, k int) []byte {
	if cap(b)-len(b) < k {
		b = append(b[:cap(b)], make([]byte, k)...)[:len(b)]
	}
	return b[:len(b)+k]
}

func (d *Decoder) readHeader() error {
	if _, err := d.r.Peek(1); err == io.EOF {
		// No document at all, as in an EAS response with an empty body:
		// report it the way encoding/xml does, distinct from truncation.
		return io.EOF
	}
	v, err := d.readByte("version")
	if err != nil {
		return err
	}
	if v > version13 {
		return d.syntaxErr("unsupported WBXML version byte 0x%02X", v)
	}
	pub, err := d.readUint("public id")
	if err != nil {
		return err
	}
	if pub == 0 {
		// The public identifier is a string-table reference; ActiveSync
		// has no DTD, so the value is read and ignored.
		if _, err := d.readUint("public id index"); err != nil {
			return err
		}
	}
	cs, err := d.readUint("charset")
	if err != nil {
		return err
	}
	switch cs {
	case charsetUTF8, charsetASCII, charsetUnknown:
	default:
		return d.syntaxErr("unsupported charset MIBenum %d (only UTF-8)", cs)
	}
	n, err := d.readUint("string table length")
	if err != nil {
		return err
	}
	if n > 0 {
		d.strtbl, err = d.readN(nil, n, "string table")
		if err != nil {
			return err
		}
	}
	return nil
}

// tableString returns the NUL-terminated string at offset idx of the string
// table.
func (d *Decoder) tableString(idx uint32) ([]byte, error) {
	if int64(idx) >= int64(len(d.strtbl)) {
		return nil, d.syntaxErr("string table index %d out of range (table has %d bytes)", idx, len(d.strtbl))
	}
	s := d.strtbl[idx:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s, nil
}

func (d *Decoder) next() (xml.Token, error) {
	if !d.started {
		d.started = true
		if err := d.readHeader(); err != nil {
			return nil, err
		}
	}
	if d.pendingEnd {
		d.pendingEnd = false
		return d.pop(), nil
	}
	if d.hasPending {
		d.hasPending = false
		d.lastOpaque = true
		if d.pendingBin {
			d.pendingBin = false
			d.binaryAt = len(d.stack)
		}
		return d.pendingText, nil
	}
	for {
		b, err := d.r.ReadByte()
		if err != nil {
			if err == io.EOF && d.rootClosed {
				return nil, io.EOF
			}
			if err == io.EOF && len(d.stack) == 0 {
				return nil, d.syntaxErr("no root element")
			}
			return nil, d.ioErr("token", err)
		}
		d.off++
		if d.off > d.lim.MaxBytes {
			return nil, d.limitErr("MaxBytes", d.lim.MaxBytes)
		}
		if d.binaryAt > 0 && d.binaryAt == len(d.stack) && b != tokEnd && b != tokSwitchPage {
			return nil, d.syntaxErr("binary OPAQUE must be the whole content of its element")
		}
		switch b {
		case tokSwitchPage:
			p, err := d.readByte("code page")
			if err != nil {
				return nil, err
			}
			if int(p) >= numPages {
				return nil, d.syntaxErr("unknown code page %d", p)
			}
			d.page = p
		case tokEnd:
			if len(d.stack) == 0 {
				return nil, d.syntaxErr("END without an open element")
			}
			if d.binaryAt == len(d.stack) {
				d.binaryAt = 0
			}
			return d.pop(), nil
		case tokEntity:
			c, err := d.readUint("entity")
			if err != nil {
				return nil, err
			}
			if c > utf8.MaxRune || !utf8.ValidRune(rune(c)) {
				return nil, d.syntaxErr("entity %d is not a Unicode character", c)
			}
			if err := d.needElement("entity"); err != nil {
				return nil, err
			}
			d.buf = utf8.AppendRune(d.buf[:0], rune(c))
			return xml.CharData(d.buf), nil
		case tokStrI:
			if err := d.needElement("inline string"); err != nil {
				return nil, err
			}
			d.buf, err = d.readTermStr(d.buf[:0], "inline string")
			if err != nil {
				return nil, err
			}
			return xml.CharData(d.buf), nil
		case tokStrT:
			idx, err := d.readUint("string table index")
			if err != nil {
				return nil, err
			}
			if err := d.needElement("string table reference"); err != nil {
				return nil, err
			}
			s, err := d.tableString(idx)
			if err != nil {
				return nil, err
			}
			// A two-byte reference can repeat a long table entry: bound
			// the text it expands to, or a small document could make
			// Unmarshal build gigabytes of strings.
			d.tableText += int64(len(s))
			if d.tableText > d.lim.MaxBytes {
				return nil, d.limitErr("MaxBytes", d.lim.MaxBytes)
			}
			d.buf = append(d.buf[:0], s...)
			return xml.CharData(d.buf), nil
		case tokOpaque:
			n, err := d.readUint("opaque length")
			if err != nil {
				return nil, err
			}
			if err := d.needElement("opaque data"); err != nil {
				return nil, err
			}
			d.buf, err = d.readN(d.buf[:0], n, "opaque data")
			if err != nil {
				return nil, err
			}
			d.lastOpaque = true
			return xml.CharData(d.buf), nil
		case tokLiteral, tokLiteralA, tokLiteralC, tokLiteralAC:
			idx, err := d.readUint("literal tag index")
			if err != nil {
				return nil, err
			}
			s, err := d.tableString(idx)
			if err != nil {
				return nil, err
			}
			// Names are allocated per occurrence: keep them short so
			// references to one long table entry cannot amplify.
			if len(s) > maxLiteralLen {
				return nil, d.syntaxErr("literal tag name longer than %d bytes", maxLiteralLen)
			}
			if !isName(s) {
				return nil, d.syntaxErr("literal tag %q is not an XML name", s)
			}
			name := xml.Name{Space: tables.ns[d.page], Local: string(s)}
			return d.start(xml.StartElement{Name: name}, xml.EndElement{Name: name}, b)
		case tokExtI0, tokExtI1, tokExtI2, tokPI, tokExtT0, tokExtT1, tokExtT2, tokExt0, tokExt1, tokExt2:
			return nil, d.syntaxErr("token 0x%02X is not used by ActiveSync", b)
		default:
			return d.start(tables.starts[d.page][b&tagMask], tables.ends[d.page][b&tagMask], b)
		}
	}
}

// needElement rejects text outside the root element.
func (d *Decoder) needElement(what string) error {
	if len(d.stack) == 0 {
		return d.syntaxErr("%s outside the root element", what)
	}
	return nil
}

func (d *Decoder) start(start, end xml.Token, b byte) (xml.Token, error) {
	if d.rootClosed {
		return nil, d.syntaxErr("element %s after the root element", start.(xml.StartElement).Name.Local)
	}
	if b&tagHasAttrs != 0 {
		if err := d.skipAttributes(); err != nil {
			return nil, err
		}
	}
	if len(d.stack) >= d.lim.MaxDepth {
		return nil, d.limitErr("MaxDepth", int64(d.lim.MaxDepth))
	}
	d.stack = append(d.stack, end)
	d.pendingEnd = b&tagHasContent == 0
	if !d.pendingEnd {
		return d.readOpaqueAhead(start)
	}
	return start, nil
}

// readOpaqueAhead handles an element whose content starts with OPAQUE,
// which in ActiveSync is its whole content. Bytes that are printable UTF-8
// (a body or MIME text some servers send as OPAQUE) come back as plain
// CharData, so string fields read them as text. Binary bytes come back
// base64-encoded under a StartElement marked with OpaqueAttr="base64",
// the same form Opaque.MarshalXML writes: an Opaque field decodes them,
// a string field gets base64 (as wbxml2xml prints them), and a token
// stream recorded and re-encoded writes OPAQUE again instead of mangling
// the bytes into U+FFFD through XML text.
// start stays a boxed xml.Token unless it needs the marker, so the common
// case returns the preallocated token without allocating.
func (d *Decoder) readOpaqueAhead(start xml.Token) (xml.Token, error) {
	if next, err := d.r.Peek(1); err != nil || next[0] != tokOpaque {
		return start, nil // errors surface on the next read
	}
	if _, err := d.readByte("opaque"); err != nil {
		return nil, err
	}
	n, err := d.readUint("opaque length")
	if err != nil {
		return nil, err
	}
	if d.buf, err = d.readN(d.buf[:0], n, "opaque data"); err != nil {
		return nil, err
	}
	d.hasPending = true
	if isPrintable(d.buf) {
		d.pendingText = d.buf
		return start, nil
	}
	d.b64 = growLen(d.b64[:0], base64.StdEncoding.EncodedLen(len(d.buf)))
	base64.StdEncoding.Encode(d.b64, d.buf)
	d.pendingText = d.b64
	d.pendingBin = true
	marked := start.(xml.StartElement)
	marked.Attr = []xml.Attr{{Name: OpaqueAttr, Value: "base64"}}
	return marked, nil
}

func (d *Decoder) pop() xml.Token {
	end := d.stack[len(d.stack)-1]
	d.stack = d.stack[:len(d.stack)-1]
	if len(d.stack) == 0 {
		d.rootClosed = true
	}
	return end
}

// skipAttributes consumes an attribute list up to its END. ActiveSync
// defines no attributes, so their values are parsed only to find the end.
func (d *Decoder) skipAttributes() error {
	for {
		b, err := d.readByte("attribute")
		if err != nil {
			return err
		}
		switch b {
		case tokEnd:
			return nil
		case tokSwitchPage:
			if _, err := d.readByte("attribute code page"); err != nil {
				return err
			}
		case tokStrI, tokExtI0, tokExtI1, tokExtI2:
			if d.buf, err = d.readTermStr(d.buf[:0], "attribute string"); err != nil {
				return err
			}
		case tokStrT, tokLiteral, tokEntity, tokExtT0, tokExtT1, tokExtT2:
			if _, err := d.readUint("attribute value"); err != nil {
				return err
			}
		case tokOpaque:
			n, err := d.readUint("attribute opaque length")
			if err != nil {
				return err
			}
			if d.buf, err = d.readN(d.buf[:0], n, "attribute opaque data"); err != nil {
				return err
			}
		case tokPI:
			return d.syntaxErr("processing instruction in an attribute list")
		}
		// Anything else is an attribute start or value token without payload.
	}
}

// maxLiteralLen bounds LITERAL tag names; real tag names are under 64.
const maxLiteralLen = 256

// isName is a conservative check for a literal tag name: ASCII letters,
// digits, '_', '-' and '.', not starting with a digit, '-' or '.'. That is
// a subset of XML names on which every XML tool agrees, so ToXML output
// stays well-formed; ActiveSync itself never sends literal tags.
func isName(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	for _, c := range s {
		switch {
		case c == '_' || c == '-' || c == '.':
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return false
		}
	}
	c := s[0]
	return !(c >= '0' && c <= '9') && c != '-' && c != '.'
}
