package sql

import (
	"strings"
	"time"
)

// intervalLit checks that an interval literal's string has the form of its
// qualifier: '1' MINUTE, '3-4' YEAR TO MONTH, '3 4' DAY TO HOUR,
// '04:11.333' MINUTE TO SECOND, with fields after the first in range.
func (v *validator) intervalLit(lit *IntervalLit) {
	if !validIntervalString(lit.Value, lit.Qualifier) {
		v.errorf(lit.Pos, "Illegal interval literal format %s for INTERVAL %s", quote(lit.Value), lit.Qualifier)
	}
}

// fieldMax is the largest value of a unit that is not an interval's first.
var fieldMax = map[TimeUnit]int{Month: 11, Hour: 23, Minute: 59, Second: 59}

// fieldSep is the separator before a unit that is not an interval's first.
var fieldSep = map[TimeUnit]byte{Month: '-', Hour: ' ', Minute: ':', Second: ':'}

func validIntervalString(s string, q IntervalQualifier) bool {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	units := []TimeUnit{q.Start}
	if q.End != "" {
		units = timeUnits[unitRank(q.Start) : unitRank(q.End)+1]
	}
	for i, u := range units {
		if i > 0 {
			if s == "" || s[0] != fieldSep[u] {
				return false
			}
			s = s[1:]
		}
		n, digits := 0, 0
		for digits < len(s) && isDigit(rune(s[digits])) {
			if n < 1_000_000_000 {
				n = n*10 + int(s[digits]-'0')
			}
			digits++
		}
		s = s[digits:]
		fraction := u == Second && strings.HasPrefix(s, ".")
		if fraction {
			s = s[1:]
			for s != "" && isDigit(rune(s[0])) {
				s = s[1:]
				digits++
			}
		}
		if digits == 0 || i > 0 && n > fieldMax[u] {
			return false
		}
	}
	return s == ""
}

// dateTimeLayouts are the forms of the datetime literals, with one- or
// two-digit fields and an optional fraction of a second.
var dateTimeLayouts = map[DateTimeKind]struct{ layout, format string }{
	DateLit:      {"2006-1-2", "yyyy-MM-dd"},
	TimeLit:      {"15:4:5.999999999", "HH:mm:ss"},
	TimestampLit: {"2006-1-2 15:4:5.999999999", "yyyy-MM-dd HH:mm:ss"},
}

// dateTimeLit checks a DATE, TIME or TIMESTAMP literal's string.
func (v *validator) dateTimeLit(lit *DateTimeLit) {
	l := dateTimeLayouts[lit.Kind]
	if _, err := time.Parse(l.layout, strings.TrimSpace(lit.Value)); err != nil {
		v.errorf(lit.Pos, "Illegal %s literal %s: not in format '%s'", lit.Kind, quote(lit.Value), l.format)
	}
}
