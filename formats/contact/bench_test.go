package contact

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/cradle-sync/cradle/formats/vcard"
)

// tenThousand builds an address book of 10 000 cards mixing 3.0 and 2.1
// (QUOTED-PRINTABLE, bare parameters) with the usual fields and a photo in
// every tenth card.
func tenThousand() []byte {
	var b bytes.Buffer
	for i := 0; i < 10000; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person %d\r\nN:Family%d;Given;;Dr.;\r\n"+
				"ORG:Example GmbH;Sales\r\nTITLE:Manager\r\nEMAIL;TYPE=INTERNET,WORK:p%d@example.com\r\n"+
				"TEL;TYPE=CELL:+49 170 %07d\r\nTEL;TYPE=WORK,VOICE:+49 30 %07d\r\n"+
				"ADR;TYPE=WORK:;;Hauptstraße %d;Berlin;;10115;\r\nBDAY:1980-05-14\r\n"+
				"item1.URL:http://example.com/%d\r\nitem1.X-ABLabel:blog\r\nCATEGORIES:Work,VIP\r\n"+
				"NOTE:Met at the fair\\nfollow up\r\n", i, i, i, i, i, i, i)
			if i%10 == 0 {
				b.WriteString("PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgr/wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAj/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AL+AD//Z\r\n")
			}
			b.WriteString("END:VCARD\r\n")
			continue
		}
		fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller%d;J=C3=B6rg;;;\r\n"+
			"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=B6rg M=C3=BCller\r\nTEL;CELL;VOICE:+49 171 %07d\r\n"+
			"TEL;HOME:+49 221 %07d\r\nEMAIL;PREF;INTERNET:j%d@example.de\r\n"+
			"NOTE;ENCODING=QUOTED-PRINTABLE:Zeile 1=0D=0AZeile 2 mit =C3=A4=C3=B6=C3=BC und einem langen Text der=\r\n umgebrochen wird\r\n"+
			"X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;J;1;;;;;;;;;;;;;\r\nEND:VCARD\r\n", i, i, i, i)
	}
	return b.Bytes()
}

// BenchmarkParseAndMap10000Contacts reads a 10 000-card file and maps each
// card to EAS; contacts/s is the throughput, allocs/op are per 10 000.
func BenchmarkParseAndMap10000Contacts(b *testing.B) {
	data := tenThousand()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		cards, _, err := vcard.Read(bytes.NewReader(data), "bench.vcf")
		if err != nil || len(cards) != 10000 {
			b.Fatalf("%d cards, %v", len(cards), err)
		}
		for i := range cards {
			c, _ := ToEAS(&cards[i], Options{Version: V161})
			if c.FileAs == nil {
				b.Fatal("no FileAs")
			}
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "contacts/s")
}
