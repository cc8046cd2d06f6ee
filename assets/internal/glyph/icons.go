package glyph

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Tray states, named as the files under assets/icons/tray are.
const (
	UpToDate  = "up-to-date"
	Syncing   = "syncing"
	Offline   = "offline"
	Attention = "attention"
	Paused    = "paused"
)

// States lists every tray state in a fixed order.
var States = []string{UpToDate, Syncing, Offline, Attention, Paused}

// Sizes lists the square pixel sizes rendered for tray and application
// icons: the hicolor theme's usual sizes.
var Sizes = []int{16, 22, 24, 32, 48, 64, 128, 256}

var (
	// Glyph colours follow the Breeze/Adwaita symbolic palette so the icon
	// sits with the panel's other symbolic icons.
	inkLight = color.NRGBA{0x31, 0x36, 0x3b, 0xff} // on light panels
	inkDark  = color.NRGBA{0xef, 0xf0, 0xf1, 0xff} // on dark panels
	white    = color.NRGBA{0xff, 0xff, 0xff, 0xff}

	badgeColour = map[string]color.NRGBA{
		UpToDate:  {0x27, 0xa0, 0x4a, 0xff}, // green
		Syncing:   {0x2f, 0x80, 0xd8, 0xff}, // blue
		Offline:   {0x84, 0x8b, 0x92, 0xff}, // grey
		Attention: {0xf0, 0x7e, 0x0c, 0xff}, // orange
		Paused:    {0x5e, 0x68, 0x74, 0xff}, // slate grey
	}
)

// Badge placement in unit coordinates: bottom right, overlapping the
// cradle, with a transparent moat so it reads as separate at 16 px.
const (
	badgeX, badgeY = 0.73, 0.73
	badgeR         = 0.27
	badgeMoat      = 0.06
)

// Tray renders the tray icon for state at size×size pixels, for a light
// panel (dark ink) or, if dark is set, a dark panel (light ink).
func Tray(state string, dark bool, size int) (*image.NRGBA, error) {
	col, ok := badgeColour[state]
	if !ok {
		return nil, fmt.Errorf("glyph: unknown tray state %q", state)
	}
	if size <= 0 {
		return nil, fmt.Errorf("glyph: bad size %d", size)
	}
	ink := inkLight
	if dark {
		ink = inkDark
	}
	return rasterize(size, []layer{
		{in: cradle(0, 0, 1), col: ink},
		{in: circle(badgeX, badgeY, badgeR+badgeMoat), op: erase},
		{in: circle(badgeX, badgeY, badgeR), col: col},
		{in: scaled(symbol(state), badgeX, badgeY, badgeR), col: white},
	}), nil
}

// App renders the application icon: the cradle in white on a blue
// rounded tile, without a status badge.
func App(size int) *image.NRGBA {
	top := color.NRGBA{0x3d, 0x8f, 0xe0, 0xff}
	bottom := color.NRGBA{0x1d, 0x5c, 0xae, 0xff}
	tile := roundRect(0.04, 0.04, 0.96, 0.96, 0.2)
	return rasterize(size, []layer{
		{in: tile, shade: func(y float64) color.NRGBA { return mix(top, bottom, y) }},
		// The glyph leaves room for a badge on the right; centre it here.
		{in: cradle(0.2, 0.14, 0.72), col: white},
	})
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	l := func(p, q uint8) uint8 { return uint8(math.Round(float64(p)*(1-t) + float64(q)*t)) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}

// cradle is the phone standing in its dock, drawn in a unit box and then
// placed at (ox, oy) with scale k.
func cradle(ox, oy, k float64) shape {
	phone := minus(
		roundRect(0.24, 0.04, 0.60, 0.74, 0.07),
		union(
			roundRect(0.30, 0.12, 0.54, 0.60, 0.02), // screen
			circle(0.42, 0.67, 0.032),               // home button
		),
	)
	dock := union(
		roundRect(0.08, 0.82, 0.76, 0.95, 0.04), // base
		roundRect(0.08, 0.56, 0.17, 0.95, 0.04), // left arm
		roundRect(0.67, 0.56, 0.76, 0.95, 0.04), // right arm
	)
	all := union(phone, dock)
	return func(x, y float64) bool { return all((x-ox)/k, (y-oy)/k) }
}

// symbol returns the white mark inside the badge for state, in badge
// coordinates (-1..1).
func symbol(state string) shape {
	switch state {
	case UpToDate: // check mark
		return union(
			capsule(-0.48, 0.02, -0.14, 0.36, 0.14),
			capsule(-0.14, 0.36, 0.48, -0.32, 0.14),
		)
	case Syncing: // two arrows chasing each other round a circle
		const r, w = 0.52, 0.13
		head := func(theta float64) shape {
			px, py := r*math.Cos(theta), r*math.Sin(theta)
			tx, ty := -math.Sin(theta), math.Cos(theta) // clockwise tangent
			nx, ny := math.Cos(theta), math.Sin(theta)  // outward normal
			const half, length = 0.30, 0.34
			return triangle(
				px+nx*half, py+ny*half,
				px-nx*half, py-ny*half,
				px+tx*length, py+ty*length,
			)
		}
		deg := math.Pi / 180
		return union(
			arc(0, 0, r, w, -170*deg, -30*deg), head(-30*deg),
			arc(0, 0, r, w, 10*deg, 150*deg), head(150*deg),
		)
	case Offline: // cloud with a slash through it
		cloud := union(
			circle(-0.28, 0.12, 0.27),
			circle(0.08, -0.06, 0.36),
			circle(0.40, 0.16, 0.23),
			roundRect(-0.55, 0.12, 0.63, 0.39, 0.1),
		)
		slash := capsule(-0.58, -0.58, 0.58, 0.58, 0.11)
		gap := capsule(-0.58, -0.58, 0.58, 0.58, 0.24)
		return union(minus(cloud, gap), slash)
	case Attention: // exclamation mark
		return union(
			capsule(0, -0.52, 0, 0.12, 0.15),
			circle(0, 0.46, 0.16),
		)
	case Paused: // two bars
		return union(
			roundRect(-0.38, -0.45, -0.10, 0.45, 0.06),
			roundRect(0.10, -0.45, 0.38, 0.45, 0.06),
		)
	}
	return func(x, y float64) bool { return false }
}
