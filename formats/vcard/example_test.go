package vcard_test

import (
	"fmt"
	"strings"

	"github.com/cradle-sync/cradle/formats/vcard"
)

func ExampleRead() {
	src := "BEGIN:VCARD\r\nVERSION:2.1\r\n" +
		"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=\r\n=B6rg\r\n" +
		"TEL;CELL;VOICE:+49 170 1234567\r\n" +
		"# exported by a feature phone\r\n" +
		"END:VCARD\r\n"
	cards, warnings, err := vcard.Read(strings.NewReader(src), "phone.vcf")
	if err != nil {
		fmt.Println(err)
		return
	}
	n := cards[0].Get("N").Components()
	tel := cards[0].Get("TEL")
	fmt.Println(n[1], n[0])
	fmt.Println(tel.Text(), tel.Types())
	fmt.Println(warnings[0])
	var out strings.Builder
	if err := vcard.Write(&out, &cards[0], vcard.V40); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n")) // CRLF shown as LF
	// Output:
	// Jörg Müller
	// +49 170 1234567 [cell voice]
	// phone.vcf:6: not a vCard property, ignored: "# exported by a feature phone"
	// BEGIN:VCARD
	// VERSION:4.0
	// FN:Jörg Müller
	// N:Müller;Jörg;;;
	// TEL;TYPE=CELL,VOICE:+49 170 1234567
	// END:VCARD
}
