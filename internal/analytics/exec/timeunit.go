package exec

import (
	"sluice/internal/analytics/value"
)

// Milliseconds of the fixed units.
var unitMillis = map[value.Unit]int64{
	value.UnitDay: msPerDay, value.UnitHour: 60 * 60 * 1000, value.UnitMinute: 60 * 1000, value.UnitSecond: 1000,
}

// daysFromCivil is the day number (since 1970-01-01) of a proleptic
// Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is daysFromCivil's inverse.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// monthIndex is the number of whole months from January 1970 to the month
// of ms.
func monthIndex(ms int64) int64 {
	y, m, _ := civilFromDays(floorDiv(ms, msPerDay))
	return (y-1970)*12 + m - 1
}

// monthStart is the first millisecond of month index i.
func monthStart(i int64) int64 {
	y := 1970 + floorDiv(i, 12)
	m := i - floorDiv(i, 12)*12 + 1
	return daysFromCivil(y, m, 1) * msPerDay
}

// nextUnit is the start of the unit after the one that starts at start.
func nextUnit(start int64, u value.Unit) int64 {
	switch u {
	case value.UnitYear:
		return monthStart(monthIndex(start) + 12)
	case value.UnitMonth:
		return monthStart(monthIndex(start) + 1)
	}
	return start + unitMillis[u]
}
