package glyph

import (
	"image/color"
	"math"
	"testing"
)

func alphaAt(t *testing.T, layers []layer, size, x, y int) uint8 {
	t.Helper()
	return rasterize(size, layers).NRGBAAt(x, y).A
}

func TestRasterizeCoverage(t *testing.T) {
	red := color.NRGBA{0xff, 0, 0, 0xff}
	left := func(x, y float64) bool { return x < 0.5 }
	// Pixels are checked on the bottom row. x = 0.5 is a pixel boundary
	// at size 4 and cuts pixel 2 in half at size 5.
	tests := []struct {
		name   string
		layers []layer
		size   int
		x      int
		want   uint8
	}{
		{"inside", []layer{{in: left, col: red}}, 4, 0, 255},
		{"outside", []layer{{in: left, col: red}}, 4, 3, 0},
		{"half a pixel", []layer{{in: left, col: red}}, 5, 2, 128},
		{"erased", []layer{{in: left, col: red}, {in: left, op: erase}}, 4, 0, 0},
		{"erased below", []layer{{in: left, col: red}, {in: func(x, y float64) bool { return y > 0.5 }, op: erase}}, 2, 0, 0},
		{"half transparent colour", []layer{{in: left, col: color.NRGBA{0, 0, 0xff, 0x80}}}, 4, 0, 128},
	}
	for _, tt := range tests {
		got := alphaAt(t, tt.layers, tt.size, tt.x, tt.size-1)
		if math.Abs(float64(got)-float64(tt.want)) > 8 {
			t.Errorf("%s: alpha %d, want about %d", tt.name, got, tt.want)
		}
	}
}

func TestRasterizeOverKeepsStraightColour(t *testing.T) {
	// A half-covered edge pixel of a colour over nothing must keep the
	// colour and carry the coverage in alpha alone.
	c := color.NRGBA{0x31, 0x36, 0x3b, 0xff}
	img := rasterize(5, []layer{{in: func(x, y float64) bool { return x < 0.5 }, col: c}})
	got := img.NRGBAAt(2, 0)
	if got.R != c.R || got.G != c.G || got.B != c.B {
		t.Errorf("edge pixel %v, want colour %v with partial alpha", got, c)
	}
}

func TestTrayArguments(t *testing.T) {
	if _, err := Tray("sleepy", false, 16); err == nil {
		t.Error("unknown state accepted")
	}
	if _, err := Tray(UpToDate, false, 0); err == nil {
		t.Error("size 0 accepted")
	}
	for _, s := range States {
		if _, ok := badgeColour[s]; !ok {
			t.Errorf("state %q has no badge colour", s)
		}
	}
}
