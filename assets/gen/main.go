// Command gen renders Cradle's tray and application icons into PNG files.
// It is run by `go generate ./assets`; the PNGs it writes are committed
// and embedded by package assets.
//
//	go run ./gen -out .
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"github.com/cradle-sync/cradle/assets/internal/glyph"
)

func main() {
	out := flag.String("out", ".", "directory that receives icons/ and cradle.png")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func generate(dir string) error {
	for _, theme := range []string{"light", "dark"} {
		for _, state := range glyph.States {
			for _, size := range glyph.Sizes {
				img, err := glyph.Tray(state, theme == "dark", size)
				if err != nil {
					return err
				}
				name := filepath.Join(dir, "icons", "tray", theme, fmt.Sprintf("%s-%d.png", state, size))
				if err := writePNG(name, img); err != nil {
					return err
				}
			}
		}
	}
	for _, size := range glyph.Sizes {
		name := filepath.Join(dir, "icons", "app", fmt.Sprintf("cradle-%d.png", size))
		if err := writePNG(name, glyph.App(size)); err != nil {
			return err
		}
	}
	return writePNG(filepath.Join(dir, "cradle.png"), glyph.App(256))
}

func writePNG(name string, img image.Image) error {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
