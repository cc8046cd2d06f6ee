package event

import (
	"fmt"
	"strconv"
	"strings"
)

// vcalRule converts a vCalendar 1.0 RRULE ("W1 MO TH #10", "MP1 1+ MO #0",
// "D2 19970101T000000Z") to an RFC 5545 RRULE value. Only one rule term is
// supported; nested terms are an error.
func vcalRule(s string) (string, error) {
	f := strings.Fields(strings.ToUpper(s))
	if len(f) == 0 {
		return "", fmt.Errorf("empty vCalendar rule")
	}
	head := f[0]
	var freq string
	var n int
	switch {
	case strings.HasPrefix(head, "MP"):
		freq, n = "MONTHLY", 2
	case strings.HasPrefix(head, "MD"):
		freq, n = "MONTHLY", 2
	case strings.HasPrefix(head, "YM"):
		freq, n = "YEARLY", 2
	case strings.HasPrefix(head, "YD"):
		freq, n = "YEARLY", 2
	case strings.HasPrefix(head, "D"):
		freq, n = "DAILY", 1
	case strings.HasPrefix(head, "W"):
		freq, n = "WEEKLY", 1
	default:
		return "", fmt.Errorf("vCalendar rule %q: unknown frequency", s)
	}
	interval, err := strconv.Atoi(head[n:])
	if err != nil || interval < 1 {
		return "", fmt.Errorf("vCalendar rule %q: bad interval", s)
	}
	kind := head[:n]
	parts := []string{"FREQ=" + freq}
	if interval != 1 {
		parts = append(parts, fmt.Sprintf("INTERVAL=%d", interval))
	}
	var days, nums []string
	end := ""
	for _, t := range f[1:] {
		switch {
		case strings.HasPrefix(t, "#"):
			c, err := strconv.Atoi(t[1:])
			if err != nil || c < 0 {
				return "", fmt.Errorf("vCalendar rule %q: bad count", s)
			}
			if c > 0 {
				end = fmt.Sprintf("COUNT=%d", c)
			}
		case len(t) >= 8 && t[0] >= '0' && t[0] <= '9' && (len(t) == 8 || t[8] == 'T'):
			end = "UNTIL=" + t
		case isWeekday(t):
			days = append(days, t)
		default:
			if strings.ContainsAny(t, "$") {
				return "", fmt.Errorf("vCalendar rule %q: nested rules unsupported", s)
			}
			num := t
			neg := strings.HasSuffix(num, "-")
			num = strings.TrimRight(num, "+-")
			if num == "LD" {
				nums = append(nums, "-1")
				continue
			}
			v, err := strconv.Atoi(num)
			if err != nil {
				return "", fmt.Errorf("vCalendar rule %q: bad term %q", s, t)
			}
			if neg {
				v = -v
			}
			nums = append(nums, strconv.Itoa(v))
		}
	}
	switch kind {
	case "W":
		if len(days) > 0 {
			parts = append(parts, "BYDAY="+strings.Join(days, ","))
		}
	case "MP":
		// "MP1 1+ MO" → BYDAY=1MO; several ordinals multiply the days.
		var bd []string
		for _, o := range nums {
			for _, d := range days {
				bd = append(bd, o+d)
			}
		}
		if len(bd) > 0 {
			parts = append(parts, "BYDAY="+strings.Join(bd, ","))
		}
	case "MD":
		if len(nums) > 0 {
			parts = append(parts, "BYMONTHDAY="+strings.Join(nums, ","))
		}
	case "YM":
		if len(nums) > 0 {
			parts = append(parts, "BYMONTH="+strings.Join(nums, ","))
		}
	case "YD":
		if len(nums) > 0 {
			parts = append(parts, "BYYEARDAY="+strings.Join(nums, ","))
		}
	}
	if end != "" {
		parts = append(parts, end)
	}
	return strings.Join(parts, ";"), nil
}

func isWeekday(s string) bool {
	switch s {
	case "SU", "MO", "TU", "WE", "TH", "FR", "SA":
		return true
	}
	return false
}
