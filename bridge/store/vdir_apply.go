package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
)

// maxNameTries bounds the numbered variants of a file name a create tries,
// and the times it is retried after losing a name to a concurrent writer.
const maxNameTries = 20

// Apply implements [Store]. The ops' files are written through one
// [atomicfile.Batch], so a batch costs a constant number of syncs rather
// than two per item, with the same crash safety as single writes: a crash
// leaves each file old or new, and Cradle records the batch only after
// Apply returns, so a redone batch meets its own files as ErrExists.
//
// Ops run in order as if one after the other. Where an op touches a file an
// earlier op of the batch is still to write or remove, the ops before it
// are committed first, so it sees their result. Updates and deletes are
// checked against their ifMatch when the batch is put together and again
// just before their file is replaced, as [Vdir.Update] does.
//
// Apply returns an error, and no op takes effect, when syncing the batch
// fails before any file was replaced. Once some ops took effect, a later
// failure is reported on each op it kept from taking effect.
func (v *Vdir) Apply(ctx context.Context, ops []Op) ([]Result, error) {
	res := make([]Result, len(ops))
	queue := make([]int, len(ops))
	for i := range queue {
		queue[i] = i
	}
	tries := make(map[int]int)
	tookEffect := false
	for len(queue) > 0 {
		b := v.newBatch()
		n := 0
		for ; n < len(queue) && ctx.Err() == nil; n++ {
			i := queue[n]
			if !b.add(i, ops[i], &res[i]) {
				break // touches a file the batch has yet to write
			}
		}
		queue = queue[n:]
		if err := ctx.Err(); err != nil {
			// Ops already done stay done; the rest are not done.
			for _, q := range b.queued {
				res[q.op] = Result{Err: err}
			}
			for _, i := range queue {
				res[i] = Result{Err: err}
			}
			return res, nil
		}
		retry, done, err := b.commit(res)
		tookEffect = tookEffect || done
		if err != nil {
			for _, i := range queue {
				res[i] = Result{Err: fmt.Errorf("%v not done: %w", ops[i].Kind, err)}
			}
			if !tookEffect {
				return res, err
			}
			return res, nil
		}
		// A concurrent writer took the names chosen for these creates:
		// choose again, first thing in the next batch.
		var again []int
		for _, i := range retry {
			tries[i]++
			if tries[i] >= maxNameTries {
				res[i] = Result{Err: fmt.Errorf("create %q: file names keep being taken: %w", ops[i].UID, fs.ErrExist)}
				continue
			}
			again = append(again, i)
		}
		queue = append(again, queue...)
	}
	return res, nil
}

// vdirBatch is one group of ops of an Apply that touch distinct files and
// are committed together.
type vdirBatch struct {
	v      *Vdir
	b      atomicfile.Batch
	queued []queuedOp
	// touched maps the path of each queued op to the op.
	touched map[string]queuedOp
}

// queuedOp is an op waiting in the batch for its file to be written or
// removed. Its atomicfile item is its index in queued.
type queuedOp struct {
	op   int // index in Apply's ops
	kind OpKind
	href string
	uid  string
	data []byte
}

func (v *Vdir) newBatch() *vdirBatch {
	return &vdirBatch{v: v, touched: make(map[string]queuedOp)}
}

// add queues op (number i of the Apply) in the batch or, if it fails before
// touching the disk, sets its result. It returns false, doing nothing, if
// the op depends on a file the batch is still to write or remove.
func (b *vdirBatch) add(i int, op Op, res *Result) bool {
	ok, err := true, error(nil)
	switch op.Kind {
	case OpCreate:
		ok, err = b.addCreate(i, op)
	case OpUpdate:
		ok, err = b.addUpdate(i, op)
	case OpDelete:
		ok, err = b.addDelete(i, op)
	default:
		err = fmt.Errorf("%w: unknown op %v", ErrInvalid, op.Kind)
	}
	if ok && err != nil {
		*res = Result{Err: err}
	}
	return ok
}

// addCreate picks the file for a new item as [Vdir.Create] describes,
// treating files the batch is about to create as existing.
func (b *vdirBatch) addCreate(i int, op Op) (bool, error) {
	v := b.v
	if op.UID == "" {
		return true, fmt.Errorf("create: %w: empty UID", ErrInvalid)
	}
	if int64(len(op.Data)) > v.opts.MaxItemSize {
		return true, fmt.Errorf("create %q: %w", op.UID, ErrTooLarge)
	}
	stem := FileStem(op.UID)
	for n := 1; n <= maxNameTries; n++ {
		href := stem + v.ext
		if n > 1 {
			href = stem + "~" + strconv.Itoa(n) + v.ext
		}
		p := filepath.Join(v.dir, href)
		if q, ok := b.touched[p]; ok {
			if q.kind != OpCreate {
				return false, nil
			}
			if q.uid == op.UID {
				return true, fmt.Errorf("create %q as %s: %w", op.UID, href, ErrExists)
			}
			continue
		}
		_, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			b.queue(queuedOp{op: i, kind: OpCreate, href: href, uid: op.UID, data: op.Data}, p)
			b.b.Add(p, op.Data, atomicfile.Options{
				Perm:         v.opts.Perm,
				NoReplace:    true,
				BeforeRename: v.recordWrite(p),
			})
			return true, nil
		}
		if err != nil {
			return true, fmt.Errorf("create %q: %w", op.UID, err)
		}
		// Taken: by this very item, or by another that sanitises alike.
		// What cannot be read is not this item either.
		existing, _, rerr := v.read(p)
		if rerr == nil {
			if got, _ := v.opts.uid()(existing); got == op.UID {
				return true, fmt.Errorf("create %q as %s: %w", op.UID, href, ErrExists)
			}
		}
	}
	return true, fmt.Errorf("create %q: no free file name for %s", op.UID, stem)
}

// addUpdate checks an update's condition and queues its write.
func (b *vdirBatch) addUpdate(i int, op Op) (bool, error) {
	v := b.v
	p, err := v.path(op.Href)
	if err != nil {
		return true, fmt.Errorf("update: %w", err)
	}
	if _, ok := b.touched[p]; ok {
		return false, nil
	}
	if int64(len(op.Data)) > v.opts.MaxItemSize {
		return true, fmt.Errorf("update %s: %w", op.Href, ErrTooLarge)
	}
	if err := v.check(p, op.IfMatch); err != nil {
		return true, fmt.Errorf("update %s: %w", op.Href, err)
	}
	uid, err := v.opts.uid()(op.Data)
	if err != nil {
		uid = ""
	}
	b.queue(queuedOp{op: i, kind: OpUpdate, href: op.Href, uid: uid, data: op.Data}, p)
	record := v.recordWrite(p)
	ifMatch := op.IfMatch
	b.b.Add(p, op.Data, atomicfile.Options{
		Perm: v.opts.Perm,
		// The user may have edited the file since the check above.
		BeforeRename: func(fi fs.FileInfo) error {
			if err := v.check(p, ifMatch); err != nil {
				return err
			}
			return record(fi)
		},
	})
	return true, nil
}

// addDelete checks a delete's condition and queues the removal.
func (b *vdirBatch) addDelete(i int, op Op) (bool, error) {
	v := b.v
	p, err := v.path(op.Href)
	if err != nil {
		return true, fmt.Errorf("delete: %w", err)
	}
	if _, ok := b.touched[p]; ok {
		return false, nil
	}
	if err := v.check(p, op.IfMatch); err != nil {
		return true, fmt.Errorf("delete %s: %w", op.Href, err)
	}
	b.queue(queuedOp{op: i, kind: OpDelete, href: op.Href}, p)
	ifMatch := op.IfMatch
	b.b.Remove(p, func() error {
		if err := v.check(p, ifMatch); err != nil {
			return err
		}
		if v.opts.Log != nil {
			v.opts.Log.Deleted(p)
		}
		return nil
	})
	return true, nil
}

func (b *vdirBatch) queue(q queuedOp, path string) {
	b.queued = append(b.queued, q)
	b.touched[path] = q
}

// commit writes the batch and sets the results of its ops. It returns the
// creates to retry because their file name was taken meanwhile, whether any
// op took effect, and the error of a commit that failed as a whole.
func (b *vdirBatch) commit(res []Result) (retry []int, done bool, err error) {
	if len(b.queued) == 0 {
		return nil, false, nil
	}
	if v := b.v; v.beforeCommit != nil {
		v.beforeCommit()
	}
	out, cerr := b.b.Commit()
	v := b.v
	for k, q := range b.queued {
		r := out[k]
		done = done || r.Done
		if r.Done {
			if q.kind == OpDelete {
				v.forget(q.href)
			} else {
				fp := FingerprintOf(r.Info)
				v.remember(q.href, fp, q.uid)
				if r.Err == nil {
					res[q.op].Entry = Entry{Href: q.href, UID: q.uid, Etag: fileEtag(fp, ContentHash(q.data))}
				}
			}
		}
		if r.Err == nil {
			continue
		}
		switch {
		case q.kind == OpCreate && !r.Done && errors.Is(r.Err, fs.ErrExist):
			retry = append(retry, q.op)
		case q.kind == OpCreate:
			res[q.op].Err = fmt.Errorf("create %q: %w", q.uid, r.Err)
		case q.kind == OpDelete && errors.Is(r.Err, fs.ErrNotExist):
			res[q.op].Err = fmt.Errorf("delete %s: %w", q.href, ErrNotFound)
		default:
			res[q.op].Err = fmt.Errorf("%v %s: %w", q.kind, q.href, r.Err)
		}
	}
	if cerr != nil && !done {
		return nil, false, fmt.Errorf("apply to %s: %w", v.dir, cerr)
	}
	return retry, done, nil
}

func (v *Vdir) forget(href string) {
	v.mu.Lock()
	delete(v.uids, href)
	v.mu.Unlock()
}
