package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

const sample = `goos: linux
pkg: github.com/cradle-sync/cradle/bridge/watch
BenchmarkScanNoop10000-2   	      19	  63000000 ns/op
BenchmarkScanNoop10000-2   	      19	  71000000 ns/op
BenchmarkScanNoop10000-2   	      19	  65000000 ns/op
BenchmarkVdirsyncerNoop10000-2   	1	2600000000 ns/op	  310.0 startup-ms
BenchmarkSOGoInitialSync/10000Contacts5000Events-2   	1	27048671741 ns/op	10.35 cpu%	185.0 items/s	46.31 peak-RSS-MB
BenchmarkSOGoIdleHeartbeat-2   	3	10038629430 ns/op	949.0 bytes/heartbeat	1963 bytes/idle-hour
BenchmarkSOGoScheduledSync5Min-2   	3	 20000000 ns/op	3100 bytes/round	37200 bytes/hour
2026/11/26 03:00:47 INFO retrying later account=sogo
BenchmarkDecodeSync500Contacts/tokens-2	100	1000 ns/op	92.2 MB/s
PASS
`

func TestParseKeepsEveryRunAndStripsProcs(t *testing.T) {
	m, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := m["BenchmarkScanNoop10000"]["ns/op"]; len(got) != 3 {
		t.Fatalf("runs of BenchmarkScanNoop10000 = %v, want 3", got)
	}
	if _, ok := m["BenchmarkSOGoInitialSync/10000Contacts5000Events"]["cpu%"]; !ok {
		t.Errorf("sub-benchmark metrics missing: %v", m)
	}
	if _, ok := m["BenchmarkDecodeSync500Contacts/tokens"]["MB/s"]; !ok {
		t.Errorf("tab-separated line not parsed: %v", m)
	}
}

func TestMedian(t *testing.T) {
	m := metrics{"BenchmarkX": {"u": {5, 1, 3}}, "BenchmarkY": {"u": {4, 2}}}
	for _, tc := range []struct {
		pattern string
		want    float64
		n       int
	}{
		{"BenchmarkX", 3, 3},
		{"BenchmarkY", 3, 2},
		{"BenchmarkZ", 0, 0},
		{"Benchmark", 0, 0}, // anchored: no prefix matches
	} {
		got, n := m.median(tc.pattern, "u")
		if got != tc.want || n != tc.n {
			t.Errorf("median(%q) = %v, %d; want %v, %d", tc.pattern, got, n, tc.want, tc.n)
		}
	}
	if _, n := m.median("BenchmarkX", "other"); n != 0 {
		t.Error("a unit the benchmark did not report matched")
	}
}

func TestEvaluate(t *testing.T) {
	m, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		row  row
		want result
	}{
		{"at most, met, compared", row{"scan", `BenchmarkScanNoop10000`, "ns/op", goal{100e6, true, "≤ 100 ms"},
			&versus{`BenchmarkVdirsyncerNoop10000`, "ns/op", 10}},
			result{value: "65.0 ms", versus: "2.60 s", ratio: "40.0×", target: "≤ 100 ms; ≥ 10× better", verdict: "ok"}},
		{"ratio missed", row{"scan", `BenchmarkScanNoop10000`, "ns/op", goal{atMost: true},
			&versus{`BenchmarkVdirsyncerNoop10000`, "ns/op", 50}},
			result{value: "65.0 ms", versus: "2.60 s", ratio: "40.0×", target: "≥ 50× better", verdict: "MISS (ratio 40.0× < 50×)", miss: true}},
		{"bytes", row{"idle", `BenchmarkSOGoIdleHeartbeat`, "bytes/idle-hour", goal{2500, true, "≤ 2,500 B/h"},
			&versus{`BenchmarkSOGoScheduledSync5Min`, "bytes/hour", 10}},
			result{value: "1,963 bytes/idle-hour", versus: "37,200 bytes/hour", ratio: "19.0×", target: "≤ 2,500 B/h; ≥ 10× better", verdict: "ok"}},
		{"at least, missed", row{"sync", `BenchmarkSOGoInitialSync/10000Contacts5000Events`, "items/s", goal{200, false, "≥ 200"}, nil},
			result{value: "185 items/s", target: "≥ 200", verdict: "MISS (8.1% under)", miss: true}},
		{"at least, missed by more", row{"sync", `BenchmarkSOGoInitialSync/10000Contacts5000Events`, "items/s", goal{400, false, "≥ 400"}, nil},
			result{value: "185 items/s", target: "≥ 400", verdict: "MISS (2.2× under)", miss: true}},
		{"at most, missed", row{"cpu", `BenchmarkSOGoInitialSync/10000Contacts5000Events`, "cpu%", goal{10, true, "≤ 10 %"}, nil},
			result{value: "10.3 cpu%", target: "≤ 10 %", verdict: "MISS (3.5% over)", miss: true}},
		{"reported only", row{"hb", `BenchmarkSOGoIdleHeartbeat`, "bytes/heartbeat", goal{}, nil},
			result{value: "949 bytes/heartbeat", target: "(reported)", verdict: "-"}},
		{"not run", row{"x", `BenchmarkNope`, "ns/op", goal{1, true, "≤ 1"}, nil},
			result{value: "not run", target: "≤ 1", verdict: "MISSING", missing: true}},
		{"comparison not run", row{"x", `BenchmarkScanNoop10000`, "ns/op", goal{atMost: true}, &versus{`BenchmarkNope`, "ns/op", 10}},
			result{value: "65.0 ms", versus: "not run", target: "≥ 10× better", verdict: "MISSING (comparison)", missing: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.figure = tc.row.figure
			if got := evaluateRow(tc.row, m); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRowsAreValid(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rows {
		if _, err := regexp.Compile(r.bench); err != nil {
			t.Errorf("%s: %v", r.figure, err)
		}
		if r.vs != nil {
			if _, err := regexp.Compile(r.vs.bench); err != nil {
				t.Errorf("%s: %v", r.figure, err)
			}
		}
		key := r.bench + " " + r.unit
		if seen[key] {
			t.Errorf("%s %s appears twice", r.bench, r.unit)
		}
		seen[key] = true
	}
}

func TestRenderCountsFailures(t *testing.T) {
	var buf bytes.Buffer
	render(&buf, []result{{figure: "a", verdict: "ok"}, {figure: "b", verdict: "MISSING", missing: true}, {figure: "c", miss: true}})
	if !strings.Contains(buf.String(), "2 of 3 figures miss") {
		t.Errorf("summary wrong:\n%s", buf.String())
	}
}

func TestGrouped(t *testing.T) {
	for in, want := range map[float64]string{10000: "10,000", 1234567: "1,234,567", -98765: "-98,765", 999999.6: "1,000,000"} {
		if got := grouped(in); got != want {
			t.Errorf("grouped(%v) = %q, want %q", in, got, want)
		}
	}
}
