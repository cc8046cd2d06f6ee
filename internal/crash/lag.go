package crash

import (
	"sort"
	"strconv"
	"strings"
)

// version returns the number of a key field value ("C00010 v249 server"
// → 249), or -1 when it has none.
func version(v string) int {
	f := strings.Fields(v)
	if len(f) < 2 || !strings.HasPrefix(f[1], "v") {
		return -1
	}
	n, err := strconv.Atoi(f[1][1:])
	if err != nil {
		return -1
	}
	return n
}

// KindOf returns the kind of a token the driver handed out.
func KindOf(token string) Kind {
	if strings.HasPrefix(token, "E") {
		return Event
	}
	return Contact
}

// ServerLags sorts the items the sides disagree on by direction. lags
// holds, by token, the server resources whose latest change the local side
// has not seen (a newer server version, an item only the server has, or a
// server delete the local side did not follow): the only kind of
// divergence SOGo's same-second blind spot can cause. other lists every
// remaining disagreement (a local change the server lacks, duplicates,
// items gone from both sides): none of those has that excuse.
//
// names maps tokens to their DAV names on the server; deleted maps tokens
// the driver deleted on the server to the name they had.
func ServerLags(server, local Side, names map[string][]string, deleted map[string]string) (lags map[string][]string, other []string) {
	lags = map[string][]string{}
	toks := map[string]bool{}
	for t := range server {
		toks[t] = true
	}
	for t := range local {
		toks[t] = true
	}
	for t := range toks {
		s, l := server[t], local[t]
		switch {
		case len(s) > 1 || len(l) > 1:
			other = append(other, t)
		case len(s) == 1 && len(l) == 0:
			lags[t] = names[t]
		case len(s) == 0 && len(l) == 1:
			if n, ok := deleted[t]; ok {
				lags[t] = []string{n}
			} else {
				other = append(other, t)
			}
		case len(s) == 1 && len(l) == 1 && s[0] != l[0]:
			if version(s[0]) > version(l[0]) {
				lags[t] = names[t]
			} else {
				other = append(other, t)
			}
		}
	}
	sort.Strings(other)
	return lags, other
}
