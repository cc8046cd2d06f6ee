package gammu

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkGammuList1000Contacts lists 1000 phonebook entries from gammu's
// dummy driver (files written as the dummy itself writes them).
func BenchmarkGammuList1000Contacts(b *testing.B) {
	dev, dir := dummyPhone(b)
	for i := 1; i <= 1000; i++ {
		card := fmt.Sprintf("BEGIN:VCARD\r\nVERSION:2.1\r\nX-GAMMU-LOCATION:%d\r\nX-GAMMU-MEMORY:ME\r\n"+
			"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller %d;J=C3=BCrgen\r\nTEL;CELL:+49 170 %07d\r\n"+
			"EMAIL:p%d@example.org\r\nEND:VCARD\r\n", i, i, i, i)
		if err := os.WriteFile(filepath.Join(dir, "pbk", "ME", fmt.Sprint(i)), []byte(card), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	ctx := testCtx(b)
	b.ResetTimer()
	for b.Loop() {
		recs, err := dev.List(ctx, PhoneMemory)
		if err != nil {
			b.Fatal(err)
		}
		if len(recs) != 1000 {
			b.Fatalf("%d contacts", len(recs))
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "contacts/s")
}
