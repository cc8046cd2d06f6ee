package main

import (
	"fmt"
	"strings"
)

// row is one line of the table: which benchmark and unit give Cradle's
// value, its target, and optionally the alternative measured next to it.
type row struct {
	figure string
	bench  string // regexp on the benchmark name, anchored, without -GOMAXPROCS
	unit   string
	goal   goal
	vs     *versus
}

// goal is a target on Cradle's own value. A zero limit means the value is
// reported without a target.
type goal struct {
	limit float64
	// atMost: lower is better and value ≤ limit passes; else value ≥ limit
	// passes. It also gives the direction of a comparison's ratio, so a
	// reported-only row with a comparison still sets it.
	atMost bool
	show   string
}

// versus is the alternative a figure is compared with. Its value must come
// from the same `make bench` run; the ratio is how many times better
// Cradle is, in the direction of the row's goal.
type versus struct {
	bench    string
	unit     string
	minRatio float64 // 0: the ratio is reported without a target
}

// result is one evaluated row, every cell already formatted.
type result struct {
	figure, value, versus, ratio, target, verdict string
	miss, missing                                 bool
}

func (r result) failed() bool { return r.miss || r.missing }

// evaluate fills every row from m.
func evaluate(rows []row, m metrics) []result {
	out := make([]result, 0, len(rows))
	for _, r := range rows {
		out = append(out, evaluateRow(r, m))
	}
	return out
}

func evaluateRow(r row, m metrics) result {
	res := result{figure: r.figure, versus: "", ratio: "", target: targetText(r)}
	val, n := m.median(r.bench, r.unit)
	if n == 0 {
		res.value, res.verdict, res.missing = "not run", "MISSING", true
		return res
	}
	res.value = format(val, r.unit)
	var misses []string
	if g := r.goal; g.limit != 0 {
		switch {
		case g.atMost && val > g.limit:
			misses = append(misses, by(val/g.limit, "over"))
		case !g.atMost && val < g.limit:
			misses = append(misses, by(g.limit/val, "under"))
		}
	}
	if r.vs != nil {
		cmp, cn := m.median(r.vs.bench, r.vs.unit)
		if cn == 0 {
			res.versus, res.verdict, res.missing = "not run", "MISSING (comparison)", true
			return res
		}
		res.versus = format(cmp, r.vs.unit)
		ratio := better(val, cmp, r.goal.atMost)
		res.ratio = fmt.Sprintf("%.1f×", ratio)
		if r.vs.minRatio != 0 && ratio < r.vs.minRatio {
			misses = append(misses, fmt.Sprintf("ratio %.1f× < %g×", ratio, r.vs.minRatio))
		}
	}
	switch {
	case len(misses) > 0:
		res.verdict, res.miss = "MISS ("+strings.Join(misses, "; ")+")", true
	case r.goal.limit == 0 && (r.vs == nil || r.vs.minRatio == 0):
		res.verdict = "-"
	default:
		res.verdict = "ok"
	}
	return res
}

// by says how far a value misses its target, given factor ≥ 1: as a
// percentage while that reads better than "1.0×".
func by(factor float64, dir string) string {
	if factor < 1.1 {
		return fmt.Sprintf("%.1f%% %s", (factor-1)*100, dir)
	}
	return fmt.Sprintf("%.1f× %s", factor, dir)
}

// better is how many times Cradle's value beats the comparison's: for a
// lower-is-better figure comparison/value, else value/comparison. A zero
// denominator gives +Inf, which prints as such rather than hiding.
func better(val, cmp float64, lowerIsBetter bool) float64 {
	if lowerIsBetter {
		return cmp / val
	}
	return val / cmp
}

func targetText(r row) string {
	var parts []string
	if r.goal.show != "" {
		parts = append(parts, r.goal.show)
	}
	if r.vs != nil && r.vs.minRatio != 0 {
		parts = append(parts, fmt.Sprintf("≥ %g× better", r.vs.minRatio))
	}
	if len(parts) == 0 {
		return "(reported)"
	}
	return strings.Join(parts, "; ")
}

// format prints a value in its unit; durations in ns/op are scaled.
func format(v float64, unit string) string {
	if unit == "ns/op" {
		switch {
		case v >= 1e9:
			return fmt.Sprintf("%.2f s", v/1e9)
		case v >= 1e6:
			return fmt.Sprintf("%.1f ms", v/1e6)
		default:
			return fmt.Sprintf("%.1f µs", v/1e3)
		}
	}
	switch {
	case v >= 1000:
		return grouped(v) + " " + unit
	case v >= 100:
		return fmt.Sprintf("%.0f %s", v, unit)
	case v >= 1:
		return fmt.Sprintf("%.1f %s", v, unit)
	default:
		return fmt.Sprintf("%.3g %s", v, unit)
	}
}

// grouped prints v rounded to an integer with thousands separators.
func grouped(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
