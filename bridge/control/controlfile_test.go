package control

import "testing"

func TestParseControlFile(t *testing.T) {
	for _, tc := range []struct {
		in          string
		addr, token string // empty: must fail
	}{
		{"127.0.0.1:4242\nabc123\n", "127.0.0.1:4242", "abc123"},
		{"[::1]:4242\nabc\n", "[::1]:4242", "abc"},
		{"10.0.0.1:4242\nabc\n", "", ""}, // not loopback
		{"localhost:4242\nabc\n", "", ""},
		{"127.0.0.1\nabc\n", "", ""},
		{"127.0.0.1:4242\n\n", "", ""},
		{"127.0.0.1:4242\nabc", "", ""},
		{"127.0.0.1:4242\nabc\nextra\n", "", ""},
		{"127.0.0.1:4242\r\nabc\r\n", "", ""},
		{"", "", ""},
	} {
		addr, token, err := parseControlFile([]byte(tc.in))
		if tc.addr == "" {
			if err == nil {
				t.Errorf("parse %q = %q, %q; want error", tc.in, addr, token)
			}
			continue
		}
		if err != nil || addr != tc.addr || token != tc.token {
			t.Errorf("parse %q = %q, %q, %v; want %q, %q", tc.in, addr, token, err, tc.addr, tc.token)
		}
	}
}

func FuzzParseControlFile(f *testing.F) {
	f.Add([]byte("127.0.0.1:50123\n9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"))
	f.Add([]byte("[::1]:1\nx\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		addr, token, err := parseControlFile(data)
		if err != nil {
			return
		}
		// What parses must survive a round trip unchanged.
		a2, t2, err := parseControlFile(formatControlFile(addr, token))
		if err != nil || a2 != addr || t2 != token {
			t.Fatalf("round trip of %q, %q: %q, %q, %v", addr, token, a2, t2, err)
		}
	})
}
