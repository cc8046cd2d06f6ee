package assets

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"slices"
	"testing"

	"github.com/cradle-sync/cradle/assets/internal/glyph"
)

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return img
}

func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}

func TestNamesMatchGenerator(t *testing.T) {
	if !slices.Equal(States, glyph.States) {
		t.Errorf("States = %v, generator draws %v", States, glyph.States)
	}
	if !slices.Equal(Sizes, glyph.Sizes) {
		t.Errorf("Sizes = %v, generator draws %v", Sizes, glyph.Sizes)
	}
}

func TestTrayIconsExistAndDiffer(t *testing.T) {
	for _, size := range Sizes {
		for _, dark := range []bool{false, true} {
			var seen []image.Image
			for _, state := range States {
				b := TrayIcon(state, dark, size)
				if b == nil {
					t.Fatalf("TrayIcon(%q, %v, %d) = nil", state, dark, size)
				}
				img := decode(t, b)
				if got := img.Bounds().Size(); got != image.Pt(size, size) {
					t.Errorf("%s dark=%v: size %v, want %d×%d", state, dark, got, size, size)
				}
				if opaqueShare(img) < 0.15 {
					t.Errorf("%s dark=%v %d: only %.0f%% of pixels drawn", state, dark, size, 100*opaqueShare(img))
				}
				for i, other := range seen {
					if samePixels(img, other) {
						t.Errorf("size %d dark=%v: %s looks the same as %s", size, dark, state, States[i])
					}
				}
				seen = append(seen, img)
			}
		}
		for _, state := range States {
			if samePixels(decode(t, TrayIcon(state, false, size)), decode(t, TrayIcon(state, true, size))) {
				t.Errorf("%s %d: light and dark panel icons are the same", state, size)
			}
		}
	}
}

func opaqueShare(img image.Image) float64 {
	r := img.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a > 0x8000 {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// TestCommittedIconsAreCurrent fails when the drawing code changed but
// `go generate ./assets` was not run. Large sizes are left out to keep the
// test quick under -race; they come from the same code path.
func TestCommittedIconsAreCurrent(t *testing.T) {
	for _, size := range []int{16, 22, 32} {
		for _, dark := range []bool{false, true} {
			for _, state := range States {
				want, err := glyph.Tray(state, dark, size)
				if err != nil {
					t.Fatal(err)
				}
				if !samePixels(decode(t, TrayIcon(state, dark, size)), want) {
					t.Errorf("icons/tray %s dark=%v %d is stale: run go generate ./assets", state, dark, size)
				}
			}
		}
	}
	if !samePixels(decode(t, AppIcon(48)), glyph.App(48)) {
		t.Error("icons/app/cradle-48.png is stale: run go generate ./assets")
	}
	full, err := files.ReadFile("cradle.png")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(full, AppIcon(256)) {
		t.Error("cradle.png differs from icons/app/cradle-256.png")
	}
}

func TestSizeFitting(t *testing.T) {
	tests := []struct{ ask, want int }{
		{0, 16}, {16, 16}, {17, 22}, {22, 22}, {23, 24}, {40, 48}, {200, 256}, {256, 256}, {1024, 256},
	}
	for _, tt := range tests {
		if got := decode(t, TrayIcon(Syncing, false, tt.ask)).Bounds().Dx(); got != tt.want {
			t.Errorf("TrayIcon(size %d) is %d px, want %d", tt.ask, got, tt.want)
		}
		if got := decode(t, AppIcon(tt.ask)).Bounds().Dx(); got != tt.want {
			t.Errorf("AppIcon(%d) is %d px, want %d", tt.ask, got, tt.want)
		}
	}
	if b := TrayIcon("sleepy", false, 32); b != nil {
		t.Errorf("TrayIcon(unknown state) = %d bytes, want nil", len(b))
	}
}

func TestICO(t *testing.T) {
	pngs := [][]byte{AppIcon(16), AppIcon(48), AppIcon(256)}
	ico, err := ICO(pngs...)
	if err != nil {
		t.Fatal(err)
	}
	var head [3]uint16
	if err := binary.Read(bytes.NewReader(ico), binary.LittleEndian, &head); err != nil {
		t.Fatal(err)
	}
	if head != [3]uint16{0, 1, 3} {
		t.Fatalf("ICONDIR = %v, want [0 1 3]", head)
	}
	for i, p := range pngs {
		e := ico[6+16*i : 6+16*(i+1)]
		w := int(e[0])
		if w == 0 {
			w = 256
		}
		size := binary.LittleEndian.Uint32(e[8:])
		off := binary.LittleEndian.Uint32(e[12:])
		if want := decode(t, p).Bounds().Dx(); w != want {
			t.Errorf("entry %d width %d, want %d", i, w, want)
		}
		if int(off)+int(size) > len(ico) || !bytes.Equal(ico[off:off+size], p) {
			t.Errorf("entry %d does not point at its PNG (offset %d, size %d)", i, off, size)
		}
	}
	if b := AppICO(); !bytes.HasPrefix(b, []byte{0, 0, 1, 0, 4, 0}) {
		t.Errorf("AppICO header % x, want 4 images", b[:6])
	}
}

func TestICORejects(t *testing.T) {
	big := new(bytes.Buffer)
	if err := png.Encode(big, image.NewNRGBA(image.Rect(0, 0, 257, 1))); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][][]byte{
		"none":    nil,
		"not png": {[]byte("GIF89a")},
		"too big": {big.Bytes()},
	} {
		if _, err := ICO(in...); err == nil {
			t.Errorf("%s: ICO accepted it", name)
		}
	}
}
