package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
)

// DefaultMaxFileSize bounds a single-file collection read from disk.
const DefaultMaxFileSize = 256 << 20

// maxRetries bounds how often a batch is redone after the file changed
// under it between reading and replacing.
const maxRetries = 3

// errRaced aborts a write whose file changed while the new one was built.
var errRaced = errors.New("file changed during write")

// File is a collection stored as one .vcf file holding many vCards or one
// .ics file holding one VCALENDAR with many events, tasks and journals.
//
// An item's href is its UID. Calendar components sharing a UID (a
// recurring event and its RECURRENCE-ID overrides) form one item; Get
// returns them wrapped in a VCALENDAR with the VTIMEZONEs they reference,
// and Create and Update take the same form, as a vdir .ics file holds. A
// vCard repeated with the same UID gets the href "UID#2", "UID#3", ...;
// an item without a UID gets "noid-" plus a hash of its content.
//
// Every write rewrites the whole file atomically, once per call: batch
// many changes with Apply. Bytes of items not written are kept exactly,
// except that components of one UID scattered over the file are gathered
// at the first one's place. The file is re-read whenever its stat data
// changed, and a write is abandoned and redone if the file changes while
// it is being written, so an edit made by another program is never lost.
// A file that is not well-formed (unbalanced BEGIN/END, text outside
// components) is never rewritten: operations fail with a [*ParseError]
// naming its line.
type File struct {
	// Constructor parameters, immutable.
	path string
	ical bool
	opts Options

	mu sync.Mutex
	// doc is the file as last read or written; fp and exists describe
	// that version on disk. doc is nil until the first load.
	doc    *document
	fp     Fingerprint
	exists bool
	// rewrites counts whole-file writes, for tests of batching.
	rewrites int
	// beforeWrite, if set, runs before each rewrite; tests use it to
	// edit the file behind the store's back at the worst moment.
	beforeWrite func()
}

var _ Store = (*File)(nil)

// OpenFile opens the single-file collection at path, whose extension
// (.vcf or .ics) gives the item kind. A missing file is an empty
// collection, created by the first write; the parent folder must exist.
// The file is read at once, so a malformed one fails here with its line.
func OpenFile(path string, opts Options) (*File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var ical bool
	switch filepath.Ext(abs) {
	case ".ics":
		ical = true
	case ".vcf":
	default:
		return nil, fmt.Errorf("open %s: extension must be .vcf or .ics", path)
	}
	if opts.MaxItemSize <= 0 {
		opts.MaxItemSize = DefaultMaxFileSize
	}
	if opts.Perm == 0 {
		opts.Perm = 0o600
	}
	if _, err := atomicfile.Sweep(filepath.Dir(abs), staleTemp); err != nil {
		opts.logger().Warn("sweep stale temporary files", "dir", filepath.Dir(abs), "err", err)
	}
	f := &File{path: abs, ical: ical, opts: opts}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return f, nil
}

// Path returns the collection file's absolute path.
func (f *File) Path() string { return f.path }

// Close implements [Store]; every write is already on disk.
func (f *File) Close() error { return nil }

// load re-reads the file if it changed since last read. Callers hold mu.
func (f *File) load() error {
	fi, err := os.Lstat(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		if f.doc == nil || f.exists {
			f.doc, f.exists, f.fp = newDocument(f.ical), false, Fingerprint{}
		}
		return nil
	}
	if err != nil {
		return err
	}
	if f.doc != nil && f.exists && FingerprintOf(fi) == f.fp {
		return nil
	}
	data, fp, err := f.read()
	if err != nil {
		return err
	}
	doc, err := parseDocument(data, f.ical)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Path = f.path
		}
		return err
	}
	f.doc, f.fp, f.exists = doc, fp, true
	return nil
}

func (f *File) read() ([]byte, Fingerprint, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, Fingerprint{}, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, Fingerprint{}, err
	}
	if !fi.Mode().IsRegular() {
		return nil, Fingerprint{}, fmt.Errorf("%s: not a regular file", f.path)
	}
	data, err := io.ReadAll(io.LimitReader(fh, f.opts.MaxItemSize+1))
	if err != nil {
		return nil, Fingerprint{}, err
	}
	if int64(len(data)) > f.opts.MaxItemSize {
		return nil, Fingerprint{}, fmt.Errorf("%s: %w", f.path, ErrTooLarge)
	}
	return data, FingerprintOf(fi), nil
}

// List implements [Store].
func (f *File) List(ctx context.Context) ([]Entry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(); err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	out := make([]Entry, 0, len(f.doc.items))
	for _, s := range f.doc.segs {
		if s.item != nil {
			out = append(out, s.item.entry())
		}
	}
	return out, nil
}

// Get implements [Store].
func (f *File) Get(ctx context.Context, href string) ([]byte, Entry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(); err != nil {
		return nil, Entry{}, fmt.Errorf("get %q: %w", href, err)
	}
	it := f.doc.items[href]
	if it == nil {
		return nil, Entry{}, fmt.Errorf("get %q: %w", href, ErrNotFound)
	}
	return f.doc.itemBytes(it), it.entry(), nil
}

// Create implements [Store].
func (f *File) Create(ctx context.Context, uid string, data []byte) (Entry, error) {
	return f.one(ctx, Op{Kind: OpCreate, UID: uid, Data: data})
}

// Update implements [Store]. The new data must carry the item's UID.
func (f *File) Update(ctx context.Context, href string, data []byte, ifMatch Etag) (Entry, error) {
	return f.one(ctx, Op{Kind: OpUpdate, Href: href, Data: data, IfMatch: ifMatch})
}

// Delete implements [Store].
func (f *File) Delete(ctx context.Context, href string, ifMatch Etag) error {
	_, err := f.one(ctx, Op{Kind: OpDelete, Href: href, IfMatch: ifMatch})
	return err
}

func (f *File) one(ctx context.Context, op Op) (Entry, error) {
	res, err := f.Apply(ctx, []Op{op})
	if err != nil {
		return Entry{}, err
	}
	if res[0].Err != nil {
		return Entry{}, fmt.Errorf("%v %q: %w", op.Kind, op.Href+op.UID, res[0].Err)
	}
	return res[0].Entry, nil
}

// Apply implements [Store]: all ops are applied to the file's content in
// memory and the file is rewritten once.
func (f *File) Apply(ctx context.Context, ops []Op) ([]Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := f.load(); err != nil {
			return nil, fmt.Errorf("apply: %w", err)
		}
		doc := f.doc.clone()
		res := make([]Result, len(ops))
		changed := false
		for i, op := range ops {
			res[i].Entry, res[i].Err = doc.apply(op, f.opts.uid())
			changed = changed || res[i].Err == nil
		}
		if !changed {
			return res, nil
		}
		err := f.write(doc)
		if errors.Is(err, errRaced) && attempt < maxRetries {
			continue // re-read the other program's version and redo
		}
		if err != nil {
			return nil, fmt.Errorf("apply: %w", err)
		}
		return res, nil
	}
}

// write replaces the file with doc if the file is still the version last
// read. Callers hold mu.
func (f *File) write(doc *document) error {
	data := doc.bytes()
	if int64(len(data)) > f.opts.MaxItemSize {
		return fmt.Errorf("%s: %w", f.path, ErrTooLarge)
	}
	if f.beforeWrite != nil {
		f.beforeWrite()
	}
	fi, err := atomicfile.Write(f.path, data, atomicfile.Options{
		Perm: f.opts.Perm,
		BeforeRename: func(tmp fs.FileInfo) error {
			cur, err := os.Lstat(f.path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				if f.exists {
					return errRaced
				}
			case err != nil:
				return err
			case !f.exists || FingerprintOf(cur) != f.fp:
				return errRaced
			}
			if f.opts.Log != nil {
				f.opts.Log.Wrote(f.path, FingerprintOf(tmp))
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	f.doc, f.fp, f.exists = doc, FingerprintOf(fi), true
	f.rewrites++
	return nil
}

// document is a parsed collection file.
type document struct {
	ical bool
	// prefix and suffix frame the calendar (see parsed); segs are the
	// pieces in file order, an item appearing once, at its first
	// component's place.
	prefix, suffix []byte
	segs           []docSeg
	items          map[string]*item      // href → item
	byUID          map[string]*item      // UID → item, for ErrExists
	tz             map[string]*component // TZID → VTIMEZONE
	// hdr is the VERSION and PRODID lines that head a standalone item.
	hdr []byte
}

type docSeg struct {
	raw  []byte
	item *item
	// comp marks raw text that is a component (VTIMEZONE, VFREEBUSY, ...)
	// rather than calendar properties.
	comp bool
}

// item is immutable once in a document: updates replace it.
type item struct {
	href, uid string
	comps     []*component
	hash      string
}

func (it *item) entry() Entry {
	return Entry{Href: it.href, UID: it.uid, Etag: hashEtag(it.hash)}
}

func newItem(href, uid string, comps []*component) *item {
	var all []byte
	for _, c := range comps {
		all = append(all, c.raw...)
	}
	return &item{href: href, uid: uid, comps: comps, hash: ContentHash(all)}
}

const (
	newCalendarPrefix = "BEGIN:VCALENDAR\r\n"
	newCalendarHeader = "VERSION:2.0\r\nPRODID:-//Cradle//Cradle//EN\r\n"
	newCalendarSuffix = "END:VCALENDAR\r\n"
)

func newDocument(ical bool) *document {
	d := &document{ical: ical, items: map[string]*item{}, byUID: map[string]*item{}, tz: map[string]*component{}}
	if ical {
		d.prefix, d.suffix = []byte(newCalendarPrefix), []byte(newCalendarSuffix)
		d.segs = []docSeg{{raw: []byte(newCalendarHeader)}}
		d.hdr = []byte(newCalendarHeader)
	}
	return d
}

// parseDocument splits data and groups its components into items.
func parseDocument(data []byte, ical bool) (*document, error) {
	var p *parsed
	var err error
	if ical {
		p, err = splitCalendar(data)
	} else {
		p, err = splitVCards(data)
	}
	if err != nil {
		return nil, err
	}
	d := newDocument(ical)
	if ical && p.prefix == nil {
		return d, nil // empty file
	}
	d.prefix, d.suffix, d.segs = p.prefix, p.suffix, nil
	// Gather components by UID first, so an item is complete before it
	// is hashed, then lay out segments at each item's first place.
	type group struct {
		comps []*component
		first int
	}
	groups := map[string]*group{}
	var order []any // docSeg or *component, in file order
	for _, s := range p.segs {
		c := s.comp
		switch {
		case c == nil:
			order = append(order, docSeg{raw: s.raw})
		case ical && c.name == "VTIMEZONE":
			if _, dup := d.tz[c.tzid]; !dup && c.tzid != "" {
				d.tz[c.tzid] = c
			}
			order = append(order, docSeg{raw: c.raw, comp: true})
		case ical && !itemComponents[c.name]:
			// VFREEBUSY, X- components: kept, not items.
			order = append(order, docSeg{raw: c.raw, comp: true})
		case ical && c.uid != "":
			if g := groups[c.uid]; g != nil {
				g.comps = append(g.comps, c)
				continue
			}
			groups[c.uid] = &group{comps: []*component{c}}
			order = append(order, c)
		default:
			order = append(order, c)
		}
	}
	for _, o := range order {
		switch o := o.(type) {
		case docSeg:
			d.segs = append(d.segs, o)
		case *component:
			comps := []*component{o}
			if ical && o.uid != "" {
				comps = groups[o.uid].comps
			}
			it := newItem("", o.uid, comps)
			it.href = d.freeHref(o.uid, it.hash)
			d.add(it)
		}
	}
	d.hdr = d.header()
	return d, nil
}

// freeHref picks the href for an item: its UID, made unique.
func (d *document) freeHref(uid, hash string) string {
	base := uid
	if base == "" {
		base = "noid-" + hash[:16]
	}
	href := base
	for n := 2; d.items[href] != nil; n++ {
		href = base + "#" + strconv.Itoa(n)
	}
	return href
}

func (d *document) add(it *item) {
	d.segs = append(d.segs, docSeg{item: it})
	d.items[it.href] = it
	if it.uid != "" && d.byUID[it.uid] == nil {
		d.byUID[it.uid] = it
	}
}

// clone copies the document's indexes; items and components are shared,
// as they are never modified in place.
func (d *document) clone() *document {
	c := *d
	c.segs = append([]docSeg(nil), d.segs...)
	c.items = make(map[string]*item, len(d.items))
	for k, v := range d.items {
		c.items[k] = v
	}
	c.byUID = make(map[string]*item, len(d.byUID))
	for k, v := range d.byUID {
		c.byUID[k] = v
	}
	c.tz = make(map[string]*component, len(d.tz))
	for k, v := range d.tz {
		c.tz[k] = v
	}
	return &c
}

// apply performs one op on d.
func (d *document) apply(op Op, uidOf UIDFunc) (Entry, error) {
	switch op.Kind {
	case OpCreate:
		if op.UID == "" {
			return Entry{}, fmt.Errorf("%w: empty UID", ErrInvalid)
		}
		if d.byUID[op.UID] != nil {
			return Entry{}, ErrExists
		}
		comps, tzs, err := d.itemFrom(op.Data, op.UID)
		if err != nil {
			return Entry{}, err
		}
		d.addTimezones(tzs)
		it := newItem("", op.UID, comps)
		it.href = d.freeHref(op.UID, it.hash)
		d.add(it)
		return it.entry(), nil
	case OpUpdate, OpDelete:
		old := d.items[op.Href]
		if old == nil {
			return Entry{}, ErrNotFound
		}
		if op.IfMatch != "" && op.IfMatch != hashEtag(old.hash) {
			return Entry{}, ErrChanged
		}
		i := d.segIndex(old)
		if op.Kind == OpDelete {
			d.segs = append(d.segs[:i], d.segs[i+1:]...)
			delete(d.items, old.href)
			if d.byUID[old.uid] == old {
				delete(d.byUID, old.uid)
			}
			return Entry{}, nil
		}
		comps, tzs, err := d.itemFrom(op.Data, old.uid)
		if err != nil {
			return Entry{}, err
		}
		d.addTimezones(tzs)
		it := newItem(old.href, old.uid, comps)
		d.segs[i].item = it
		d.items[it.href] = it
		if d.byUID[old.uid] == old {
			d.byUID[old.uid] = it
		}
		return it.entry(), nil
	}
	return Entry{}, fmt.Errorf("%w: unknown op %v", ErrInvalid, op.Kind)
}

// segIndex finds an item's segment. A linear scan is fine: it runs once
// per op next to a rewrite that is linear anyway.
func (d *document) segIndex(it *item) int {
	for i, s := range d.segs {
		if s.item == it {
			return i
		}
	}
	panic("store: item not in its document") // an invariant of document
}

// itemFrom splits caller data into one item's components, all carrying
// uid (an item without it would fall apart on the next read), plus the
// time zones it brings.
func (d *document) itemFrom(data []byte, uid string) (comps, tzs []*component, err error) {
	if !d.ical {
		p, err := splitVCards(data)
		if err != nil {
			return nil, nil, err
		}
		for _, s := range p.segs {
			if s.comp != nil {
				comps = append(comps, s.comp)
			}
		}
		if len(comps) != 1 {
			return nil, nil, fmt.Errorf("%w: want one vCard, got %d", ErrInvalid, len(comps))
		}
		if comps[0].uid != uid {
			return nil, nil, fmt.Errorf("%w: vCard UID %q, want %q", ErrInvalid, comps[0].uid, uid)
		}
		return comps, nil, nil
	}
	p, err := splitCalendar(data)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range p.segs {
		switch c := s.comp; {
		case c == nil:
		case c.name == "VTIMEZONE":
			tzs = append(tzs, c)
		case itemComponents[c.name]:
			if c.uid != uid {
				return nil, nil, fmt.Errorf("%w: %s at line %d has UID %q, want %q", ErrInvalid, c.name, c.line, c.uid, uid)
			}
			comps = append(comps, c)
		}
	}
	if len(comps) == 0 {
		return nil, nil, fmt.Errorf("%w: no VEVENT, VTODO or VJOURNAL", ErrInvalid)
	}
	return comps, tzs, nil
}

// addTimezones adds VTIMEZONEs the file lacks, before the items that
// follow, so readers that want definitions first find them.
func (d *document) addTimezones(tzs []*component) {
	for _, tz := range tzs {
		if tz.tzid == "" || d.tz[tz.tzid] != nil {
			continue
		}
		d.tz[tz.tzid] = tz
		d.segs = append(d.segs, docSeg{raw: tz.raw, comp: true})
	}
}

// itemBytes renders one item as a standalone object.
func (d *document) itemBytes(it *item) []byte {
	var b bytes.Buffer
	if !d.ical {
		b.Write(it.comps[0].raw)
		return b.Bytes()
	}
	b.WriteString(newCalendarPrefix)
	b.Write(d.hdr)
	seen := map[string]bool{}
	for _, c := range it.comps {
		for _, id := range c.tzids {
			if tz := d.tz[id]; tz != nil && !seen[id] {
				seen[id] = true
				writeLine(&b, tz.raw)
			}
		}
	}
	for _, c := range it.comps {
		writeLine(&b, c.raw)
	}
	b.WriteString(newCalendarSuffix)
	return b.Bytes()
}

// header finds the calendar's VERSION and PRODID lines for a standalone
// item, defaulting to Cradle's.
func (d *document) header() []byte {
	var version, prodid []byte
	for _, s := range d.segs {
		if s.item != nil || s.comp {
			continue
		}
		_ = eachLine(s.raw, func(l logicalLine) error {
			p, ok := splitProp(l.text)
			switch {
			case !ok:
			case p.name == "VERSION" && version == nil:
				version = s.raw[l.start:l.end]
			case p.name == "PRODID" && prodid == nil:
				prodid = s.raw[l.start:l.end]
			}
			return nil
		})
	}
	if version == nil || prodid == nil {
		return []byte(newCalendarHeader)
	}
	var b bytes.Buffer
	writeLine(&b, version)
	writeLine(&b, prodid)
	return b.Bytes()
}

// bytes renders the whole file.
func (d *document) bytes() []byte {
	var b bytes.Buffer
	b.Write(d.prefix)
	for _, s := range d.segs {
		if s.item == nil {
			writeLine(&b, s.raw)
			continue
		}
		for _, c := range s.item.comps {
			writeLine(&b, c.raw)
		}
	}
	b.Write(d.suffix)
	return b.Bytes()
}

// writeLine appends raw, ending it with a line break if it has none, so
// that the next piece starts on its own line.
func writeLine(b *bytes.Buffer, raw []byte) {
	if b.Len() > 0 && b.Bytes()[b.Len()-1] != '\n' {
		b.WriteString("\r\n")
	}
	b.Write(raw)
}
