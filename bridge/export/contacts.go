package export

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/formats/vcard"
)

// contact is one card found by the indexing pass.
type contact struct {
	at   ref
	idx  int    // the card's position in its item
	name string // display name, "" when the card has none
	key  []byte // collation key of name
	uid  string
}

// Contacts writes every card of src to w in format, sorted by display name
// (Unicode collation, case-insensitive; cards without a name last).
//
// Cards are written as read, converted to the output version where the
// versions differ; CSV writes one row per card with the Google Contacts
// header (see [CSVHeader]). An item that cannot be read is skipped and
// listed in Stats.Skipped; the error return is for failures of the whole
// export (listing a source, writing w, ctx done).
func Contacts(ctx context.Context, w io.Writer, src []store.Store, format Format, opts Options) (Stats, error) {
	var st Stats
	var version string
	switch format {
	case VCard3:
		version = vcard.V30
	case VCard4:
		version = vcard.V40
	case CSV:
	default:
		return st, fmt.Errorf("export contacts: unknown format %q", format)
	}
	rd := newReader(src, opts.budget())
	cards, shape, err := indexContacts(ctx, rd, &st)
	if err != nil {
		return st, fmt.Errorf("export contacts: %w", err)
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	var row *csvWriter
	if format == CSV {
		if row, err = newCSVWriter(bw, shape, opts.BOM); err != nil {
			return st, fmt.Errorf("export contacts: %w", err)
		}
	}
	// An item holding several cards is parsed once; left counts the cards
	// still to write so its parse can be dropped after the last.
	left := map[ref]int{}
	for _, c := range cards {
		left[c.at]++
	}
	parsed := map[ref][]vcard.Card{}
	var buf bytes.Buffer
	for _, c := range cards {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		cs, ok := parsed[c.at]
		if !ok {
			if v, kept := rd.take(c.at); kept {
				cs = v.([]vcard.Card)
			} else {
				data, err := rd.again(ctx, c.at)
				if err == nil {
					cs, _, _ = vcard.Read(bytes.NewReader(data), rd.file(c.at))
					if c.idx >= len(cs) {
						err = errChanged
					}
				}
				if err != nil {
					st.skip(rd.file(c.at), err)
					cs = nil
				}
			}
			parsed[c.at] = cs
		}
		if left[c.at]--; left[c.at] == 0 {
			delete(parsed, c.at)
		}
		if c.idx >= len(cs) {
			continue
		}
		card := &cs[c.idx]
		if format == CSV {
			err = row.write(card)
		} else {
			buf.Reset()
			if werr := vcard.Write(&buf, card, version); werr != nil {
				st.skip(rd.file(c.at), werr)
				continue
			}
			_, err = bw.Write(buf.Bytes())
		}
		if err != nil {
			return st, fmt.Errorf("export contacts: write: %w", err)
		}
		st.Items++
		opts.progress(st.Items, len(cards))
	}
	if row != nil {
		if err := row.flush(); err != nil {
			return st, fmt.Errorf("export contacts: write: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("export contacts: write: %w", err)
	}
	return st, nil
}

// indexContacts reads every item once, returning the cards in output
// order and the CSV column counts they need.
func indexContacts(ctx context.Context, rd *reader, st *Stats) ([]contact, csvShape, error) {
	refs, err := rd.entries(ctx)
	if err != nil {
		return nil, csvShape{}, err
	}
	col := collate.New(language.Und, collate.IgnoreCase, collate.IgnoreWidth)
	var kb collate.Buffer
	var out []contact
	shape := minShape
	for _, at := range refs {
		if err := ctx.Err(); err != nil {
			return nil, csvShape{}, err
		}
		data, err := rd.first(ctx, at)
		if err != nil {
			st.skip(rd.file(at), err)
			continue
		}
		cards, _, err := vcard.Read(bytes.NewReader(data), rd.file(at))
		if err != nil {
			// Readable cards of a damaged item are still exported; the
			// damage is reported either way.
			st.skip(rd.file(at), err)
		}
		for i := range cards {
			c := &cards[i]
			name := displayName(c)
			out = append(out, contact{
				at:   at,
				idx:  i,
				name: name,
				key:  bytes.Clone(col.KeyFromString(&kb, name)),
				uid:  textOf(c.Get("UID")),
			})
			kb.Reset()
			shape.fit(c)
		}
		if len(cards) > 0 {
			rd.keep(at, cards, parsedCost(len(data)))
		}
	}
	slices.SortStableFunc(out, func(a, b contact) int {
		if (a.name == "") != (b.name == "") {
			if a.name == "" {
				return 1
			}
			return -1
		}
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c
		}
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.uid, b.uid)
	})
	return out, shape, nil
}

// displayName is FN, or the name vcard.Write would derive without one.
func displayName(c *vcard.Card) string {
	if fn := strings.TrimSpace(textOf(c.Get("FN"))); fn != "" {
		return fn
	}
	return vcard.DisplayName(c)
}

func textOf(p *vcard.Property) string {
	if p == nil {
		return ""
	}
	return p.Text()
}
