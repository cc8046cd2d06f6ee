package main

// Targets come from issue 8. Comparison rows name the alternative in the
// figure; its benchmark runs in the same `make bench`.
var rows = []row{
	// Wire format.
	{"WBXML token decode, 500-contact Sync response", `BenchmarkDecodeSync500Contacts/tokens`, "MB/s", goal{50, false, "≥ 50 MB/s"}, nil},
	{"WBXML decode into structs, same response", `BenchmarkDecodeSync500Contacts/unmarshal`, "MB/s", goal{5, false, "≥ 5 MB/s"}, nil},
	{"  allocations per decoded response", `BenchmarkDecodeSync500Contacts/unmarshal`, "allocs/op", goal{}, nil},
	{"WBXML token encode, same response", `BenchmarkEncodeSync500Contacts/tokens`, "MB/s", goal{50, false, "≥ 50 MB/s"}, nil},
	{"WBXML encode from structs, same response", `BenchmarkEncodeSync500Contacts/marshal`, "MB/s", goal{2, false, "≥ 2 MB/s"}, nil},

	// Idle cost, against SOGo, next to a 5-minute scheduled sync.
	{"Bytes on the wire per idle heartbeat (SOGo)", `BenchmarkSOGoIdleHeartbeat`, "bytes/heartbeat", goal{}, nil},
	{"Bytes per idle hour at 29 min heartbeat vs 5-min scheduled sync", `BenchmarkSOGoIdleHeartbeat`, "bytes/idle-hour",
		goal{2500, true, "≤ 2,500 B/h"}, &versus{`BenchmarkSOGoScheduledSync5Min`, "bytes/hour", 10}},
	{"  one scheduled round: FolderSync + Sync of each folder", `BenchmarkSOGoScheduledSync5Min`, "bytes/round", goal{}, nil},
	{"cradle run idle against SOGo: CPU per minute", `BenchmarkDaemonIdle`, "cpu-s/idle-min", goal{0.06, true, "≤ 0.06 s/min"}, nil},
	{"cradle run idle against SOGo: resident memory", `BenchmarkDaemonIdle`, "RSS-MB", goal{40, true, "≤ 40 MB"}, nil},

	// Push: a server change reaching a file.
	{"Push overhead, Cradle's own time, p50 (50 changes)", `BenchmarkSOGoPushToFile`, "own-ms-p50", goal{5, true, "≤ 5 ms"}, nil},
	{"Push overhead, Cradle's own time, p99", `BenchmarkSOGoPushToFile`, "own-ms-p99", goal{20, true, "≤ 20 ms"}, nil},
	{"  Ping response → file durable, with the Sync round trip, p50", `BenchmarkSOGoPushToFile`, "path-ms-p50", goal{}, nil},
	{"  SOGo's detection: PUT → Ping response, p50", `BenchmarkSOGoPushToFile`, "detect-ms-p50", goal{}, nil},
	{"  end to end: CardDAV PUT → file durable, p50", `BenchmarkSOGoPushToFile`, "e2e-ms-p50", goal{}, nil},
	{"Local file save → contact on the server (p50)", `BenchmarkSOGoLocalSaveToServer`, "ms-p50", goal{1500, true, "≤ 1,500 ms"}, nil},

	// Initial sync from SOGo, and how it grows.
	{"Initial sync of 10,000 contacts + 5,000 events from SOGo", `BenchmarkSOGoInitialSync/10000Contacts5000Events`, "items/s", goal{200, false, "≥ 200 items/s"}, nil},
	{"  Cradle's CPU time as a share of wall time", `BenchmarkSOGoInitialSync/10000Contacts5000Events`, "cpu%", goal{10, true, "≤ 10 %"}, nil},
	{"  peak RSS of the syncing process", `BenchmarkSOGoInitialSync/10000Contacts5000Events`, "peak-RSS-MB", goal{150, true, "≤ 150 MB"}, nil},
	{"Initial sync, 1,000 contacts", `BenchmarkSOGoInitialSync/1000Contacts`, "items/s", goal{}, nil},
	{"  CPU share", `BenchmarkSOGoInitialSync/1000Contacts`, "cpu%", goal{}, nil},
	{"  peak RSS", `BenchmarkSOGoInitialSync/1000Contacts`, "peak-RSS-MB", goal{}, nil},
	{"Initial sync, 5,000 contacts", `BenchmarkSOGoInitialSync/5000Contacts`, "items/s", goal{}, nil},
	{"  CPU share", `BenchmarkSOGoInitialSync/5000Contacts`, "cpu%", goal{}, nil},
	{"  peak RSS", `BenchmarkSOGoInitialSync/5000Contacts`, "peak-RSS-MB", goal{}, nil},
	{"Initial sync, 20,000 contacts", `BenchmarkSOGoInitialSync/20000Contacts`, "items/s", goal{}, nil},
	{"  CPU share", `BenchmarkSOGoInitialSync/20000Contacts`, "cpu%", goal{}, nil},
	{"  peak RSS", `BenchmarkSOGoInitialSync/20000Contacts`, "peak-RSS-MB", goal{}, nil},
	{"Start-up: cradle run → first Ping waiting, 15,000 items in state", `BenchmarkSOGoInitialSync/RunStartup`, "ms-to-ping", goal{1000, true, "≤ 1,000 ms"}, nil},
	{"  same start in process: engine.Open → first Ping", `BenchmarkSOGoInitialSync/RunStartup`, "inproc-ms-to-ping", goal{}, nil},
	{"  of which waiting on SOGo (one Sync per folder)", `BenchmarkSOGoInitialSync/RunStartup`, "server-ms-before-ping", goal{}, nil},
	{"Start-up, Cradle's side: engine.Open → first Ping, 15,000 items (in-process server)", `BenchmarkStartup15000Items`, "ms-to-ping", goal{1000, true, "≤ 1,000 ms"}, nil},
	{"Initial sync, Cradle's side, per contact (in-process server)", `BenchmarkInitialSync1000Contacts`, "ms/item", goal{2, true, "≤ 2 ms/item"}, nil},

	// Local files.
	{"Vdir batch write, per item", `BenchmarkVdirApply100Creates`, "ms/item", goal{1, true, "≤ 1 ms/item"}, nil},
	{"No-op rescan of a 10,000-file vdir vs vdirsyncer 0.19 sync", `BenchmarkScanNoop10000`, "ns/op",
		goal{100e6, true, "≤ 100 ms"}, &versus{`BenchmarkVdirsyncer10000/noop`, "ns/op", 10}},
	{"Rescan with 1% changed vs vdirsyncer 0.19 sync", `BenchmarkScan1PercentChanged`, "ns/op",
		goal{200e6, true, "≤ 200 ms"}, &versus{`BenchmarkVdirsyncer10000/1PercentChanged`, "ns/op", 10}},
	{"State: record 10,000 synced items", `BenchmarkApplyServerBatch10000`, "ns/op", goal{2e9, true, "≤ 2 s"}, nil},
	{"Update one item in a 10,000-item single file", `BenchmarkFileUpdateOneOf10000`, "ns/op", goal{500e6, true, "≤ 500 ms"}, nil},
	{"vCard parse + map to EAS, 10,000 contacts", `BenchmarkParseAndMap10000Contacts`, "contacts/s", goal{2000, false, "≥ 2,000 /s"}, nil},
	{"iCalendar parse + map to EAS, 5,000 events", `BenchmarkParseAndMap5000Events`, "events/s", goal{1000, false, "≥ 1,000 /s"}, nil},
	{"Export 10,000 contacts to .vcf", `BenchmarkExport10000Contacts`, "ms/export", goal{5000, true, "≤ 5 s"}, nil},
	{"Export 5,000 events to .ics", `BenchmarkExport5000Events`, "ms/export", goal{5000, true, "≤ 5 s"}, nil},

	// Phones.
	{"List 1,000 contacts of an Android phone (real adb server)", `BenchmarkAdbList1000Contacts`, "contacts/s", goal{1000, false, "≥ 1,000 /s"}, nil},
	{"List 1,000 contacts of a gammu phone (dummy driver)", `BenchmarkGammuList1000Contacts`, "contacts/s", goal{500, false, "≥ 500 /s"}, nil},
	{"Attach an Android phone with 1,000 contacts (adb)", `BenchmarkAdbAttach1000Contacts`, "ms/attach", goal{10000, true, "≤ 10,000 ms"}, nil},
	{"Attach a gammu phone with 1,000 contacts", `BenchmarkGammuAttach1000Contacts`, "ms/attach", goal{10000, true, "≤ 10,000 ms"}, nil},
}
