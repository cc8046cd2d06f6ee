package crash

import (
	"reflect"
	"testing"
)

func TestServerLags(t *testing.T) {
	server := Side{
		"C1": {"C1 v1 seed"},               // agreed
		"C2": {"C2 v9 server"},             // server edit not seen locally
		"C3": {"C3 v4 server"},             // local edit not sent
		"C4": {"C4 v2 server"},             // server create not seen locally
		"E5": {"E5 v1 seed", "E5 v1 seed"}, // duplicate
		"E8": {"E8 v3 server"},             // server value without version order
	}
	local := Side{
		"C1": {"C1 v1 seed"},
		"C2": {"C2 v3 local"},
		"C3": {"C3 v7 local"},
		"E5": {"E5 v1 seed"},
		"E6": {"E6 v5 local"}, // server delete not followed
		"E7": {"E7 v6 local"}, // local create not sent
		"E8": {"E8 x"},
	}
	names := map[string][]string{"C2": {"seed-c2.vcf"}, "C4": {"srv-c4.vcf"}, "E8": {"e8.ics"}}
	deleted := map[string]string{"E6": "seed-e6.ics"}
	lags, other := ServerLags(server, local, names, deleted)
	wantLags := map[string][]string{"C2": {"seed-c2.vcf"}, "C4": {"srv-c4.vcf"}, "E6": {"seed-e6.ics"}, "E8": {"e8.ics"}}
	if !reflect.DeepEqual(lags, wantLags) {
		t.Errorf("lags = %v, want %v", lags, wantLags)
	}
	if want := []string{"C3", "E5", "E7"}; !reflect.DeepEqual(other, want) {
		t.Errorf("other = %v, want %v", other, want)
	}
}

func TestVersion(t *testing.T) {
	for v, want := range map[string]int{"C1 v249 server": 249, "C1 v0 seed": 0, "C1": -1, "C1 x2": -1, "C1 vx": -1} {
		if got := version(v); got != want {
			t.Errorf("version(%q) = %d, want %d", v, got, want)
		}
	}
}
