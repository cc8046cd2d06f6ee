package crash

import (
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name          string
		server, local Side
		live          []string
		want          Tally
		problem       string // a substring of the problems, if any
	}{
		{name: "converged", server: Side{"C1": {"C1 v3 l"}, "E2": {"E2 v1 s"}}, local: Side{"C1": {"C1 v3 l"}, "E2": {"E2 v1 s"}},
			live: []string{"C1", "E2"}},
		{name: "deleted on both sides", server: Side{}, local: Side{}, live: nil},
		// An edit beats a concurrent delete: the token is back, not live.
		{name: "resurrected by an edit", server: Side{"C1": {"C1 v5 s"}}, local: Side{"C1": {"C1 v5 s"}}},
		{name: "live missing on both", server: Side{}, local: Side{}, live: []string{"C1"},
			want: Tally{Lost: 1}, problem: "missing on both sides"},
		{name: "live missing locally", server: Side{"C1": {"C1 v1 s"}}, local: Side{}, live: []string{"C1"},
			want: Tally{Lost: 1}, problem: "missing on the local folder"},
		{name: "live missing on the server", server: Side{}, local: Side{"E1": {"E1 v1 l"}}, live: []string{"E1"},
			want: Tally{Lost: 1}, problem: "missing on the server"},
		{name: "delete not followed", server: Side{}, local: Side{"E1": {"E1 v1 l"}},
			want: Tally{Diverged: 1}, problem: "missing on the server only"},
		{name: "different versions", server: Side{"C1": {"C1 v1 s"}}, local: Side{"C1": {"C1 v2 l"}}, live: []string{"C1"},
			want: Tally{Diverged: 1}, problem: "sides differ"},
		{name: "duplicate on the server", server: Side{"C1": {"C1 v1 s", "C1 v1 s", "C1 v1 s"}}, local: Side{"C1": {"C1 v1 s"}}, live: []string{"C1"},
			want: Tally{Duplicated: 2}, problem: "3 resources on the server"},
		{name: "duplicate locally with other content", server: Side{"C1": {"C1 v1 s"}}, local: Side{"C1": {"C1 v1 s", "C1 v2 l"}},
			want: Tally{Duplicated: 1, Diverged: 1}, problem: "2 local files"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			live := map[string]bool{}
			for _, l := range tc.live {
				live[l] = true
			}
			got := Compare(tc.server, tc.local, live)
			if got.Lost != tc.want.Lost || got.Duplicated != tc.want.Duplicated || got.Diverged != tc.want.Diverged {
				t.Errorf("Compare = %s, want %s\n%s", got.Summary(0, 0), tc.want.Summary(0, 0), got)
			}
			if got.OK() != (tc.problem == "") {
				t.Errorf("OK() = %v with problems:\n%s", got.OK(), got)
			}
			if tc.problem != "" && !strings.Contains(got.String(), tc.problem) {
				t.Errorf("problems %q do not mention %q", got.String(), tc.problem)
			}
		})
	}
}

func TestSideAdd(t *testing.T) {
	s := Side{}
	if err := s.Add(Contact, "a.vcf", Body(Contact, "a", "C1 v1 s", 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(Contact, "b.vcf", Body(Contact, "b", "C1 v2 l", 2)); err != nil {
		t.Fatal(err)
	}
	if got := s["C1"]; len(got) != 2 || got[0] != "C1 v1 s" || got[1] != "C1 v2 l" {
		t.Errorf("Side[C1] = %q", got)
	}
	if err := s.Add(Event, "x.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"); err == nil {
		t.Error("an item without key field was accepted")
	}
}

func TestSummary(t *testing.T) {
	got := Tally{Lost: 1, Duplicated: 2, Diverged: 3}.Summary(100, 4)
	if want := "kills=100 lost=1 duplicated=2 diverged=3 conflicts=4"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}
