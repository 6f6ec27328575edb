package convert

import (
	"fmt"
	"sluice/internal/firehose/javapattern"
	"strings"
	"time"
)

// timestampFormat is one HiveJsonSerDe TimestampFormats entry: "millis" or
// a compiled Joda-Time pattern.
type timestampFormat struct {
	millis bool
	joda   jodaLayout
}

// maxFormatLength is the API's limit on one TimestampFormats entry.
const maxFormatLength = 1024

func compileTimestampFormat(f string) (timestampFormat, error) {
	if strings.TrimSpace(f) == "" || len(f) > maxFormatLength {
		return timestampFormat{}, fmt.Errorf("format %q must be 1 to %d characters and not blank", f, maxFormatLength)
	}
	if f == "millis" {
		return timestampFormat{millis: true}, nil
	}
	l, err := compileJoda(f, time.Now().Year()-30)
	if err != nil {
		return timestampFormat{}, err
	}
	return timestampFormat{joda: l}, nil
}

// jodaLayout is a compiled Joda-Time DateTimeFormat pattern, the language
// of HiveJsonSerDe's TimestampFormats. Go's time layouts are reference
// dates, not letter counts, so the pattern is compiled here. Supported
// letters, as Joda parses them:
//
//	y yyyy   year (1 to 9 digits, signed); yy: two-digit year, pivoting
//	         around this year - 30 (Joda's default), a longer number taken
//	         as is when no number follows
//	Y        year of era, as y
//	M MM     month 1-12; MMM and longer: month name, short or long
//	d        day of month          D   day of year
//	H        hour 0-23             k   hour 1-24
//	h        hour 1-12 (with a)    K   hour 0-11 (with a)
//	a        AM or PM              E   day name, short or long (checked, not used)
//	m        minute                s   second
//	S        fraction of second, 1 to 9 digits
//	Z ZZ     offset: Z, +HHmm or +HH:mm
//
// Text in single quotes is literal (two single quotes are one quote) and
// other characters than ASCII letters stand for themselves. Numbers take
// one digit or more, at most two (three for D, nine for S, or as many as
// the letters when more), and a year directly followed by another number
// takes exactly as many digits as its letters, as Joda does for yyyyMMdd.
// Text compares case-insensitively in English. Fields left out
// default to 1970-01-01T00:00:00 and the time is UTC unless Z gives an
// offset. Refused, because a parse of them could not match Joda's: G (era),
// C (century), x, w, e (week-based fields), z (zone name), ZZZ (zone id),
// and D combined with M or d; and any other letter, which Joda refuses too.
type jodaLayout struct {
	parts []jodaPart
	pivot int // two-digit year pivot
}

type jodaPart struct {
	letter byte // 0: literal text
	count  int
	text   string
	fixed  bool // a year followed directly by another number: exactly count digits
}

func numericPart(p jodaPart) bool {
	switch p.letter {
	case 0, 'a', 'E', 'Z':
		return false
	case 'M':
		return p.count < 3
	}
	return true
}

func compileJoda(pattern string, pivot int) (jodaLayout, error) {
	l := jodaLayout{pivot: pivot}
	seen := map[byte]bool{}
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			text, next, err := javapattern.Quoted(pattern, i)
			if err != nil {
				return l, err
			}
			l.parts = append(l.parts, jodaPart{text: text})
			i = next
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(pattern) && pattern[j] == c {
				j++
			}
			n := j - i
			switch c {
			case 'y', 'Y', 'M', 'd', 'D', 'H', 'k', 'h', 'K', 'a', 'E', 'm', 's', 'S':
			case 'Z':
				if n > 2 {
					return l, fmt.Errorf("pattern %q: ZZZ (time zone id) is not supported; use Z or ZZ (offset)", pattern)
				}
			case 'G', 'C', 'x', 'w', 'e', 'z':
				return l, fmt.Errorf("pattern %q: Joda letter %q is not supported by Sluice", pattern, string(c))
			default:
				return l, fmt.Errorf("pattern %q: %q is not a Joda-Time pattern letter (quote literal text, as in 'T')", pattern, string(c))
			}
			if c == 'Y' {
				c = 'y'
			}
			seen[c] = true
			l.parts = append(l.parts, jodaPart{letter: c, count: n})
			i = j
		default:
			j := i
			for j < len(pattern) && pattern[j] != '\'' && !(pattern[j] >= 'a' && pattern[j] <= 'z' || pattern[j] >= 'A' && pattern[j] <= 'Z') {
				j++
			}
			l.parts = append(l.parts, jodaPart{text: pattern[i:j]})
			i = j
		}
	}
	if seen['D'] && (seen['M'] || seen['d']) {
		return l, fmt.Errorf("pattern %q: D (day of year) together with M or d is not supported", pattern)
	}
	for i := range l.parts {
		if numericPart(l.parts[i]) && i+1 < len(l.parts) && numericPart(l.parts[i+1]) {
			l.parts[i].fixed = true
		}
	}
	return l, nil
}

var (
	monthNames = []string{"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"}
	dayNames = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

// matchName reads a month or day name, long or three-letter, at s[pos:].
func matchName(s string, pos int, names []string) (int, int, bool) {
	rest := strings.ToLower(s[pos:])
	for i, n := range names { // long names first: "may" is both
		if strings.HasPrefix(rest, n) {
			return i, pos + len(n), true
		}
	}
	for i, n := range names {
		if strings.HasPrefix(rest, n[:3]) {
			return i, pos + 3, true
		}
	}
	return 0, pos, false
}

// readInt reads min..max digits, optionally signed, at s[pos:].
func readInt(s string, pos, minDigits, maxDigits int, signed bool) (v int64, end, digits int, ok bool) {
	neg := false
	if signed && pos < len(s) && (s[pos] == '-' || s[pos] == '+') {
		neg = s[pos] == '-'
		pos++
	}
	start := pos
	for pos < len(s) && pos-start < maxDigits && s[pos] >= '0' && s[pos] <= '9' {
		v = v*10 + int64(s[pos]-'0')
		pos++
	}
	digits = pos - start
	if digits < minDigits || digits == 0 {
		return 0, pos, digits, false
	}
	if neg {
		v = -v
	}
	return v, pos, digits, true
}

// parse reads s, all of it, as the pattern says.
func (l jodaLayout) parse(s string) (ts, bool) {
	year, month, day, yday := int64(1970), int64(1), int64(1), int64(0)
	hour, minute, second, nanos := int64(0), int64(0), int64(0), int64(0)
	var half, clock int64 = -1, -1 // a; h or K (as 0-11)
	hourSet := false
	offset := int64(0)
	pos := 0
	for _, p := range l.parts {
		if p.letter == 0 {
			if len(s)-pos < len(p.text) || !strings.EqualFold(s[pos:pos+len(p.text)], p.text) {
				return ts{}, false
			}
			pos += len(p.text)
			continue
		}
		maxDigits := 2
		if p.count > 2 {
			maxDigits = p.count
		}
		var v int64
		var ok bool
		var digits int
		switch p.letter {
		case 'y':
			if p.count == 2 {
				start := pos
				if p.fixed {
					v, pos, digits, ok = readInt(s, pos, 2, 2, false)
				} else {
					v, pos, digits, ok = readInt(s, pos, 1, 9, true)
				}
				signed := start < len(s) && (s[start] == '-' || s[start] == '+')
				if ok && digits == 2 && !signed {
					v = twoDigitYear(v, l.pivot)
				}
			} else {
				max := 9
				if p.fixed {
					max = p.count
				}
				v, pos, _, ok = readInt(s, pos, 1, max, true)
			}
			year = v
		case 'M':
			if p.count >= 3 {
				var i int
				i, pos, ok = matchName(s, pos, monthNames)
				v = int64(i + 1)
			} else {
				v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			}
			month = v
		case 'd':
			v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			day = v
		case 'D':
			if maxDigits < 3 {
				maxDigits = 3
			}
			v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			yday = v
		case 'H':
			v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			ok = ok && v <= 23
			hour, hourSet = v, true
		case 'k':
			v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			ok = ok && v >= 1 && v <= 24
			hour, hourSet = v%24, true
		case 'h':
			v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			ok = ok && v >= 1 && v <= 12
			clock = v % 12
		case 'K':
			v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			ok = ok && v <= 11
			clock = v
		case 'a':
			rest := strings.ToLower(s[pos:])
			switch {
			case strings.HasPrefix(rest, "am"):
				half, ok = 0, true
			case strings.HasPrefix(rest, "pm"):
				half, ok = 1, true
			}
			pos += 2
		case 'E':
			_, pos, ok = matchName(s, pos, dayNames)
		case 'm':
			v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			ok = ok && v <= 59
			minute = v
		case 's':
			v, pos, _, ok = readInt(s, pos, 1, maxDigits, false)
			ok = ok && v <= 59
			second = v
		case 'S':
			v, pos, digits, ok = readInt(s, pos, 1, 9, false)
			for n := digits; ok && n < 9; n++ {
				v *= 10
			}
			nanos = v
		case 'Z':
			offset, pos, ok = readOffset(s, pos)
		}
		if !ok || pos > len(s) {
			return ts{}, false
		}
	}
	if pos != len(s) {
		return ts{}, false
	}
	if !hourSet {
		switch {
		case clock >= 0 && half >= 0:
			hour = clock + 12*half
		case clock >= 0:
			hour = clock
		case half >= 0:
			hour = 12 * half
		}
	}
	if year < minYear || year > maxYear {
		return ts{}, false
	}
	var d time.Time
	if yday != 0 {
		days := int64(365)
		if isLeap(year) {
			days = 366
		}
		if yday < 1 || yday > days {
			return ts{}, false
		}
		d = time.Date(int(year), time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(yday-1))
	} else {
		if month < 1 || month > 12 || day < 1 || day > int64(daysIn(year, month)) {
			return ts{}, false
		}
		d = time.Date(int(year), time.Month(month), int(day), 0, 0, 0, 0, time.UTC)
	}
	secs := d.Unix() + hour*3600 + minute*60 + second - offset
	return makeTS(secs, nanos)
}

// readOffset reads Z, +HH:mm or +HHmm and returns the offset in seconds.
func readOffset(s string, pos int) (int64, int, bool) {
	if pos < len(s) && s[pos] == 'Z' {
		return 0, pos + 1, true
	}
	if pos >= len(s) || s[pos] != '+' && s[pos] != '-' {
		return 0, pos, false
	}
	sign := int64(1)
	if s[pos] == '-' {
		sign = -1
	}
	h, p, _, ok := readInt(s, pos+1, 2, 2, false)
	if !ok || h > 23 {
		return 0, p, false
	}
	if p < len(s) && s[p] == ':' {
		p++
	}
	m, p, _, ok := readInt(s, p, 2, 2, false)
	if !ok || m > 59 {
		return 0, p, false
	}
	return sign * (h*3600 + m*60), p, true
}

// twoDigitYear places a two-digit year in the century around pivot, as
// Joda's TwoDigitYear does: within [pivot-50, pivot+49].
func twoDigitYear(v int64, pivot int) int64 {
	low := int64(pivot - 50)
	t := low % 100
	if low < 0 {
		t = 99 + (low+1)%100
	}
	if v < t {
		v += 100
	}
	return v + low - t
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(year, month int64) int {
	switch month {
	case 2:
		if isLeap(year) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
