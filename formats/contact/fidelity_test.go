package contact

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFidelityMalformed(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "malformed-2.1-invalid-comment-line.vcf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := Fidelity(f, "malformed-2.1-invalid-comment-line.vcf", V141)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 2 || rep.Warnings[0].String() != `malformed-2.1-invalid-comment-line.vcf:6: not a vCard property, ignored: "# This line must be ignored."` {
		t.Errorf("warnings = %v", rep.Warnings)
	}
	if rep.Lost != 0 || rep.Cards[0].Name != "Conference Call" {
		t.Errorf("%s; card %+v", rep.Summary(), rep.Cards[0])
	}

	src := "BEGIN:VCARD\nFN:Good\nEND:VCARD\nBEGIN:VCARD\n%%%\nEND:VCARD\n"
	rep, err = Fidelity(strings.NewReader(src), "mixed.vcf", V161)
	if err == nil || !strings.Contains(err.Error(), "mixed.vcf: item 2 (line 4)") {
		t.Errorf("err = %v, want one naming file, item and line", err)
	}
	if len(rep.Cards) != 1 || rep.Summary() != "mixed.vcf: 1 cards, 1 properties: 1 carried, 0 kept locally, 0 lost (EAS 16.1)" {
		t.Errorf("summary = %q", rep.Summary())
	}
	if _, err := Fidelity(strings.NewReader("not a card"), "x.vcf", V161); err == nil {
		t.Error("no error for a file without cards")
	}
}

func ExampleFidelity() {
	src := "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\nFN:Jane Doe\r\nTEL;CELL:+1 555 0100\r\n" +
		"X-FAVOURITE-COLOUR:green\r\nEND:VCARD\r\n"
	rep, err := Fidelity(strings.NewReader(src), "jane.vcf", V141)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Summary())
	for _, e := range rep.Cards[0].Entries {
		fmt.Println(e)
	}
	// Output:
	// jane.vcf: 1 cards, 4 properties: 3 carried, 1 kept locally, 0 lost (EAS 14.1)
	// line 3 N: carried → LastName, FirstName, MiddleName, Title, Suffix
	// line 4 FN: carried → FileAs
	// line 5 TEL: carried → MobilePhoneNumber
	// line 6 X-FAVOURITE-COLOUR: kept-locally (no EAS field)
}
