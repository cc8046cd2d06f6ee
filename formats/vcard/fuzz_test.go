package vcard

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read: it must not panic, every card it
// returns must be writable, the written card must read back as exactly one
// card without error, and (for 4.0) with every property's content intact.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.vcf"))
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 8<<10 {
			b = b[:8<<10] // keep seeds small; truncation is itself a case
		}
		f.Add(b)
	}
	f.Add([]byte("BEGIN:VCARD\nN;X=\"a:b;c\":x\nitem.TEL;CELL:1\nEND:VCARD"))
	f.Add([]byte("BEGIN:VCARD\nVERSION:2.1\nNOTE;QUOTED-PRINTABLE:=C3=\n=A9=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cards, warns, _ := Read(bytes.NewReader(data), "fuzz.vcf")
		for _, w := range warns {
			if !strings.HasPrefix(w.String(), "fuzz.vcf:") {
				t.Fatalf("warning without file name: %v", w)
			}
		}
		for i := range cards {
			for _, v := range []string{V40, V30} {
				var b bytes.Buffer
				if err := Write(&b, &cards[i], v); err != nil {
					t.Fatalf("Write %s: %v", v, err)
				}
				written := b.String()
				back, _, err := Read(&b, "rt.vcf")
				if err != nil || len(back) != 1 {
					t.Fatalf("re-read of written card: %d cards, %v\n%q", len(back), err, written)
				}
				if v != V40 {
					continue
				}
				want, got := contentSet(&cards[i]), contentSet(&back[0])
				for k, n := range want {
					if got[k] < n {
						t.Fatalf("content lost in 4.0 round trip: %q\nwritten:\n%q", k, written)
					}
				}
			}
		}
	})
}
