package export

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/store"
)

// Format is a contact export format.
type Format string

// The contact formats.
const (
	VCard3 Format = "vcf"  // vCard 3.0 (RFC 2426), what most importers read
	VCard4 Format = "vcf4" // vCard 4.0 (RFC 6350)
	CSV    Format = "csv"  // Google Contacts CSV, also mapped by Outlook's importer
)

// DefaultMemoryBudget is roughly how much memory of parsed items an
// export keeps between its two passes when Options.MemoryBudget is zero.
const DefaultMemoryBudget = 64 << 20

// Options adjust an export. The zero value exports everything.
type Options struct {
	// From and To select calendar items with an occurrence overlapping
	// [From, To); a zero bound is open. Contacts ignore them.
	From, To time.Time
	// Zone interprets floating times and all-day dates for the date range
	// and the sort order; nil means UTC.
	Zone *time.Location
	// BOM starts CSV output with a UTF-8 byte-order mark, without which
	// Excel reads the file as the system code page.
	BOM bool
	// Progress, if set, is called after each item is written with the
	// number written so far and the number to write.
	Progress func(done, total int)
	// MemoryBudget roughly bounds the memory of the parsed items kept
	// between the passes; items beyond it are read and parsed again, and
	// skipped if they changed in between. Zero means DefaultMemoryBudget.
	MemoryBudget int
}

func (o Options) budget() int {
	if o.MemoryBudget > 0 {
		return o.MemoryBudget
	}
	return DefaultMemoryBudget
}

func (o Options) progress(done, total int) {
	if o.Progress != nil {
		o.Progress(done, total)
	}
}

// ranged reports whether a date range was asked for.
func (o Options) ranged() bool { return !o.From.IsZero() || !o.To.IsZero() }

// Stats reports what an export did.
type Stats struct {
	// Items is the number of contacts, events or tasks written; a
	// recurring event with its overrides counts once.
	Items int
	// OutOfRange counts calendar items left out by the date range.
	OutOfRange int
	// Skipped lists the items that could not be exported, in the order
	// met.
	Skipped []Skip
}

// Skip is one item left out of an export, or the part of one that was.
type Skip struct {
	// File names the item: its path in a vdir, or "path#href" in a
	// single-file collection.
	File string
	// Reason says why it was left out.
	Reason error
}

// String returns "file: reason".
func (s Skip) String() string { return fmt.Sprintf("%s: %v", s.File, s.Reason) }

func (st *Stats) skip(file string, err error) {
	st.Skipped = append(st.Skipped, Skip{File: file, Reason: err})
}

// ref locates one item of one source.
type ref struct {
	src  int
	href string
}

// reader fetches items for both passes. The first pass keeps what it
// parsed, up to a memory budget, so the second seldom reads or parses an
// item again.
type reader struct {
	src   []store.Store
	left  int
	kept  map[ref]any
	etags map[ref]store.Etag
}

// parsedCost estimates the memory of an item parsed from n bytes: the
// parsers' structures take a few times the text they came from.
func parsedCost(n int) int { return 4*n + 256 }

func newReader(src []store.Store, budget int) *reader {
	return &reader{src: src, left: budget, kept: map[ref]any{}, etags: map[ref]store.Etag{}}
}

// entries lists every item of every source, sorted by href within a
// source so that the export does not depend on directory order.
func (r *reader) entries(ctx context.Context) ([]ref, error) {
	var out []ref
	for i, s := range r.src {
		es, err := s.List(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", sourceName(s), err)
		}
		refs := make([]ref, len(es))
		for j, e := range es {
			refs[j] = ref{src: i, href: e.Href}
		}
		slices.SortFunc(refs, func(a, b ref) int { return strings.Compare(a.href, b.href) })
		out = append(out, refs...)
	}
	return out, nil
}

// first reads an item in the indexing pass.
func (r *reader) first(ctx context.Context, at ref) ([]byte, error) {
	data, e, err := r.src[at.src].Get(ctx, at.href)
	if err != nil {
		return nil, err
	}
	r.etags[at] = e.Etag
	return data, nil
}

// keep holds the parsed item v for the writing pass if the budget allows.
func (r *reader) keep(at ref, v any, cost int) {
	if cost <= r.left {
		r.kept[at] = v
		r.left -= cost
	}
}

// take returns and forgets what keep held for the item.
func (r *reader) take(at ref) (any, bool) {
	v, ok := r.kept[at]
	delete(r.kept, at)
	return v, ok
}

// again reads an item not kept for the writing pass, failing when it
// changed since the first pass: its sort position, date-range verdict
// and time zones were decided on the old version.
func (r *reader) again(ctx context.Context, at ref) ([]byte, error) {
	data, e, err := r.src[at.src].Get(ctx, at.href)
	if err != nil {
		return nil, err
	}
	if was, ok := r.etags[at]; ok && !was.Same(e.Etag) {
		return nil, errChanged
	}
	return data, nil
}

var errChanged = errors.New("item changed during the export; export again to include it")

// file names an item for Skip and for reader warnings.
func (r *reader) file(at ref) string { return itemFile(r.src[at.src], at.href) }

func itemFile(s store.Store, href string) string {
	switch s := s.(type) {
	case *store.Vdir:
		return filepath.Join(s.Dir(), href)
	case *store.File:
		return s.Path() + "#" + href
	}
	return sourceName(s) + "#" + href
}

func sourceName(s store.Store) string {
	switch s := s.(type) {
	case *store.Vdir:
		return s.Dir()
	case *store.File:
		return s.Path()
	}
	return fmt.Sprintf("%T", s)
}
