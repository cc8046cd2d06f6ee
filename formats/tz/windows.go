package tz

import (
	"strings"
	"sync"
)

type windowsIndex struct {
	byName   map[string]*windowsZone // lower-case Windows name
	byIANA   map[string]*windowsZone // IANA name → Windows zone listing it
	byDisp   map[string]*windowsZone // normalised display text (offset removed)
	golden   []string                // golden IANA zone of every Windows zone, table order
	allIANA  []string                // every IANA name in the table, golden ones first
	cityToWZ map[string][]*windowsZone
}

var (
	winOnce sync.Once
	winIdx  *windowsIndex
)

func windows() *windowsIndex {
	winOnce.Do(func() {
		ix := &windowsIndex{
			byName:   map[string]*windowsZone{},
			byIANA:   map[string]*windowsZone{},
			byDisp:   map[string]*windowsZone{},
			cityToWZ: map[string][]*windowsZone{},
		}
		seen := map[string]bool{}
		for i := range windowsZones {
			z := &windowsZones[i]
			ix.byName[strings.ToLower(z.name)] = z
			_, text := splitDisplay(z.display)
			ix.byDisp[normText(text)] = z
			ix.golden = append(ix.golden, z.iana[0])
			for _, n := range z.iana {
				if _, ok := ix.byIANA[n]; !ok {
					ix.byIANA[n] = z
				}
			}
			for _, c := range displayTokens(text) {
				ix.cityToWZ[c] = appendUnique(ix.cityToWZ[c], z)
			}
			for _, n := range z.iana {
				city := n[strings.LastIndexByte(n, '/')+1:]
				c := normText(strings.ReplaceAll(city, "_", " "))
				ix.cityToWZ[c] = appendUnique(ix.cityToWZ[c], z)
			}
		}
		for _, n := range ix.golden {
			if !seen[n] {
				seen[n] = true
				ix.allIANA = append(ix.allIANA, n)
			}
		}
		for i := range windowsZones {
			for _, n := range windowsZones[i].iana {
				if !seen[n] {
					seen[n] = true
					ix.allIANA = append(ix.allIANA, n)
				}
			}
		}
		winIdx = ix
	})
	return winIdx
}

func appendUnique(s []*windowsZone, z *windowsZone) []*windowsZone {
	for _, x := range s {
		if x == z {
			return s
		}
	}
	return append(s, z)
}

// WindowsToIANA returns CLDR's primary IANA zone for a Windows zone name
// ("W. Europe Standard Time" → "Europe/Berlin"), case-insensitively.
func WindowsToIANA(name string) (string, bool) {
	z, ok := windows().byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return "", false
	}
	return z.iana[0], true
}

// IANAToWindows returns the Windows zone name CLDR maps an IANA zone to
// ("Europe/Vienna" → "W. Europe Standard Time").
func IANAToWindows(name string) (string, bool) {
	z, ok := windows().byIANA[name]
	if !ok {
		return "", false
	}
	return z.name, true
}

// WindowsDisplayName returns the Windows display name of a Windows zone,
// e.g. "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna".
func WindowsDisplayName(name string) (string, bool) {
	z, ok := windows().byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return "", false
	}
	return z.display, true
}
