package store

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFileStem(t *testing.T) {
	tests := []struct {
		uid  string
		want string // "" means: only check the invariants and the hash suffix
	}{
		{"simple-uid@example.org", "simple-uid@example.org"},
		{"040000008200E00074C5B7101A82E008", "040000008200E00074C5B7101A82E008"},
		{"Zürich日本", "Zürich日本"},
		{"../../etc/passwd", ""},
		{"/abs", ""},
		{"a\x00b", ""},
		{"CON", ""},
		{"com1", ""},
		{"LPT9.txt", ""},
		{"COM¹", ""},
		{"COM10", "COM10"}, // not a device name
		{"CONSOLE", "CONSOLE"},
		{".", ""},
		{"", ""},
		{"dot.", ""},
		{strings.Repeat("x", 300), ""},
		{"bad\xffutf8", ""},
	}
	for _, tt := range tests {
		got := FileStem(tt.uid)
		checkStem(t, tt.uid, got)
		switch {
		case tt.want != "" && got != tt.want:
			t.Errorf("FileStem(%q) = %q, want %q", tt.uid, got, tt.want)
		case tt.want == "" && !strings.HasSuffix(got, ContentHash([]byte(tt.uid))[:nameHashLen]):
			t.Errorf("FileStem(%q) = %q: altered name lacks the UID hash", tt.uid, got)
		}
	}
	// UIDs that sanitise alike still get distinct names.
	seen := map[string]string{}
	for _, uid := range []string{"a/b", "a_b", "a\\b", "a:b", "a b", "A_B"} {
		s := FileStem(uid)
		if prev, dup := seen[s]; dup {
			t.Errorf("UIDs %q and %q share stem %q", prev, uid, s)
		}
		seen[s] = uid
	}
}

// checkStem asserts the invariants FileStem promises.
func checkStem(t *testing.T, uid, s string) {
	t.Helper()
	switch {
	case s == "" || len(s) > maxNameBytes+1+nameHashLen:
		t.Errorf("FileStem(%q) = %q: bad length %d", uid, s, len(s))
	case !utf8.ValidString(s):
		t.Errorf("FileStem(%q) = %q: invalid UTF-8", uid, s)
	case strings.ContainsAny(s, `/\:*?"<>| `) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		t.Errorf("FileStem(%q) = %q: hostile character", uid, s)
	case s[0] == '.' || strings.HasSuffix(s, ".") || strings.HasSuffix(s, " "):
		t.Errorf("FileStem(%q) = %q: bad dots or spaces", uid, s)
	case isReserved(s):
		t.Errorf("FileStem(%q) = %q: Windows device name", uid, s)
	case !filepath.IsLocal(s+".vcf") || filepath.Base(s) != s:
		t.Errorf("FileStem(%q) = %q: not a local name", uid, s)
	}
}

func FuzzFileStem(f *testing.F) {
	for _, s := range []string{"uid", "../x", "CON", "a\x00b", strings.Repeat("é", 80), "COM¹.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uid string) {
		s := FileStem(uid)
		checkStem(t, uid, s)
		if FileStem(uid) != s {
			t.Fatal("not deterministic")
		}
	})
}

func TestScanUID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"BEGIN:VCARD\r\nUID:abc\r\nEND:VCARD\r\n", "abc", true},
		{"BEGIN:VCARD\nuid;VALUE=text:lower\nEND:VCARD\n", "lower", true},
		{"BEGIN:VCARD\r\nitem1.UID:grouped\r\nEND:VCARD\r\n", "grouped", true},
		{"BEGIN:VEVENT\r\nUID:folded-\r\n very-long\r\n\tpart\r\nDTSTART:x\r\nEND:VEVENT\r\n", "folded-very-longpart", true},
		{"UID:last-line-no-newline", "last-line-no-newline", true},
		{"BEGIN:VCARD\r\nXUID:no\r\nEND:VCARD\r\n", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ScanUID([]byte(tt.in))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ScanUID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
