// Command benchtable reads `go test -bench` output on stdin and prints the
// one table `make bench` ends with: each figure, the measured value, the
// target, and whether the target is met. Figures whose benchmark did not
// run are listed as missing, so a silently skipped benchmark shows.
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// row is one line of the table: the benchmark (regexp on its name) and the
// metric unit it reports, the target and its direction.
type row struct {
	figure string
	bench  string
	unit   string
	target float64
	atMost bool // true: value ≤ target passes; false: value ≥ target
	show   string
}

var rows = []row{
	{"WBXML token decode, 500-contact Sync response", `BenchmarkDecodeSync500Contacts/tokens`, "MB/s", 50, false, "≥ 50 MB/s"},
	{"WBXML decode into structs, same response", `BenchmarkDecodeSync500Contacts/unmarshal`, "MB/s", 5, false, "≥ 5 MB/s"},
	{"  allocations per decoded response", `BenchmarkDecodeSync500Contacts/unmarshal`, "allocs/op", 0, true, "(reported)"},
	{"WBXML token encode, same response", `BenchmarkEncodeSync500Contacts/tokens`, "MB/s", 50, false, "≥ 50 MB/s"},
	{"WBXML encode from structs, same response", `BenchmarkEncodeSync500Contacts/marshal`, "MB/s", 2, false, "≥ 2 MB/s"},
	{"Bytes on the wire per idle heartbeat (SOGo)", `BenchmarkSOGoIdleHeartbeat`, "bytes/heartbeat", 0, true, "(reported)"},
	{"Bytes on the wire per idle hour at 29 min heartbeat", `BenchmarkSOGoIdleHeartbeat`, "bytes/idle-hour", 2500, true, "≤ 2,500 B/h"},
	{"Initial sync of 5,000 contacts from SOGo", `BenchmarkSOGoInitialSync5000Contacts`, "items/s", 200, false, "≥ 200 items/s"},
	{"  Cradle's CPU time as a share of wall time", `BenchmarkSOGoInitialSync5000Contacts`, "cpu%", 10, true, "≤ 10 %"},
	{"  peak RSS of the syncing process", `BenchmarkSOGoInitialSync5000Contacts`, "peak-RSS-MB", 150, true, "≤ 150 MB"},
	{"Local file save → contact on the server (p50)", `BenchmarkSOGoLocalSaveToServer`, "ms-p50", 1500, true, "≤ 1,500 ms"},
	{"cradle run idle against SOGo: CPU per minute", `BenchmarkDaemonIdle`, "cpu-s/idle-min", 0.06, true, "≤ 0.06 s/min"},
	{"cradle run idle against SOGo: resident memory", `BenchmarkDaemonIdle`, "RSS-MB", 40, true, "≤ 40 MB"},
	{"Initial sync, Cradle's side, per contact (in-process server)", `BenchmarkInitialSync1000Contacts`, "ms/item", 2, true, "≤ 2 ms/item"},
	{"Vdir batch write, per item", `BenchmarkVdirApply100Creates`, "ms/item", 1, true, "≤ 1 ms/item"},
	{"No-op rescan of a 10,000-file vdir", `BenchmarkScanNoop10000`, "ns/op", 100e6, true, "≤ 100 ms"},
	{"Rescan with 1% changed, 10,000 files", `BenchmarkScan1PercentChanged`, "ns/op", 200e6, true, "≤ 200 ms"},
	{"State: record 10,000 synced items", `BenchmarkApplyServerBatch10000`, "ns/op", 2e9, true, "≤ 2 s"},
	{"Update one item in a 10,000-item single file", `BenchmarkFileUpdateOneOf10000`, "ns/op", 500e6, true, "≤ 500 ms"},
	{"vCard parse + map to EAS, 10,000 contacts", `BenchmarkParseAndMap10000Contacts`, "contacts/s", 2000, false, "≥ 2,000 /s"},
	{"iCalendar parse + map to EAS, 5,000 events", `BenchmarkParseAndMap5000Events`, "events/s", 1000, false, "≥ 1,000 /s"},
	{"Export 10,000 contacts to .vcf", `BenchmarkExport10000Contacts`, "ms/export", 5000, true, "≤ 5 s"},
	{"Export 5,000 events to .ics", `BenchmarkExport5000Events`, "ms/export", 5000, true, "≤ 5 s"},
	{"List 1,000 contacts of an Android phone (real adb server)", `BenchmarkAdbList1000Contacts`, "contacts/s", 1000, false, "≥ 1,000 /s"},
	{"List 1,000 contacts of a gammu phone (dummy driver)", `BenchmarkGammuList1000Contacts`, "contacts/s", 500, false, "≥ 500 /s"},
}

var lineRE = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)

func main() {
	metrics := map[string]map[string]float64{} // bench -> unit -> value
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		fields := strings.Fields(m[3])
		vals := map[string]float64{}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			vals[fields[i+1]] = v
		}
		metrics[m[1]] = vals
	}
	fmt.Printf("| %-58s | %16s | %-16s | %s |\n", "figure", "value", "target", "result")
	fmt.Printf("|%s|%s|%s|%s|\n", strings.Repeat("-", 60), strings.Repeat("-", 18), strings.Repeat("-", 18), "--------")
	failed := 0
	for _, r := range rows {
		var val float64
		found := false
		re := regexp.MustCompile("^" + r.bench + "$")
		for name, vals := range metrics {
			if re.MatchString(name) {
				if v, ok := vals[r.unit]; ok {
					val, found = v, true
				}
			}
		}
		if !found {
			fmt.Printf("| %-58s | %16s | %-16s | %s |\n", r.figure, "not run", r.show, "MISSING")
			failed++
			continue
		}
		shown := format(val, r.unit)
		result := "ok"
		switch {
		case r.target == 0:
			result = "-"
		case r.atMost && val > r.target:
			result = fmt.Sprintf("MISS (%.1f× over)", val/r.target)
			failed++
		case !r.atMost && val < r.target:
			result = fmt.Sprintf("MISS (%.1f× under)", r.target/val)
			failed++
		}
		fmt.Printf("| %-58s | %16s | %-16s | %s |\n", r.figure, shown, r.show, result)
	}
	fmt.Printf("\n%d of %d figures miss their target or did not run.\n", failed, len(rows))
}

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
	return fmt.Sprintf("%.1f %s", v, unit)
}
