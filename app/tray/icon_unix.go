//go:build (linux || freebsd || openbsd || netbsd) && !android

package tray

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
)

// systray v1.12.2 turns icon bytes into the StatusNotifierItem's ARGB
// pixmap by decoding them with image.Decode and keeping the low byte of
// each 16-bit premultiplied channel. For a PNG with soft edges that byte
// is noise, so anti-aliased edges come out speckled. The tray therefore
// hands systray its own raw format, registered with package image, that
// decodes to an image whose low bytes are the PNG's exact straight-alpha
// channels: the ARGB32 a StatusNotifierItem host expects.

// rawMagic starts the raw format; no real image format begins this way.
const rawMagic = "\x00cradle-sni-argb\x00"

func init() {
	image.RegisterFormat("cradle-sni-argb", rawMagic, decodeRaw, decodeRawConfig)
}

// platformIcon converts a PNG to the raw format; nil if it is not a PNG.
func platformIcon(pngBytes []byte) []byte {
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		return nil
	}
	b := img.Bounds()
	straight := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(straight, straight.Bounds(), img, b.Min, draw.Src)
	var buf bytes.Buffer
	buf.WriteString(rawMagic)
	_ = binary.Write(&buf, binary.BigEndian, [2]uint16{uint16(b.Dx()), uint16(b.Dy())})
	buf.Write(straight.Pix)
	return buf.Bytes()
}

// maxRawSide bounds a raw icon; tray icons are small.
const maxRawSide = 1024

func decodeRawConfig(r io.Reader) (image.Config, error) {
	var hdr struct {
		Magic [len(rawMagic)]byte
		W, H  uint16
	}
	if err := binary.Read(r, binary.BigEndian, &hdr); err != nil {
		return image.Config{}, err
	}
	if string(hdr.Magic[:]) != rawMagic {
		return image.Config{}, errors.New("tray: not a raw icon")
	}
	if hdr.W == 0 || hdr.H == 0 || hdr.W > maxRawSide || hdr.H > maxRawSide {
		return image.Config{}, errors.New("tray: raw icon size out of range")
	}
	return image.Config{ColorModel: color.RGBAModel, Width: int(hdr.W), Height: int(hdr.H)}, nil
}

// decodeRaw returns an *image.RGBA holding straight (not premultiplied)
// channels. That breaks image.RGBA's premultiplication invariant on
// purpose: the only reader is systray's pixmap conversion, which then
// copies each byte unchanged.
func decodeRaw(r io.Reader) (image.Image, error) {
	cfg, err := decodeRawConfig(r)
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	if _, err := io.ReadFull(r, img.Pix); err != nil {
		return nil, err
	}
	return img, nil
}
