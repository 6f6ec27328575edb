package funcs

// Calendar arithmetic on the proleptic Gregorian calendar in UTC, the
// value package's calendar: a TIMESTAMP is milliseconds since 1970-01-01,
// a DATE days since then, a TIME milliseconds since midnight. (Java's
// GregorianCalendar switches to the Julian calendar before 1582-10-15; the
// text of such dates is the same, their distance from 1970 is not.)

import "sluice/internal/analytics/value"

const (
	msPerSecond = 1000
	msPerMinute = 60 * msPerSecond
	msPerHour   = 60 * msPerMinute
	msPerDay    = 24 * msPerHour
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// daysFromCivil is the day number of y-m-d (m 1–12), after Howard Hinnant's
// days_from_civil.
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

// civil is the date of day number z.
func civil(z int64) (y, m, d int64) {
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

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInMonth(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// weekday is the day of the week of day number z: 0 Sunday … 6 Saturday
// (1970-01-01 was a Thursday).
func weekday(z int64) int64 { return floorMod(z+4, 7) }

// datetimeMillis is a DATE, TIME or TIMESTAMP as milliseconds since the
// epoch (a DATE is its midnight, a TIME is on 1970-01-01).
func datetimeMillis(v value.Value) int64 {
	if v.Kind() == value.KindDate {
		return v.Int64() * msPerDay
	}
	return v.Int64()
}

// datetimeOf is ms as a value of datetime kind k.
func datetimeOf(k value.Kind, ms int64) value.Value {
	switch k {
	case value.KindDate:
		return value.NewDate(floorDiv(ms, msPerDay))
	case value.KindTime:
		return value.NewTime(ms)
	}
	return value.NewTimestamp(ms)
}

// addMonths moves ms by months, clamping the day to the end of a shorter
// month as Java and SQLstream do.
func addMonths(ms, months int64) int64 {
	days := floorDiv(ms, msPerDay)
	tod := ms - days*msPerDay
	y, m, d := civil(days)
	total := y*12 + (m - 1) + months
	ny, nm := floorDiv(total, 12), floorMod(total, 12)+1
	d = min(d, daysInMonth(ny, nm))
	return daysFromCivil(ny, nm, d)*msPerDay + tod
}
