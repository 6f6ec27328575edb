package funcs

// The date and time pattern language of java.text.SimpleDateFormat, which
// KDA's CHAR_TO_*, *_TO_CHAR and the log parsers' datetime columns use, in
// the US English locale and the UTC time zone KDA runs in:
//
//	G era (AD)              y year                  Y week year
//	M, L month (7, 07, Jul, July)                   w week in year
//	W week in month         D day in year           d day in month
//	F day of week in month  E day name (Tue, Tuesday)
//	u day number of week (1 = Monday)               a AM/PM
//	H hour 0-23   k hour 1-24   K hour 0-11   h hour 1-12
//	m minute      s second      S millisecond
//	z time zone (UTC, Coordinated Universal Time; parses GMT±hh:mm, ±hhmm, names)
//	Z RFC 822 zone (+0000)  X ISO 8601 zone (Z, ±hh, ±hhmm, ±hh:mm)
//
// Other ASCII letters are reserved and make the pattern invalid; text in
// single quotes is literal ('' is a quote); anything else is literal. A run
// of one letter is one field, and its length is the presentation: for text,
// four or more letters is the full form; for numbers, the minimum digits
// (zero-padded); for a year, two letters is the last two digits. Weeks
// follow the US rules: they start on Sunday, and week 1 is the one that
// holds January 1.

import (
	"strconv"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

// DateFormat is a compiled SimpleDateFormat pattern.
type DateFormat struct {
	pattern string
	items   []dfItem
	maxLen  int // the most characters Format writes
}

// dfItem is a literal (letter 0) or a field: a pattern letter repeated
// count times.
type dfItem struct {
	letter byte
	count  int
	lit    string
}

const dfLetters = "GyYMLwWDdFEuaHkKhmsSzZX"

var (
	monthNames = [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	monthShort = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	dayNames   = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	dayShort   = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	ampmNames  = [2]string{"AM", "PM"}
	eraNames   = [2]string{"BC", "AD"}
)

// CompileDateFormat compiles a pattern as SimpleDateFormat's constructor
// does, refusing an unknown letter or an unclosed quote. Errors are *Error
// with CondInvalidDatetimeFormat.
func CompileDateFormat(pattern string) (*DateFormat, error) {
	f := &DateFormat{pattern: pattern}
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			f.items = append(f.items, dfItem{lit: string(lit)})
			f.maxLen += utf8.RuneCount(lit)
			lit = lit[:0]
		}
	}
	bad := func(format string, a ...any) (*DateFormat, error) {
		return nil, errorf(CondInvalidDatetimeFormat, "date pattern", "%s: "+format, append([]any{quote(pattern)}, a...)...)
	}
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			if i+1 < len(pattern) && pattern[i+1] == '\'' {
				lit = append(lit, '\'')
				i += 2
				continue
			}
			i++
			for {
				if i >= len(pattern) {
					return bad("unterminated quote")
				}
				if pattern[i] == '\'' {
					if i+1 < len(pattern) && pattern[i+1] == '\'' {
						lit = append(lit, '\'')
						i += 2
						continue
					}
					i++
					break
				}
				lit = append(lit, pattern[i])
				i++
			}
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			if !containsByte(dfLetters, c) {
				return bad("illegal pattern character %q", c)
			}
			n := 1
			for i+n < len(pattern) && pattern[i+n] == c {
				n++
			}
			if c == 'X' && n > 3 {
				return bad("X may be repeated at most 3 times")
			}
			if n > 64 {
				return bad("%c repeated %d times", c, n)
			}
			flush()
			f.items = append(f.items, dfItem{letter: c, count: n})
			f.maxLen += fieldWidth(c, n)
			i += n
		default:
			lit = append(lit, c)
			i++
		}
	}
	flush()
	return f, nil
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// fieldWidth is the most characters a field formats to.
func fieldWidth(c byte, n int) int {
	w := 2
	switch c {
	case 'G', 'a':
		return 2
	case 'y', 'Y':
		if n == 2 {
			return 2
		}
		w = 4 // years past 9999 print longer; SQL's datetimes end there
	case 'M', 'L':
		switch {
		case n >= 4:
			return 9
		case n == 3:
			return 3
		}
	case 'E':
		if n >= 4 {
			return 9
		}
		return 3
	case 'z':
		if n >= 4 {
			return 26
		}
		return 3
	case 'Z':
		return 5
	case 'X':
		return 1
	case 'D', 'S':
		w = 3
	case 'W', 'F', 'u':
		w = 1
	}
	return max(n, w)
}

// MaxLen is the most characters Format writes: the length of a VARCHAR
// that holds any result.
func (f *DateFormat) MaxLen() int { return f.maxLen }

// String is the pattern as written.
func (f *DateFormat) String() string { return f.pattern }

// calendarFields are the fields of an instant that patterns print.
type calendarFields struct {
	year, month, day    int64 // proleptic: year 0 is 1 BC
	hour, minute, sec   int64
	millis              int64
	weekday             int64 // 0 Sunday
	yearDay             int64 // 1-based
	weekYear, weekOfYr  int64
	weekOfMonth, dowInM int64
}

func fieldsOf(ms int64) calendarFields {
	days := value.FloorDiv(ms, msPerDay)
	tod := ms - days*msPerDay
	var c calendarFields
	c.year, c.month, c.day = value.CivilFromDays(days)
	c.hour = tod / msPerHour
	c.minute = tod / msPerMinute % 60
	c.sec = tod / msPerSecond % 60
	c.millis = tod % msPerSecond
	c.weekday = weekday(days)
	c.yearDay = days - value.DaysFromCivil(c.year, 1, 1) + 1
	c.weekYear, c.weekOfYr = weekOfYear(days, c.year)
	first := value.DaysFromCivil(c.year, c.month, 1)
	c.weekOfMonth = (c.day-1+weekday(first))/7 + 1
	c.dowInM = (c.day-1)/7 + 1
	return c
}

// week1Start is the Sunday that starts week 1 of year y: the week holding
// January 1.
func week1Start(y int64) int64 {
	jan1 := value.DaysFromCivil(y, 1, 1)
	return jan1 - weekday(jan1)
}

// weekOfYear is the US week-based year and week of day number z in year y.
func weekOfYear(z, y int64) (int64, int64) {
	if next := week1Start(y + 1); z >= next {
		return y + 1, 1
	}
	return y, (z-week1Start(y))/7 + 1
}

// Format prints the TIMESTAMP ms (milliseconds since the epoch, UTC).
func (f *DateFormat) Format(ms int64) string { return string(f.AppendFormat(nil, ms)) }

// AppendFormat appends Format's text to dst.
func (f *DateFormat) AppendFormat(dst []byte, ms int64) []byte {
	c := fieldsOf(ms)
	for _, it := range f.items {
		if it.letter == 0 {
			dst = append(dst, it.lit...)
			continue
		}
		n := it.count
		switch it.letter {
		case 'G':
			dst = append(dst, eraNames[boolIndex(c.year > 0)]...)
		case 'y':
			dst = appendYear(dst, c.year, n)
		case 'Y':
			dst = appendYear(dst, c.weekYear, n)
		case 'M', 'L':
			switch {
			case n >= 4:
				dst = append(dst, monthNames[c.month-1]...)
			case n == 3:
				dst = append(dst, monthShort[c.month-1]...)
			default:
				dst = appendNumber(dst, c.month, n)
			}
		case 'w':
			dst = appendNumber(dst, c.weekOfYr, n)
		case 'W':
			dst = appendNumber(dst, c.weekOfMonth, n)
		case 'D':
			dst = appendNumber(dst, c.yearDay, n)
		case 'd':
			dst = appendNumber(dst, c.day, n)
		case 'F':
			dst = appendNumber(dst, c.dowInM, n)
		case 'E':
			if n >= 4 {
				dst = append(dst, dayNames[c.weekday]...)
			} else {
				dst = append(dst, dayShort[c.weekday]...)
			}
		case 'u':
			dst = appendNumber(dst, (c.weekday+6)%7+1, n)
		case 'a':
			dst = append(dst, ampmNames[boolIndex(c.hour >= 12)]...)
		case 'H':
			dst = appendNumber(dst, c.hour, n)
		case 'k':
			h := c.hour
			if h == 0 {
				h = 24
			}
			dst = appendNumber(dst, h, n)
		case 'K':
			dst = appendNumber(dst, c.hour%12, n)
		case 'h':
			h := c.hour % 12
			if h == 0 {
				h = 12
			}
			dst = appendNumber(dst, h, n)
		case 'm':
			dst = appendNumber(dst, c.minute, n)
		case 's':
			dst = appendNumber(dst, c.sec, n)
		case 'S':
			dst = appendNumber(dst, c.millis, n)
		case 'z':
			if n >= 4 {
				dst = append(dst, "Coordinated Universal Time"...)
			} else {
				dst = append(dst, "UTC"...)
			}
		case 'Z':
			dst = append(dst, "+0000"...)
		case 'X':
			dst = append(dst, 'Z')
		}
	}
	return dst
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// appendYear prints a year of the era (1 BC for year 0): its last two
// digits for yy, zero-padded to n digits otherwise.
func appendYear(dst []byte, y int64, n int) []byte {
	if y <= 0 {
		y = 1 - y
	}
	if n == 2 {
		return appendNumber(dst, y%100, 2)
	}
	return appendNumber(dst, y, n)
}

// appendNumber prints v zero-padded to at least n digits.
func appendNumber(dst []byte, v int64, n int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], v, 10)
	for i := len(s); i < n; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}
