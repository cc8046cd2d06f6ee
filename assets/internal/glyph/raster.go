// Package glyph draws Cradle's icons from geometry, so every size is
// rendered natively instead of being scaled from one bitmap; it is shared
// by the generator (assets/gen) and the test that proves the committed
// PNGs are current.
package glyph

import (
	"image"
	"image/color"
	"math"
)

// shape reports whether the point (x, y), in unit coordinates (the icon
// spans 0..1 on both axes, y pointing down), lies inside.
type shape func(x, y float64) bool

// op is how a layer combines with what is below it.
type op int

const (
	over  op = iota // paint the layer's colour on top
	erase           // cut the layer's shape out of what is below
)

// layer is one shape painted (or erased) in one colour.
type layer struct {
	in  shape
	col color.NRGBA
	op  op
	// shade, if set, replaces col with a colour that depends on the
	// pixel's vertical position (0 at the top, 1 at the bottom).
	shade func(y float64) color.NRGBA
}

// samples is the supersampling grid per axis: 6×6 gives 37 coverage
// levels, smooth enough at 16 px, still quick at 256 px.
const samples = 6

// rasterize renders layers bottom to top into a size×size image with
// straight (non-premultiplied) alpha, as PNG stores it.
func rasterize(size int, layers []layer) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	s := float64(size)
	const n = samples * samples
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			// Premultiplied accumulation keeps "over" exact.
			var r, g, b, a float64
			for _, l := range layers {
				hit := 0
				for sy := 0; sy < samples; sy++ {
					y := (float64(py) + (float64(sy)+0.5)/samples) / s
					for sx := 0; sx < samples; sx++ {
						x := (float64(px) + (float64(sx)+0.5)/samples) / s
						if l.in(x, y) {
							hit++
						}
					}
				}
				if hit == 0 {
					continue
				}
				cov := float64(hit) / n
				col := l.col
				if l.shade != nil {
					col = l.shade((float64(py) + 0.5) / s)
				}
				switch l.op {
				case over:
					ca := cov * float64(col.A) / 255
					r = float64(col.R)/255*ca + r*(1-ca)
					g = float64(col.G)/255*ca + g*(1-ca)
					b = float64(col.B)/255*ca + b*(1-ca)
					a = ca + a*(1-ca)
				case erase:
					r, g, b, a = r*(1-cov), g*(1-cov), b*(1-cov), a*(1-cov)
				}
			}
			if a <= 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: unit8(r / a), G: unit8(g / a), B: unit8(b / a), A: unit8(a),
			})
		}
	}
	return img
}

func unit8(v float64) uint8 {
	return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255))
}

// Shapes below are described by signed distances so thickness and
// rounding are plain numbers in unit coordinates.

func circle(cx, cy, r float64) shape {
	return func(x, y float64) bool { return math.Hypot(x-cx, y-cy) <= r }
}

// roundRect is the axis-aligned box [x0,x1]×[y0,y1] with corner radius rad.
func roundRect(x0, y0, x1, y1, rad float64) shape {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2-rad, (y1-y0)/2-rad
	return func(x, y float64) bool {
		dx := math.Max(math.Abs(x-cx)-hx, 0)
		dy := math.Max(math.Abs(y-cy)-hy, 0)
		return math.Hypot(dx, dy) <= rad
	}
}

// capsule is the segment (ax,ay)–(bx,by) thickened by half-width w with
// round ends: the stroke of a pen.
func capsule(ax, ay, bx, by, w float64) shape {
	return func(x, y float64) bool {
		return segmentDist(x, y, ax, ay, bx, by) <= w
	}
}

func segmentDist(x, y, ax, ay, bx, by float64) float64 {
	vx, vy := bx-ax, by-ay
	t := ((x-ax)*vx + (y-ay)*vy) / (vx*vx + vy*vy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(ax+t*vx), y-(ay+t*vy))
}

// arc is the part of the ring of radius r (half-thickness w) around
// (cx,cy) between angles from and to (radians, clockwise on screen since
// y points down), with flat ends.
func arc(cx, cy, r, w, from, to float64) shape {
	return func(x, y float64) bool {
		d := math.Hypot(x-cx, y-cy)
		if math.Abs(d-r) > w {
			return false
		}
		t := math.Atan2(y-cy, x-cx)
		for t < from {
			t += 2 * math.Pi
		}
		return t <= to
	}
}

// triangle is the filled triangle with the given corners.
func triangle(ax, ay, bx, by, cx, cy float64) shape {
	side := func(px, py, qx, qy, x, y float64) float64 {
		return (qx-px)*(y-py) - (qy-py)*(x-px)
	}
	return func(x, y float64) bool {
		d1 := side(ax, ay, bx, by, x, y)
		d2 := side(bx, by, cx, cy, x, y)
		d3 := side(cx, cy, ax, ay, x, y)
		neg := d1 < 0 || d2 < 0 || d3 < 0
		pos := d1 > 0 || d2 > 0 || d3 > 0
		return !(neg && pos)
	}
}

func union(shapes ...shape) shape {
	return func(x, y float64) bool {
		for _, s := range shapes {
			if s(x, y) {
				return true
			}
		}
		return false
	}
}

func minus(a, b shape) shape {
	return func(x, y float64) bool { return a(x, y) && !b(x, y) }
}

// scaled maps a shape drawn in badge-local coordinates (-1..1 around the
// badge centre) into icon coordinates.
func scaled(s shape, cx, cy, r float64) shape {
	return func(x, y float64) bool { return s((x-cx)/r, (y-cy)/r) }
}
