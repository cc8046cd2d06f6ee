package tz

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"time"
)

// transition is a change of offset at a UTC instant.
type transition struct {
	at   int64 // Unix seconds
	off  int   // seconds east of UTC after the change
	dst  bool
	name string
}

// maxTransitions bounds a synthesised zone; real zones have a few hundred.
const maxTransitions = 4000

// synthLocation builds a *time.Location named name from an initial offset
// and a list of transitions, by encoding them as TZif version-1 data (the
// only way to give the time package custom rules). Version 1 holds 32-bit
// times, so transitions outside 1901–2038 are dropped and the offset in
// force at the last transition continues after it.
func synthLocation(name string, initial transition, trans []transition) (*time.Location, error) {
	sort.Slice(trans, func(i, j int) bool { return trans[i].at < trans[j].at })
	type key struct {
		off  int
		dst  bool
		name string
	}
	var (
		types   []key
		typeIdx = map[key]int{}
		abbrev  []byte
		abbrIdx = map[string]int{}
	)
	typeOf := func(t transition) int {
		k := key{t.off, t.dst, t.name}
		if i, ok := typeIdx[k]; ok {
			return i
		}
		typeIdx[k] = len(types)
		types = append(types, k)
		if _, ok := abbrIdx[t.name]; !ok {
			abbrIdx[t.name] = len(abbrev)
			abbrev = append(abbrev, t.name...)
			abbrev = append(abbrev, 0)
		}
		return len(types) - 1
	}
	for _, t := range trans {
		if t.at < math.MinInt32 {
			initial = t
		}
	}
	typeOf(initial) // type 0: time before the first transition
	var times []int64
	var idx []byte
	last := initial
	for _, t := range trans {
		if t.at < math.MinInt32 {
			// Before 1901: only the offset it leaves in force matters.
			last = t
			continue
		}
		if t.at > math.MaxInt32 {
			continue
		}
		if t.off == last.off && t.dst == last.dst && t.name == last.name {
			continue
		}
		if len(times) > 0 && times[len(times)-1] == t.at {
			times, idx = times[:len(times)-1], idx[:len(idx)-1]
		}
		i := typeOf(t)
		if i > 255 {
			return nil, fmt.Errorf("zone %s: too many distinct offsets", name)
		}
		times = append(times, t.at)
		idx = append(idx, byte(i))
		last = t
		if len(times) > maxTransitions {
			return nil, fmt.Errorf("zone %s: more than %d transitions", name, maxTransitions)
		}
	}
	var b []byte
	b = append(b, "TZif"...)
	b = append(b, make([]byte, 16)...) // version 0 + 15 reserved
	for _, n := range []int{0, 0, 0, len(times), len(types), len(abbrev)} {
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	}
	for _, t := range times {
		b = binary.BigEndian.AppendUint32(b, uint32(int32(t)))
	}
	b = append(b, idx...)
	for _, k := range types {
		b = binary.BigEndian.AppendUint32(b, uint32(int32(k.off)))
		if k.dst {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = append(b, byte(abbrIdx[k.name]))
	}
	b = append(b, abbrev...)
	return time.LoadLocationFromTZData(name, b)
}

// offsetName is a fallback zone abbreviation such as "+0130".
func offsetName(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off%3600/60)
}
