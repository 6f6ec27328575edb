package value

// Calendar arithmetic on the proleptic Gregorian calendar, in plain
// integers: a TIMESTAMP is milliseconds since the epoch and a DATE days, with
// no time zone (KDA keeps everything in UTC). The conversions are Howard
// Hinnant's days_from_civil and civil_from_days, valid for any int64 day
// count a value can hold.

const (
	msPerDay    = 86_400_000
	msPerHour   = 3_600_000
	msPerMinute = 60_000
	msPerSecond = 1000
)

// daysFromCivil is the day number of y-m-d (m 1–12, d 1–31).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the date of day number z.
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

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// The range of datetimes Sluice accepts: years 0001–9999 when parsing text,
// which is what SQL's literals allow. Arithmetic may leave it; printing then
// shows the year as it is.
const (
	minYear = 1
	maxYear = 9999
)

// addMonths moves a timestamp by months, keeping the time of day and
// clamping the day to the end of a shorter month (Jan 31 + 1 month is Feb
// 28 or 29), as SQLstream and Java do.
func addMonths(ms int64, months int64) int64 {
	days := floorDiv(ms, msPerDay)
	tod := ms - days*msPerDay
	y, m, d := civilFromDays(days)
	total := y*12 + (m - 1) + months
	ny, nm := floorDiv(total, 12), floorMod(total, 12)+1
	if dim := daysInMonth(ny, nm); d > dim {
		d = dim
	}
	return daysFromCivil(ny, nm, d)*msPerDay + tod
}
