// Package bomb writes hostile ActiveSync responses for the memory-bomb
// tests: Sync answers that are huge, carry a giant contact photo, flood
// one window with items, or nest elements without end. The bytes are
// generated while they are written, so the server half of a test
// allocates almost nothing and a measured peak belongs to the client.
//
// The WBXML is written by hand (tokens of [MS-ASWBXML] code pages 0
// AirSync and 1 Contacts) because the codec is internal to push and the
// point is to produce documents no well-behaved encoder would.
package bomb

import (
	"bufio"
	"io"
	"strconv"
)

// WBXML tokens used below.
const (
	switchPage = 0x00
	end        = 0x01
	strI       = 0x03
	content    = 0x40

	pageAirSync  = 0
	pageContacts = 1

	tagSync            = 0x05
	tagAdd             = 0x07
	tagSyncKey         = 0x0B
	tagServerID        = 0x0D
	tagStatus          = 0x0E
	tagCollection      = 0x0F
	tagCollectionID    = 0x12
	tagCommands        = 0x16
	tagCollections     = 0x1C
	tagApplicationData = 0x1D

	tagEmail1  = 0x1B
	tagFileAs  = 0x1E
	tagJob     = 0x28
	tagPicture = 0x3C
)

var header = []byte{0x03, 0x01, 0x6A, 0x00} // WBXML 1.3, unknown public id, UTF-8, no string table

// Sync describes a successful Sync response for one collection whose
// Commands hold Items Adds of contacts named "Bomb <i>".
type Sync struct {
	CollectionID string
	SyncKey      string // the new key the response hands out
	Items        int
	// Filler is the length of a JobTitle on every item: it makes a large
	// body out of ordinary items.
	Filler int
	// Photo is the length of the base64 text of a Contacts:Picture on the
	// first PhotoItems items (default 1); 0 sends none.
	Photo, PhotoItems int
	// Bare leaves out the e-mail address: items as small as a contact
	// gets, so that the most of them fit under the decoder's token limit.
	Bare bool
}

// WriteTo writes the response as WBXML.
func (s Sync) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	b := bufio.NewWriterSize(cw, 64<<10)
	b.Write(header)
	b.Write([]byte{tagSync | content, tagCollections | content, tagCollection | content})
	text(b, tagSyncKey, s.SyncKey)
	text(b, tagCollectionID, s.CollectionID)
	text(b, tagStatus, "1")
	b.WriteByte(tagCommands | content)
	for i := range s.Items {
		if cw.err != nil {
			return cw.n, cw.err // the client hung up: stop generating
		}
		b.WriteByte(tagAdd | content)
		text(b, tagServerID, "bomb:"+strconv.Itoa(i))
		b.Write([]byte{tagApplicationData | content, switchPage, pageContacts})
		text(b, tagFileAs, "Bomb "+strconv.Itoa(i))
		if !s.Bare {
			text(b, tagEmail1, "bomb"+strconv.Itoa(i)+"@example.com")
		}
		if s.Filler > 0 {
			b.Write([]byte{tagJob | content, strI})
			repeat(b, cw, 'x', s.Filler)
			b.Write([]byte{0, end})
		}
		if s.Photo > 0 && i < max(s.PhotoItems, 1) {
			b.Write([]byte{tagPicture | content, strI})
			repeat(b, cw, 'A', s.Photo) // base64 of zero bytes
			b.Write([]byte{0, end})
		}
		b.Write([]byte{switchPage, pageAirSync, end, end}) // ApplicationData, Add
	}
	b.Write([]byte{end, end, end, end}) // Commands, Collection, Collections, Sync
	err := b.Flush()
	return cw.n, err
}

// Size is the length WriteTo writes, for a Content-Length header.
func (s Sync) Size() int64 {
	n, _ := s.WriteTo(io.Discard)
	return n
}

// Nested returns a Sync document whose root holds depth nested
// Collections elements, none of them closed.
func Nested(depth int) []byte {
	out := append([]byte(nil), header...)
	out = append(out, tagSync|content)
	for range depth {
		out = append(out, tagCollections|content)
	}
	return out
}

func text(b *bufio.Writer, tag byte, s string) {
	b.Write([]byte{tag | content, strI})
	b.WriteString(s)
	b.Write([]byte{0, end})
}

func repeat(b *bufio.Writer, cw *countWriter, c byte, n int) {
	chunk := make([]byte, min(n, 32<<10))
	for i := range chunk {
		chunk[i] = c
	}
	for n > 0 && cw.err == nil {
		k := min(n, len(chunk))
		b.Write(chunk[:k])
		n -= k
	}
}

// countWriter counts what reaches w and keeps its first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}
