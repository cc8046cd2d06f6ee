package assets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image/png"
)

// ICO wraps PNG images in a Windows icon container (.ico), which is what
// Windows' tray and window icons want. Each PNG is stored whole (Windows
// Vista and later read PNG entries); sizes up to 256 pixels are allowed.
func ICO(pngs ...[]byte) ([]byte, error) {
	if len(pngs) == 0 {
		return nil, errors.New("ico: no images")
	}
	const headerLen, entryLen = 6, 16
	var buf bytes.Buffer
	// ICONDIR: reserved, type 1 (icon), image count.
	_ = binary.Write(&buf, binary.LittleEndian, [3]uint16{0, 1, uint16(len(pngs))})
	offset := headerLen + entryLen*len(pngs)
	for i, p := range pngs {
		cfg, err := png.DecodeConfig(bytes.NewReader(p))
		if err != nil {
			return nil, fmt.Errorf("ico: image %d: %w", i, err)
		}
		if cfg.Width < 1 || cfg.Width > 256 || cfg.Height < 1 || cfg.Height > 256 {
			return nil, fmt.Errorf("ico: image %d is %d×%d, the format allows 1–256", i, cfg.Width, cfg.Height)
		}
		// ICONDIRENTRY: width and height as bytes where 0 means 256,
		// palette size, reserved, colour planes, bits per pixel, data
		// size and offset.
		entry := struct {
			W, H, Colors, Reserved uint8
			Planes, BPP            uint16
			Size, Offset           uint32
		}{uint8(cfg.Width), uint8(cfg.Height), 0, 0, 1, 32, uint32(len(p)), uint32(offset)}
		_ = binary.Write(&buf, binary.LittleEndian, entry)
		offset += len(p)
	}
	for _, p := range pngs {
		buf.Write(p)
	}
	return buf.Bytes(), nil
}

// AppICO returns the application icon as .ico bytes holding the 16, 32,
// 48 and 256 pixel renderings, the sizes Windows asks for.
func AppICO() []byte {
	b, err := ICO(AppIcon(16), AppIcon(32), AppIcon(48), AppIcon(256))
	if err != nil {
		panic(fmt.Sprintf("assets: app icon: %v", err)) // embedded PNGs are valid
	}
	return b
}
