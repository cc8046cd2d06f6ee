package schema

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// berlin is the blob Exchange sends for "W. Europe Standard Time".
var berlin = TimeZone{
	Bias:         -60,
	StandardName: "W. Europe Standard Time",
	StandardDate: SystemTime{Month: 10, Day: 5, Hour: 3},
	DaylightName: "W. Europe Daylight Time",
	DaylightDate: SystemTime{Month: 3, Day: 5, Hour: 2},
	DaylightBias: -60,
}

func TestTimeZoneLayout(t *testing.T) {
	b, err := berlin.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != TimeZoneSize {
		t.Fatalf("len = %d", len(b))
	}
	checks := []struct {
		off  int
		want []byte
	}{
		{0, []byte{0xC4, 0xFF, 0xFF, 0xFF}},         // Bias -60
		{4, []byte{'W', 0, '.', 0, ' ', 0}},         // StandardName UTF-16LE
		{68, []byte{0, 0, 10, 0, 0, 0, 5, 0, 3, 0}}, // StandardDate: year 0, Oct, Sun, 5th, 03h
		{84, []byte{0, 0, 0, 0}},                    // StandardBias
		{88, []byte{'W', 0}},                        // DaylightName
		{152, []byte{0, 0, 3, 0, 0, 0, 5, 0, 2, 0}}, // DaylightDate
		{168, []byte{0xC4, 0xFF, 0xFF, 0xFF}},       // DaylightBias
	}
	for _, c := range checks {
		if got := b[c.off : c.off+len(c.want)]; !bytes.Equal(got, c.want) {
			t.Errorf("bytes at %d = % x, want % x", c.off, got, c.want)
		}
	}
	var back TimeZone
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if back != berlin {
		t.Errorf("round trip = %+v", back)
	}
}

func TestTimeZoneText(t *testing.T) {
	// The Timezone element Exchange sends for W. Europe Standard Time, as
	// found in public EAS traces.
	const wire = "xP///1cALgAgAEUAdQByAG8AcABlACAAUwB0AGEAbgBkAGEAcgBkACAAVABpAG0AZQAAAAAAAAAAAAAAAAAAAAAAAAAAAAoAAAAFAAMAAAAAAAAAAAAAAFcALgAgAEUAdQByAG8AcABlACAARABhAHkAbABpAGcAaAB0ACAAVABpAG0AZQAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAAFAAIAAAAAAAAAxP///w=="
	txt, _ := berlin.MarshalText()
	if string(txt) != wire {
		t.Errorf("text = %s", txt)
	}
	var back TimeZone
	// Line-wrapped and unpadded input is accepted.
	wrapped := strings.TrimRight(string(txt[:100])+"\r\n "+string(txt[100:]), "=")
	if err := back.UnmarshalText([]byte(wrapped)); err != nil || back != berlin {
		t.Errorf("UnmarshalText(wrapped) = %+v, %v", back, err)
	}
}

func TestTimeZoneZeroAndBad(t *testing.T) {
	zero := base64.StdEncoding.EncodeToString(make([]byte, TimeZoneSize))
	var tz TimeZone
	if err := tz.UnmarshalText([]byte(zero)); err != nil || !tz.IsZero() || tz.HasDST() {
		t.Errorf("zero blob: %+v, %v", tz, err)
	}
	if err := tz.UnmarshalText(nil); err != nil || !tz.IsZero() {
		t.Errorf("empty element: %+v, %v", tz, err)
	}
	short := base64.StdEncoding.EncodeToString(make([]byte, 100))
	if err := tz.UnmarshalText([]byte(short)); !errors.Is(err, ErrTimeZoneSize) {
		t.Errorf("short blob: err = %v", err)
	}
	if err := tz.UnmarshalText([]byte("@@@@")); err == nil {
		t.Error("bad base64 accepted")
	}
	if err := tz.UnmarshalText(bytes.Repeat([]byte("A"), 5000)); err == nil {
		t.Error("huge text accepted")
	}
}

func TestTimeZoneLongName(t *testing.T) {
	tz := TimeZone{StandardName: strings.Repeat("é", 40) + "😀"}
	b, _ := tz.MarshalBinary()
	var back TimeZone
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if back.StandardName != strings.Repeat("é", 31) {
		t.Errorf("name = %q", back.StandardName)
	}
	tz.StandardName = strings.Repeat("a", 30) + "😀" // surrogate pair would straddle the limit
	b, _ = tz.MarshalBinary()
	_ = back.UnmarshalBinary(b)
	if back.StandardName != strings.Repeat("a", 30) {
		t.Errorf("split surrogate: %q", back.StandardName)
	}
}

func FuzzTimeZoneBlob(f *testing.F) {
	b, _ := berlin.MarshalBinary()
	f.Add(b)
	f.Add(make([]byte, TimeZoneSize))
	f.Add([]byte("short"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tz TimeZone
		if err := tz.UnmarshalBinary(data); err != nil {
			return
		}
		out, err := tz.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var again TimeZone
		if err := again.UnmarshalBinary(out); err != nil {
			t.Fatal(err)
		}
		// Names may lose invalid UTF-16; everything else is stable.
		if again != tz {
			out2, _ := again.MarshalBinary()
			if !bytes.Equal(out, out2) {
				t.Fatalf("not stable: %+v vs %+v", tz, again)
			}
		}
		txt, _ := tz.MarshalText()
		var fromText TimeZone
		if err := fromText.UnmarshalText(txt); err != nil {
			t.Fatalf("text round trip: %v", err)
		}
	})
}
