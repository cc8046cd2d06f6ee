package crash

import (
	"fmt"
	"sort"
	"strings"
)

// Side is one side's items at the end of a run: for each token, the key
// field values of the resources (server) or files (local) carrying it.
// More than one value for a token is a duplicate.
type Side map[string][]string

// Add records one resource or file with the given body. Bodies without a
// key field are returned as an error: the harness writes none, so one
// means an item was mangled.
func (s Side) Add(k Kind, where, body string) error {
	tok, v, ok := KeyField(k, body)
	if !ok {
		return fmt.Errorf("%s: no %s in %q", where, k.keyProp(), body)
	}
	s[tok] = append(s[tok], v)
	return nil
}

// Tally is the outcome of comparing the two sides.
type Tally struct {
	// Lost counts items the driver created and never deleted that are
	// missing on either side.
	Lost int
	// Duplicated counts surplus copies: a token held by n resources on
	// the server or n files locally adds n-1.
	Duplicated int
	// Diverged counts items the sides disagree on although no rule says
	// they may: present on one side only (after a delete the other side
	// did not follow), or with different key fields.
	Diverged int
	// Problems describes every item counted above, one line each, sorted.
	Problems []string
}

// OK reports whether nothing was lost, duplicated or left diverged.
func (t Tally) OK() bool { return t.Lost == 0 && t.Duplicated == 0 && t.Diverged == 0 }

// Compare checks the converged sides against each other and against live,
// the tokens the driver created and never deleted on either side.
//
// The rules: after convergence every token present on either side is
// present on both, exactly once on each, with equal key fields. Which
// version wins is left to the engine's merge rules (an edit beats a
// concurrent delete, the server's value wins a clash and the local one is
// kept as a conflict copy, which is not an item and not in either Side);
// only agreement is checked, so a deleted item that came back because the
// other side edited it is not an error. A live token must exist: nothing
// the user made and kept may disappear.
func Compare(server, local Side, live map[string]bool) Tally {
	var t Tally
	toks := map[string]bool{}
	for tok := range server {
		toks[tok] = true
	}
	for tok := range local {
		toks[tok] = true
	}
	for tok := range live {
		toks[tok] = true
	}
	for tok := range toks {
		s, l := server[tok], local[tok]
		if n := len(s); n > 1 {
			t.Duplicated += n - 1
			t.Problems = append(t.Problems, fmt.Sprintf("%s: %d resources on the server: %q", tok, n, s))
		}
		if n := len(l); n > 1 {
			t.Duplicated += n - 1
			t.Problems = append(t.Problems, fmt.Sprintf("%s: %d local files: %q", tok, n, l))
		}
		switch {
		case len(s) == 0 || len(l) == 0:
			where := "the server"
			if len(l) == 0 {
				where = "the local folder"
			}
			if len(s) == 0 && len(l) == 0 {
				where = "both sides"
			}
			if live[tok] {
				t.Lost++
				t.Problems = append(t.Problems, fmt.Sprintf("%s: created, never deleted, missing on %s (server %q, local %q)", tok, where, s, l))
			} else {
				t.Diverged++
				t.Problems = append(t.Problems, fmt.Sprintf("%s: missing on %s only (server %q, local %q)", tok, where, s, l))
			}
		case !sameValues(s, l):
			t.Diverged++
			t.Problems = append(t.Problems, fmt.Sprintf("%s: sides differ: server %q, local %q", tok, s, l))
		}
	}
	sort.Strings(t.Problems)
	return t
}

// sameValues reports whether both sides hold one and the same value
// (duplicates are counted apart; here every copy must agree).
func sameValues(a, b []string) bool {
	for _, x := range append(append([]string(nil), a...), b...) {
		if x != a[0] {
			return false
		}
	}
	return true
}

// Summary is the one line a run prints.
func (t Tally) Summary(kills, conflicts int) string {
	return fmt.Sprintf("kills=%d lost=%d duplicated=%d diverged=%d conflicts=%d", kills, t.Lost, t.Duplicated, t.Diverged, conflicts)
}

// String lists the problems, for a failing test's log.
func (t Tally) String() string { return strings.Join(t.Problems, "\n") }
