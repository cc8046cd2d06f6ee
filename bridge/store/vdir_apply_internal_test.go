package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func card(uid, name string) []byte {
	return fmt.Appendf(nil, "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:%s\r\nEND:VCARD\r\n", uid, name)
}

// TestVdirApplyCommitRaces changes the folder between Apply's checks and
// its commit, where only the checks made just before each rename can see it.
func TestVdirApplyCommitRaces(t *testing.T) {
	userEdit := card("a", "the user's edit, which must survive")
	tests := []struct {
		name string
		// race changes the folder once, before the first commit.
		race func(t *testing.T, dir string)
		// want maps a UID (creates) or href (updates, deletes) to the
		// error its op must end with; the others must succeed.
		want map[string]error
		// check inspects the folder afterwards.
		check func(t *testing.T, v *Vdir, res map[string]Result)
	}{
		{
			name: "foreign file takes a chosen name",
			race: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "new-050.vcf"), card("foreign", "f"))
			},
			check: func(t *testing.T, v *Vdir, res map[string]Result) {
				if h := res["new-050"].Entry.Href; h != "new-050~2.vcf" {
					t.Errorf("create that lost its name got %q, want new-050~2.vcf", h)
				}
				if got, _ := os.ReadFile(filepath.Join(v.dir, "new-050.vcf")); !strings.Contains(string(got), "UID:foreign") {
					t.Errorf("foreign file clobbered: %q", got)
				}
			},
		},
		{
			name: "same item appears",
			race: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "new-050.vcf"), card("new-050", "written by a crashed pass"))
			},
			want: map[string]error{"new-050": ErrExists},
		},
		{
			name: "user edits items being updated and deleted",
			race: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "a.vcf"), userEdit)
				writeFile(t, filepath.Join(dir, "c.vcf"), card("c", "also edited"))
			},
			want: map[string]error{"a.vcf": ErrChanged, "c.vcf": ErrChanged},
			check: func(t *testing.T, v *Vdir, _ map[string]Result) {
				if got, _ := os.ReadFile(filepath.Join(v.dir, "a.vcf")); string(got) != string(userEdit) {
					t.Errorf("user's edit lost: %q", got)
				}
				if _, err := os.Lstat(filepath.Join(v.dir, "c.vcf")); err != nil {
					t.Errorf("edited item deleted: %v", err)
				}
			},
		},
		{
			name: "items removed meanwhile",
			race: func(t *testing.T, dir string) {
				for _, n := range []string{"a.vcf", "c.vcf"} {
					if err := os.Remove(filepath.Join(dir, n)); err != nil {
						t.Fatal(err)
					}
				}
			},
			want: map[string]error{"a.vcf": ErrNotFound, "c.vcf": ErrNotFound},
			check: func(t *testing.T, v *Vdir, _ map[string]Result) {
				if _, err := os.Lstat(filepath.Join(v.dir, "a.vcf")); err == nil {
					t.Error("update of a removed item recreated it")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			log := NewWriteLog()
			v, err := OpenVdir(t.TempDir(), ".vcf", Options{Log: log})
			if err != nil {
				t.Fatal(err)
			}
			etags := make(map[string]Etag)
			for _, uid := range []string{"a", "b", "c"} {
				e, err := v.Create(ctx, uid, card(uid, "v1"))
				if err != nil {
					t.Fatal(err)
				}
				etags[e.Href] = e.Etag
			}
			ops := []Op{
				{Kind: OpUpdate, Href: "a.vcf", Data: card("a", "v2"), IfMatch: etags["a.vcf"]},
				{Kind: OpUpdate, Href: "b.vcf", Data: card("b", "v2"), IfMatch: etags["b.vcf"]},
				{Kind: OpDelete, Href: "c.vcf", IfMatch: etags["c.vcf"]},
			}
			for i := range 100 {
				uid := fmt.Sprintf("new-%03d", i)
				ops = append(ops, Op{Kind: OpCreate, UID: uid, Data: card(uid, "new")})
			}
			raced := false
			v.beforeCommit = func() {
				if !raced {
					raced = true
					tt.race(t, v.dir)
				}
			}
			res, err := v.Apply(ctx, ops)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			byKey := make(map[string]Result)
			for i, op := range ops {
				key := op.UID + op.Href
				byKey[key] = res[i]
				want := tt.want[key]
				if want == nil && res[i].Err != nil {
					t.Errorf("%v %s: %v", op.Kind, key, res[i].Err)
				}
				if want != nil && !errors.Is(res[i].Err, want) {
					t.Errorf("%v %s: err = %v, want %v", op.Kind, key, res[i].Err, want)
				}
				if res[i].Err != nil {
					continue
				}
				if op.Kind == OpDelete {
					p := filepath.Join(v.dir, op.Href)
					if _, err := os.Lstat(p); err == nil || !log.IsOwn(p, Fingerprint{}, false) {
						t.Errorf("delete %s: file left (%v) or not recorded as own", key, err)
					}
					continue
				}
				// Every successful write is on disk as reported and
				// recorded as Cradle's own.
				p := filepath.Join(v.dir, res[i].Entry.Href)
				got, err := os.ReadFile(p)
				if err != nil || string(got) != string(op.Data) {
					t.Errorf("%v %s: file %q, %v", op.Kind, key, got, err)
				}
				fp, err := StatFingerprint(p)
				if err != nil {
					t.Fatal(err)
				}
				if !log.IsOwn(p, fp, true) {
					t.Errorf("%v %s: write not recorded as own", op.Kind, key)
				}
			}
			if tt.check != nil {
				tt.check(t, v, byKey)
			}
		})
	}
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
