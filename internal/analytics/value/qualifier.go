package value

import "strconv"

// Unit is a field of a datetime or an interval.
type Unit uint8

// The interval fields, from the largest.
const (
	UnitNone Unit = iota
	UnitYear
	UnitMonth
	UnitDay
	UnitHour
	UnitMinute
	UnitSecond
)

var unitNames = [...]string{"", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"}

// String is the unit's SQL keyword.
func (u Unit) String() string {
	if int(u) < len(unitNames) {
		return unitNames[u]
	}
	return "UNIT(" + strconv.Itoa(int(u)) + ")"
}

// ParseUnit reads a unit keyword, case-insensitively.
func ParseUnit(s string) (Unit, bool) {
	for u := UnitYear; u <= UnitSecond; u++ {
		if equalFold(s, unitNames[u]) {
			return u, true
		}
	}
	return UnitNone, false
}

// IsYearMonth reports YEAR and MONTH.
func (u Unit) IsYearMonth() bool { return u == UnitYear || u == UnitMonth }

// Millis is the length of a day-time unit in milliseconds, 0 for YEAR and
// MONTH (whose lengths vary: see NextUnit).
func (u Unit) Millis() int64 {
	switch u {
	case UnitDay:
		return 86_400_000
	case UnitHour:
		return 3_600_000
	case UnitMinute:
		return 60_000
	case UnitSecond:
		return 1000
	}
	return 0
}

// Qualifier is an interval type's fields: INTERVAL DAY(3) TO SECOND(3) is
// Start DAY with Precision 3, End SECOND with FracPrecision 3. A single-field
// qualifier has End UnitNone. Precision 0 means the default (2);
// FracPrecision applies when the last field is SECOND.
type Qualifier struct {
	Start, End    Unit
	Precision     uint8
	FracPrecision uint8
}

// Last is the smallest field of the qualifier.
func (q Qualifier) Last() Unit {
	if q.End != UnitNone {
		return q.End
	}
	return q.Start
}

// LeadingPrecision is the number of digits the first field may have.
func (q Qualifier) LeadingPrecision() int {
	if q.Precision == 0 {
		return DefaultIntervalPrec
	}
	return int(q.Precision)
}

// fracDigits is the number of fraction digits SECOND prints and accepts.
func (q Qualifier) fracDigits() int {
	if q.FracPrecision == 0 {
		return MaxFracPrecision
	}
	return int(q.FracPrecision)
}

// Valid reports a qualifier SQL allows: YEAR [TO MONTH], MONTH, or a
// day-time range from a larger to a smaller field.
func (q Qualifier) Valid() bool {
	if q.Start < UnitYear || q.Start > UnitSecond || q.End > UnitSecond {
		return false
	}
	if q.Precision > MaxIntervalPrec || q.FracPrecision > MaxFracPrecision {
		return false
	}
	if q.End == UnitNone {
		return true
	}
	if q.Start.IsYearMonth() {
		return q.Start == UnitYear && q.End == UnitMonth
	}
	return !q.End.IsYearMonth() && q.End > q.Start
}

// String spells the qualifier: "DAY TO SECOND", "MINUTE(4)",
// "SECOND(2, 3)", with the precisions only where they are not the defaults.
func (q Qualifier) String() string {
	s := q.Start.String()
	if q.Start == UnitSecond && q.End == UnitNone {
		if q.Precision != 0 || q.FracPrecision != 0 {
			s += "(" + strconv.Itoa(q.LeadingPrecision()) + ", " + strconv.Itoa(q.fracDigits()) + ")"
		}
		return s
	}
	if q.Precision != 0 {
		s += "(" + strconv.Itoa(int(q.Precision)) + ")"
	}
	if q.End != UnitNone {
		s += " TO " + q.End.String()
		if q.End == UnitSecond && q.FracPrecision != 0 {
			s += "(" + strconv.Itoa(int(q.FracPrecision)) + ")"
		}
	}
	return s
}

// Canonical is q with the default precisions spelled as zero, so two
// qualifiers that mean the same compare equal.
func (q Qualifier) Canonical() Qualifier {
	if q.Precision == DefaultIntervalPrec {
		q.Precision = 0
	}
	if q.FracPrecision == MaxFracPrecision {
		q.FracPrecision = 0
	}
	if q.Last() != UnitSecond {
		q.FracPrecision = 0
	}
	return q
}
