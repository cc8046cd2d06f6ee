package vcard

import (
	"strconv"
	"strings"
)

// Date is a calendar date from BDAY or ANNIVERSARY. Year is 0 when the
// value has none (--MMDD, or Apple's 1604 with X-APPLE-OMIT-YEAR).
type Date struct {
	Year, Month, Day int
}

// ParseDate reads the date part of a vCard date or date-time value in the
// basic (19960415), extended (1996-04-15) and year-less (--0415, --04-15)
// forms; a time part is ignored. omitYear is the X-APPLE-OMIT-YEAR
// parameter: when it names the value's year, the year is dropped.
func ParseDate(v string, omitYear []string) (Date, bool) {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, "Tt "); i >= 0 {
		v = v[:i]
	}
	var d Date
	var ok bool
	if strings.HasPrefix(v, "--") {
		s := strings.ReplaceAll(v[2:], "-", "")
		if len(s) != 4 {
			return Date{}, false
		}
		d.Month, ok = atoi(s[:2])
		if !ok {
			return Date{}, false
		}
		if d.Day, ok = atoi(s[2:]); !ok {
			return Date{}, false
		}
	} else {
		s := strings.ReplaceAll(v, "-", "")
		if len(s) != 8 {
			return Date{}, false
		}
		if d.Year, ok = atoi(s[:4]); !ok {
			return Date{}, false
		}
		if d.Month, ok = atoi(s[4:6]); !ok {
			return Date{}, false
		}
		if d.Day, ok = atoi(s[6:]); !ok {
			return Date{}, false
		}
		if len(omitYear) > 0 && strings.TrimSpace(omitYear[0]) == s[:4] {
			d.Year = 0
		}
	}
	if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
		return Date{}, false
	}
	return d, true
}

func atoi(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// daysIn returns the month length; a year-less February has 29 days so a
// 29 February birthday without year stays valid.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year == 0 || year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
