//go:build (linux || freebsd || openbsd || netbsd) && !android

package tray

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/cradle-sync/cradle/assets"
)

// TestRawIconKeepsStraightChannels checks the property systray relies on:
// the low byte of each channel image.Decode yields is the PNG's exact
// straight-alpha value, soft edges included.
func TestRawIconKeepsStraightChannels(t *testing.T) {
	src := assets.TrayIcon(assets.Syncing, false, 22)
	want, err := png.Decode(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(platformIcon(src)))
	if err != nil || format != "cradle-sni-argb" {
		t.Fatalf("decode: format %q, err %v", format, err)
	}
	if img.Bounds() != want.Bounds() {
		t.Fatalf("bounds %v, want %v", img.Bounds(), want.Bounds())
	}
	soft := 0
	for y := 0; y < 22; y++ {
		for x := 0; x < 22; x++ {
			w := color.NRGBAModel.Convert(want.At(x, y)).(color.NRGBA)
			r, g, b, a := img.At(x, y).RGBA()
			if got := (color.NRGBA{byte(r), byte(g), byte(b), byte(a)}); got != w {
				t.Fatalf("pixel %d,%d: low bytes %v, want %v", x, y, got, w)
			}
			if w.A > 0 && w.A < 255 {
				soft++
			}
		}
	}
	if soft == 0 {
		t.Fatal("icon has no soft edges; the test proves nothing")
	}
}

func TestRawIconRejects(t *testing.T) {
	good := platformIcon(assets.TrayIcon(assets.Paused, false, 16))
	tests := map[string][]byte{
		"truncated pixels": good[:len(good)-1],
		"truncated header": good[:len(rawMagic)+1],
		"zero width":       append([]byte(rawMagic), 0, 0, 0, 16),
		"huge":             append([]byte(rawMagic), 0xff, 0xff, 0xff, 0xff),
	}
	for name, in := range tests {
		if _, err := decodeRaw(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	if platformIcon([]byte("not a png")) != nil {
		t.Error("platformIcon accepted garbage")
	}
}

// FuzzDecodeRaw: the format is registered with package image, so any
// image.Decode in the daemon (a contact photo from a server, say) can
// reach decodeRaw with hostile bytes.
func FuzzDecodeRaw(f *testing.F) {
	f.Add(platformIcon(assets.TrayIcon(assets.Offline, true, 16)))
	f.Add([]byte(rawMagic + "\x00\x01\x00\x01abcd"))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, _, err := image.Decode(bytes.NewReader(b))
		if err == nil && (img.Bounds().Dx() > maxRawSide || img.Bounds().Dy() > maxRawSide) {
			t.Fatalf("decoded a %v image", img.Bounds())
		}
	})
}
