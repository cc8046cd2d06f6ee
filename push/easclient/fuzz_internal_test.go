package easclient

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"30", 30 * time.Second},
		{"0", 0},
		{"-5", 0},
		{"99999999999", 24 * time.Hour},
		{"Thu, 26 Nov 2026 02:01:00 GMT", time.Minute},
		{"Thu, 26 Nov 2026 01:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"30", "Thu, 26 Nov 2026 02:01:00 GMT", "-1", "1e9"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		if d := parseRetryAfter(s, now); d < 0 || d > 24*time.Hour {
			t.Fatalf("parseRetryAfter(%q) = %v out of range", s, d)
		}
	})
}

func FuzzParseAutodiscover(f *testing.F) {
	f.Add([]byte(`<Autodiscover><Response><Action><Settings><Server><Type>MobileSync</Type><Url>https://x/Microsoft-Server-ActiveSync</Url></Server></Settings></Action></Response></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Response><Action><Redirect>a@b.c</Redirect></Action></Response></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Response><Account><Action>redirectUrl</Action><RedirectUrl>https://r/</RedirectUrl></Account></Response></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Response><Error><ErrorCode>500</ErrorCode><Message>x</Message></Error></Response></Autodiscover>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseAutodiscover(b)
		if err == nil && a == nil {
			t.Fatal("nil answer without error")
		}
	})
}
