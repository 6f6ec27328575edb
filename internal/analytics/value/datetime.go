package value

// Calendar arithmetic on the proleptic Gregorian calendar, in plain
// integers: a TIMESTAMP is milliseconds since the epoch and a DATE days, with
// no time zone (KDA keeps everything in UTC). The conversions are Howard
// Hinnant's days_from_civil and civil_from_days, valid for any int64 day
// count a value can hold. (Java's GregorianCalendar switches to the Julian
// calendar before 1582-10-15; the text of such dates is the same, their
// distance from 1970 is not.)
//
// This is the one calendar of Data Analytics: package exec closes the
// windows of FLOOR and STEP of ROWTIME with it, and exec/funcs computes
// FLOOR, CEIL, STEP, EXTRACT and the date functions with it.

const (
	msPerDay    = 86_400_000
	msPerHour   = 3_600_000
	msPerMinute = 60_000
	msPerSecond = 1000
)

// DaysFromCivil is the day number (days since 1970-01-01) of y-m-d (m
// 1–12, d 1–31).
func DaysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := FloorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// CivilFromDays is the date of day number z, DaysFromCivil's inverse.
func CivilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := FloorDiv(z, 146097)
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

// DaysInMonth is the number of days of month m (1–12) of year y.
func DaysInMonth(y, m int64) int64 {
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

// FloorDiv is a / b rounded towards negative infinity (b not 0): the day
// of a time before 1970 is the one it falls in, not the one after.
func FloorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// FloorMod is a - FloorDiv(a, b)*b, which has b's sign.
func FloorMod(a, b int64) int64 { return a - FloorDiv(a, b)*b }

// The range of datetimes Sluice accepts: years 0001–9999 when parsing text,
// which is what SQL's literals allow. Arithmetic may leave it; printing then
// shows the year as it is.
const (
	minYear = 1
	maxYear = 9999
)

// AddMonths moves a timestamp by months, keeping the time of day and
// clamping the day to the end of a shorter month (Jan 31 + 1 month is Feb
// 28 or 29), as SQLstream and Java do.
func AddMonths(ms int64, months int64) int64 {
	days := FloorDiv(ms, msPerDay)
	tod := ms - days*msPerDay
	y, m, d := CivilFromDays(days)
	total := y*12 + (m - 1) + months
	ny, nm := FloorDiv(total, 12), FloorMod(total, 12)+1
	if dim := DaysInMonth(ny, nm); d > dim {
		d = dim
	}
	return DaysFromCivil(ny, nm, d)*msPerDay + tod
}

// MonthIndex is the number of whole months from January 1970 to the month
// of timestamp ms (negative before 1970).
func MonthIndex(ms int64) int64 {
	y, m, _ := CivilFromDays(FloorDiv(ms, msPerDay))
	return (y-1970)*12 + m - 1
}

// MonthStart is the first millisecond of month index i (see MonthIndex).
func MonthStart(i int64) int64 {
	y := 1970 + FloorDiv(i, 12)
	m := FloorMod(i, 12) + 1
	return DaysFromCivil(y, m, 1) * msPerDay
}

// FloorUnit is timestamp ms rounded down to the start of its unit u,
// FLOOR(ms TO u): its year, month, day, hour, minute or second.
func FloorUnit(ms int64, u Unit) int64 {
	switch u {
	case UnitYear:
		y, _, _ := CivilFromDays(FloorDiv(ms, msPerDay))
		return DaysFromCivil(y, 1, 1) * msPerDay
	case UnitMonth:
		return MonthStart(MonthIndex(ms))
	}
	size := u.Millis()
	return FloorDiv(ms, size) * size
}

// NextUnit is the start of the unit u after the one that starts at start
// (a FloorUnit): the end of FLOOR's window, and CEIL(ms TO u) of any ms
// inside it but its start.
func NextUnit(start int64, u Unit) int64 {
	switch u {
	case UnitYear:
		return MonthStart(MonthIndex(start) + 12)
	case UnitMonth:
		return MonthStart(MonthIndex(start) + 1)
	}
	return start + u.Millis()
}
