package value

import "math"

// ParseInterval reads the text of an interval literal for qualifier q, as in
// INTERVAL '<text>' <q>: an optional sign, then the fields the qualifier
// names, separated as SQL writes them:
//
//	YEAR '3'   YEAR TO MONTH '3-06'   MONTH '14'
//	DAY '2'    DAY TO HOUR '2 12'     DAY TO MINUTE '2 12:30'   DAY TO SECOND '2 12:30:15.250'
//	HOUR '12'  HOUR TO MINUTE '12:30' HOUR TO SECOND '12:30:15'
//	MINUTE '5' MINUTE TO SECOND '5:30' SECOND '90' or '1.5'
//
// The first field may have as many digits as the qualifier's precision (2
// unless given: INTERVAL '120' SECOND needs SECOND(3)); the others must be
// within their unit (hours 0–23, minutes and seconds 0–59, months 0–11).
// Errors are ErrInvalidCharacterValue for malformed text and
// ErrIntervalOverflow for a field out of range.
func ParseInterval(s string, q Qualifier) (Value, error) {
	if !q.Valid() {
		return Value{}, errorf(CodeInvalidArgument, "INTERVAL %s is not a valid qualifier", q)
	}
	text := trimBlanks(s)
	bad := func() (Value, error) {
		return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a valid INTERVAL %s", quoteForMessage(text), q)
	}
	neg := false
	i := 0
	if i < len(text) && (text[i] == '+' || text[i] == '-') {
		neg = text[i] == '-'
		i++
	}
	last := q.Last()
	var total int64 // milliseconds, or months
	for unit := q.Start; unit <= last; unit++ {
		if unit != q.Start {
			want := byte(':')
			switch {
			case unit == UnitMonth:
				want = '-'
			case unit == UnitHour:
				want = ' '
			}
			if i >= len(text) || text[i] != want {
				return bad()
			}
			i++
		}
		start := i
		var field int64
		for i < len(text) && isDigit(text[i]) {
			if i-start >= 18 {
				return Value{}, errorf(CodeIntervalOverflow, "%s has too many digits for INTERVAL %s", quoteForMessage(text), q)
			}
			field = field*10 + int64(text[i]-'0')
			i++
		}
		if i == start {
			return bad()
		}
		if unit == q.Start {
			if i-start > q.LeadingPrecision() {
				return Value{}, errorf(CodeIntervalOverflow, "%s exceeds the precision %d of the %s field", quoteForMessage(text), q.LeadingPrecision(), unit)
			}
		} else if field >= unitModulus(unit) {
			return Value{}, errorf(CodeIntervalOverflow, "%s: %s %d is out of range", quoteForMessage(text), unit, field)
		}
		var size int64
		switch unit {
		case UnitYear:
			size = 12
		case UnitMonth:
			size = 1
		default:
			size = unit.Millis()
		}
		if field > (math.MaxInt64-total)/size {
			return Value{}, errorf(CodeIntervalOverflow, "%s is too long an interval", quoteForMessage(text))
		}
		total += field * size
		if unit == UnitSecond && i < len(text) && text[i] == '.' {
			i++
			fs := i
			var frac int64
			for i < len(text) && isDigit(text[i]) {
				if i-fs < 3 {
					frac = frac*10 + int64(text[i]-'0')
				}
				i++
			}
			if i == fs {
				return bad()
			}
			for n := i - fs; n < 3; n++ {
				frac *= 10
			}
			total += frac
		}
	}
	if i != len(text) {
		return bad()
	}
	if neg {
		total = -total
	}
	if q.Start.IsYearMonth() {
		return NewIntervalYearMonth(total, q), nil
	}
	return NewIntervalDayTime(total, q), nil
}
