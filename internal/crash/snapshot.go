package crash

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cradle-sync/cradle/bridge/reconcile"
)

// ServerSide reads every contact and event on the server; names maps
// each token to the DAV names of the resources carrying it.
func ServerSide(ctx context.Context, dav *DAV) (s Side, names map[string][]string, err error) {
	s, names = Side{}, map[string][]string{}
	for _, k := range []Kind{Contact, Event} {
		rs, err := dav.List(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			if err := s.Add(k, "server "+r.Name, r.Body); err != nil {
				return nil, nil, err
			}
			tok, _, _ := KeyField(k, r.Body)
			names[tok] = append(names[tok], r.Name)
		}
	}
	return s, names, nil
}

// LocalSide reads every item file of the local folders and counts the
// conflict copies beside them, which are not items.
func LocalSide(dirs map[Kind]string) (s Side, conflicts int, err error) {
	s = Side{}
	for k, dir := range dirs {
		files, err := LocalFiles(dir, k)
		if err != nil {
			return nil, 0, err
		}
		for name := range files {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, 0, fmt.Errorf("read %s: %w", name, err)
			}
			if err := s.Add(k, "local "+name, string(b)); err != nil {
				return nil, 0, err
			}
		}
		ents, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, 0, err
		}
		for _, e := range ents {
			if strings.Contains(e.Name(), reconcile.ConflictInfix) {
				conflicts++
			}
		}
	}
	return s, conflicts, nil
}
