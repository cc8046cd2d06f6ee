package crash

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/cradle-sync/cradle/bridge/reconcile"
)

// Driver makes random changes on both sides and remembers which items it
// created and has not deleted. It is used from one goroutine.
type Driver struct {
	rng *rand.Rand
	dav *DAV
	// dirs are the local vdir folders per kind; a kind without one gets
	// no local changes (before the first sync made the folder).
	dirs map[Kind]string
	// server caches the server's items per kind by DAV name; refreshed by
	// Refresh, kept up to date with the driver's own changes in between.
	server map[Kind]map[string]string
	next   int             // the last token number handed out
	ver    int             // the last version number handed out
	live   map[string]bool // tokens created and not deleted by the driver
	// gone maps tokens the driver deleted on the server to their DAV name.
	gone map[string]string
	// Ops counts the changes made, by "side kind op" (e.g. "local event edit").
	Ops map[string]int
}

// NewDriver returns a driver whose choices all come from rng.
func NewDriver(rng *rand.Rand, dav *DAV) *Driver {
	return &Driver{rng: rng, dav: dav, dirs: map[Kind]string{},
		server: map[Kind]map[string]string{Contact: {}, Event: {}},
		live:   map[string]bool{}, gone: map[string]string{}, Ops: map[string]int{}}
}

// SetDir tells the driver where the local items of kind k live.
func (d *Driver) SetDir(k Kind, dir string) { d.dirs[k] = dir }

// Live returns the tokens the driver created and never deleted.
func (d *Driver) Live() map[string]bool {
	out := make(map[string]bool, len(d.live))
	for t := range d.live {
		out[t] = true
	}
	return out
}

// DeletedOnServer maps the tokens the driver deleted on the server to the
// DAV name they had.
func (d *Driver) DeletedOnServer() map[string]string {
	out := make(map[string]string, len(d.gone))
	for t, n := range d.gone {
		out[t] = n
	}
	return out
}

func (d *Driver) token(k Kind) string {
	d.next++
	if k == Event {
		return fmt.Sprintf("E%05d", d.next)
	}
	return fmt.Sprintf("C%05d", d.next)
}

// value is a new key field value for tok, unique over the whole run.
func (d *Driver) value(tok, side string) string {
	d.ver++
	return fmt.Sprintf("%s v%d %s", tok, d.ver, side)
}

// Seed creates contacts and events on the server before the first sync,
// several at a time (one PUT takes SOGo about 90 ms).
func (d *Driver) Seed(ctx context.Context, contacts, events int) error {
	type put struct {
		k          Kind
		name, body string
	}
	var puts []put
	for i := 0; i < contacts+events; i++ {
		k := Contact
		if i >= contacts {
			k = Event
		}
		tok := d.token(k)
		uid := "seed-" + strings.ToLower(tok)
		body := Body(k, uid, d.value(tok, "seed"), d.next)
		puts = append(puts, put{k, uid + k.Ext(), body})
		d.live[tok] = true
		d.server[k][uid+k.Ext()] = body
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan put)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if err := d.dav.Put(ctx, p.k, p.name, p.body); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for _, p := range puts {
		select {
		case work <- p:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return fmt.Errorf("seed: %w", err)
	default:
	}
	d.Ops["server seed"] += len(puts)
	return nil
}

// Refresh reloads the cached server listing (the daemon adds and removes
// server items between the driver's changes).
func (d *Driver) Refresh(ctx context.Context) error {
	for _, k := range []Kind{Contact, Event} {
		rs, err := d.dav.List(ctx, k)
		if err != nil {
			return err
		}
		m := make(map[string]string, len(rs))
		for _, r := range rs {
			m[r.Name] = r.Body
		}
		d.server[k] = m
	}
	return nil
}

// Step makes one random change: a create, edit or delete of a contact or
// an event, on the server or in the local folder. It returns a short
// description of what it did.
func (d *Driver) Step(ctx context.Context) (string, error) {
	k := Contact
	if d.rng.IntN(100) < 35 {
		k = Event
	}
	local := d.dirs[k] != "" && d.rng.IntN(2) == 0
	side := "server"
	if local {
		side = "local"
	}
	op := "create"
	switch r := d.rng.IntN(100); {
	case r < 45:
		op = "edit"
	case r < 70:
		op = "delete"
	}
	var what string
	var err error
	switch {
	case local:
		what, err = d.localStep(k, op)
	default:
		what, err = d.serverStep(ctx, k, op)
	}
	if err != nil {
		return "", fmt.Errorf("%s %s %s: %w", side, k, op, err)
	}
	return what, nil
}

// Clash edits one item on both sides with different values, the way two
// people editing the same contact would; once both edits meet, the engine
// must keep the server's value in place and the local one as a conflict
// copy. It returns "" when no item is on both sides of the driver's view.
func (d *Driver) Clash(ctx context.Context) (string, error) {
	k := Contact
	if d.rng.IntN(100) < 35 {
		k = Event
	}
	dir := d.dirs[k]
	if dir == "" {
		return "", nil
	}
	files, err := LocalFiles(dir, k)
	if err != nil {
		return "", err
	}
	byToken := map[string]string{}
	for name, body := range d.server[k] {
		if tok, _, ok := KeyField(k, body); ok {
			byToken[tok] = name
		}
	}
	both := map[string]string{} // local file → server name
	for f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			continue
		}
		if tok, _, ok := KeyField(k, string(b)); ok && byToken[tok] != "" {
			both[f] = byToken[tok]
		}
	}
	file := pick(d.rng, both)
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return "", err
	}
	tok, _, _ := KeyField(k, string(b))
	lv := d.value(tok, "local")
	nb, _ := SetKeyField(k, string(b), lv)
	if err := writeAtomic(d.rng, dir, file, []byte(nb)); err != nil {
		return "", err
	}
	name := both[file]
	sv := d.value(tok, "server")
	sb, _ := SetKeyField(k, d.server[k][name], sv)
	if err := d.dav.Put(ctx, k, name, sb); err != nil {
		return "", err
	}
	d.server[k][name] = sb
	d.Ops["both "+k.String()+" edit"]++
	return fmt.Sprintf("clash on %s: local %s → %s, server %s → %s", tok, file, lv, name, sv), nil
}

// pick returns a random key of m, or "" when m is empty. Keys are sorted
// first so a seed replays the same choices.
func pick[V any](rng *rand.Rand, m map[string]V) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[rng.IntN(len(keys))]
}

func (d *Driver) serverStep(ctx context.Context, k Kind, op string) (string, error) {
	name := pick(d.rng, d.server[k])
	if name == "" {
		op = "create"
	}
	switch op {
	case "edit":
		body := d.server[k][name]
		tok, _, ok := KeyField(k, body)
		if !ok {
			return "", fmt.Errorf("server item %s has no key field", name)
		}
		v := d.value(tok, "server")
		nb, _ := SetKeyField(k, body, v)
		if err := d.dav.Put(ctx, k, name, nb); err != nil {
			return "", err
		}
		d.server[k][name] = nb
		d.Ops["server "+k.String()+" edit"]++
		return "server edit " + name + " → " + v, nil
	case "delete":
		tok, _, _ := KeyField(k, d.server[k][name])
		err := d.dav.Delete(ctx, k, name)
		delete(d.server[k], name)
		if errors.Is(err, ErrNotFound) {
			return "server delete " + name + ": already gone", nil
		}
		if err != nil {
			return "", err
		}
		delete(d.live, tok)
		d.gone[tok] = name
		d.Ops["server "+k.String()+" delete"]++
		return "server delete " + name + " (" + tok + ")", nil
	}
	tok := d.token(k)
	uid := "srv-" + strings.ToLower(tok)
	v := d.value(tok, "server")
	body := Body(k, uid, v, d.next)
	if err := d.dav.Put(ctx, k, uid+k.Ext(), body); err != nil {
		return "", err
	}
	d.server[k][uid+k.Ext()] = body
	d.live[tok] = true
	d.Ops["server "+k.String()+" create"]++
	return "server create " + uid + k.Ext() + " → " + v, nil
}

// LocalFiles returns the item files of a vdir folder by name (conflict
// copies, dot files and other extensions left out).
func LocalFiles(dir string, k Kind) (map[string]bool, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.HasSuffix(n, k.Ext()) || strings.Contains(n, reconcile.ConflictInfix) {
			continue
		}
		out[n] = true
	}
	return out, nil
}

func (d *Driver) localStep(k Kind, op string) (string, error) {
	dir := d.dirs[k]
	files, err := LocalFiles(dir, k)
	if err != nil {
		return "", err
	}
	name := pick(d.rng, files)
	if name == "" {
		op = "create"
	}
	switch op {
	case "edit":
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			return "local edit " + name + ": gone meanwhile", nil
		}
		if err != nil {
			return "", err
		}
		tok, _, ok := KeyField(k, string(b))
		if !ok {
			return "", fmt.Errorf("local item %s has no key field: %q", name, b)
		}
		v := d.value(tok, "local")
		nb, _ := SetKeyField(k, string(b), v)
		if err := writeAtomic(d.rng, dir, name, []byte(nb)); err != nil {
			return "", err
		}
		d.Ops["local "+k.String()+" edit"]++
		return "local edit " + name + " → " + v, nil
	case "delete":
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			err = os.Remove(filepath.Join(dir, name))
		}
		if errors.Is(err, fs.ErrNotExist) {
			return "local delete " + name + ": gone meanwhile", nil
		}
		if err != nil {
			return "", err
		}
		tok, _, _ := KeyField(k, string(b))
		delete(d.live, tok)
		d.Ops["local "+k.String()+" delete"]++
		return "local delete " + name + " (" + tok + ")", nil
	}
	tok := d.token(k)
	uid := "loc-" + strings.ToLower(tok)
	v := d.value(tok, "local")
	if err := writeAtomic(d.rng, dir, uid+k.Ext(), []byte(Body(k, uid, v, d.next))); err != nil {
		return "", err
	}
	d.live[tok] = true
	d.Ops["local "+k.String()+" create"]++
	return "local create " + uid + k.Ext() + " → " + v, nil
}

// writeAtomic saves a file the way editors do: a temporary file in the
// same folder (a dot file, which a vdir ignores), then a rename over the
// item.
func writeAtomic(rng *rand.Rand, dir, name string, b []byte) error {
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.%08x.tmp", name, rng.Uint32()))
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
