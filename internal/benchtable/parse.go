package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// metrics holds every value a run reported: benchmark name (without the
// -GOMAXPROCS suffix) → unit → one value per run, in input order.
type metrics map[string]map[string][]float64

// lineRE matches a result line: name, optional -GOMAXPROCS suffix,
// iteration count, then value/unit pairs.
var lineRE = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)

// parse reads `go test -bench` output. Lines that are not results (test
// logs, PASS, package headers) are ignored.
func parse(r io.Reader) (metrics, error) {
	m := metrics{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		sub := lineRE.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if sub == nil {
			continue
		}
		fields := strings.Fields(sub[3])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			if m[sub[1]] == nil {
				m[sub[1]] = map[string][]float64{}
			}
			m[sub[1]][fields[i+1]] = append(m[sub[1]][fields[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	return m, nil
}

// median returns the median of the values of the first benchmark whose
// name matches pattern (anchored) and that reported unit, and how many runs
// it summarises (0 when none matched).
func (m metrics) median(pattern, unit string) (float64, int) {
	re := regexp.MustCompile("^(?:" + pattern + ")$")
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names) // deterministic when a pattern matches several
	for _, name := range names {
		vals, ok := m[name][unit]
		if !ok || !re.MatchString(name) {
			continue
		}
		s := slices.Sorted(slices.Values(vals))
		n := len(s)
		if n%2 == 1 {
			return s[n/2], n
		}
		return (s[n/2-1] + s[n/2]) / 2, n
	}
	return 0, 0
}
