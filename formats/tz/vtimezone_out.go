package tz

import (
	"fmt"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/push/schema"
)

// VTimezone writes a VTIMEZONE for loc under tzid describing the rules in
// force in year (one STANDARD and, if the zone has DST that year, one
// DAYLIGHT observance with a yearly RRULE starting in 1970). Readers that
// know tzid as an IANA name use their own data; the rules are for the rest.
func VTimezone(loc *time.Location, tzid string, year int) *ical.Component {
	b := ToTimeZone(loc, tzid, year)
	std := -int(b.Bias+b.StandardBias) * 60
	c := &ical.Component{Name: "VTIMEZONE"}
	c.Add(&ical.Prop{Name: "TZID", Value: ical.Escape(tzid)})
	if !b.HasDST() {
		ob := &ical.Component{Name: "STANDARD"}
		ob.Add(&ical.Prop{Name: "DTSTART", Value: "19700101T000000"})
		ob.Add(&ical.Prop{Name: "TZOFFSETFROM", Value: offsetName(std)})
		ob.Add(&ical.Prop{Name: "TZOFFSETTO", Value: offsetName(std)})
		c.Children = append(c.Children, ob)
		return c
	}
	dst := -int(b.Bias+b.DaylightBias) * 60
	c.Children = append(c.Children,
		observance("DAYLIGHT", b.DaylightDate, std, dst),
		observance("STANDARD", b.StandardDate, dst, std))
	return c
}

func observance(name string, rule schema.SystemTime, from, to int) *ical.Component {
	ob := &ical.Component{Name: name}
	y := 1970
	d, ok := ruleDate(rule, y)
	if !ok {
		d = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	n := fmt.Sprint(rule.Day)
	if rule.Day >= 5 {
		n = "-1"
	}
	ob.Add(&ical.Prop{Name: "DTSTART", Value: d.Format("20060102T150405")})
	ob.Add(&ical.Prop{Name: "RRULE", Value: fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%s%s", rule.Month, n, [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}[rule.DayOfWeek%7])})
	ob.Add(&ical.Prop{Name: "TZOFFSETFROM", Value: offsetName(from)})
	ob.Add(&ical.Prop{Name: "TZOFFSETTO", Value: offsetName(to)})
	return ob
}
