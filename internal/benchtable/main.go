// Command benchtable reads `go test -bench` output on stdin and prints the
// one table `make bench` ends with: each figure, Cradle's value, the value
// of the alternative it is compared with (measured in the same run), the
// ratio between the two, the target, and whether the target is met.
//
// A benchmark that ran several times (-count) is summarised by the median
// of its runs, so one disturbed run on a shared machine does not decide a
// row. Figures whose benchmark did not run are listed as missing, so a
// silently skipped benchmark shows.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	m, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	results := evaluate(rows, m)
	render(os.Stdout, results)
}

// render prints results as a Markdown table and a closing count.
func render(w io.Writer, results []result) {
	const f = "| %-62s | %17s | %17s | %7s | %-22s | %s |\n"
	fmt.Fprintf(w, f, "figure", "Cradle", "comparison", "ratio", "target", "result")
	fmt.Fprintf(w, "|%s|%s|%s|%s|%s|%s|\n", dashes(64), dashes(19), dashes(19), dashes(9), dashes(24), dashes(8))
	failed := 0
	for _, r := range results {
		if r.failed() {
			failed++
		}
		fmt.Fprintf(w, f, r.figure, r.value, r.versus, r.ratio, r.target, r.verdict)
	}
	fmt.Fprintf(w, "\n%d of %d figures miss their target or did not run.\n", failed, len(results))
}

func dashes(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '-'
	}
	return string(b)
}
