package funcs

// Parsing with a SimpleDateFormat pattern, as java.text.SimpleDateFormat
// does with leniency off (which is what KDA's examples show: a month of
// 2009 or February 30 gives no row):
//
//   - The pattern is matched from the start of the text; text left over
//     after the last item is ignored ('yyyy' reads 2009 from '2009-09-16
//     03:15:24'), but nothing matched at all is an error.
//   - Literals must match exactly; each field first skips spaces and tabs.
//   - A number field reads as many digits as there are (its letter count
//     is ignored) unless another field follows it directly, as in
//     'yyyyMMdd': then it reads exactly its count.
//   - Text fields (MMM, EEE, a, G) accept the full or the short name in any
//     case, the longest that matches.
//   - A two-digit year for y or yy is put in the century that starts 80
//     years before the query started; any other year is literal ('0009').
//   - Fields the pattern does not give default to 1970-01-01 00:00:00.000;
//     every field it gives must be in range and agree with the date they
//     make (a day name must be that date's), or the text is invalid.
//   - A zone (z, Z, X) moves the result to UTC; without one it is UTC.

import (
	"strings"
	"time"

	"sluice/internal/analytics/value"
)

// The calendar fields a parse may set, in no particular order.
const (
	fEra = iota
	fYear
	fWeekYear
	fMonth
	fWeekOfYear
	fWeekOfMonth
	fDayOfYear
	fDay
	fDowInMonth
	fDayOfWeek // 1 Sunday … 7 Saturday, as Java's
	fAmPm
	fHour // 0-11
	fHourOfDay
	fMinute
	fSecond
	fMillis
	nFields
)

type parsed struct {
	set       [nFields]bool
	val       [nFields]int64
	zone      bool
	zoneMs    int64
	ambiguous bool // a two-digit year that could be either century
}

func (p *parsed) put(f int, v int64) {
	p.set[f] = true
	p.val[f] = v
}

// CenturyStart is the instant two-digit years count from: 80 years before
// t, as SimpleDateFormat's default century is 80 years before its creation.
func CenturyStart(t time.Time) int64 {
	return value.AddMonths(t.UnixMilli(), -80*12)
}

// Parse reads s with the pattern and returns the TIMESTAMP it gives, in
// milliseconds since the epoch. centuryStart is CenturyStart(query start).
// Errors are *Error with CondInvalidDatetimeFormat.
func (f *DateFormat) Parse(s string, centuryStart int64) (int64, error) {
	var p parsed
	pos := 0
	fail := func() (int64, error) {
		return 0, errorf(CondInvalidDatetimeFormat, "date pattern", "%s does not match the pattern %s", quote(s), quote(f.pattern))
	}
	for i, it := range f.items {
		if it.letter == 0 {
			if !strings.HasPrefix(s[pos:], it.lit) {
				return fail()
			}
			pos += len(it.lit)
			continue
		}
		obeyCount := i+1 < len(f.items) && f.items[i+1].letter != 0
		next, ok := f.field(&p, s, pos, it, obeyCount, centuryStart)
		if !ok {
			return fail()
		}
		pos = next
	}
	if pos == 0 {
		return fail()
	}
	ms, ok := p.resolve()
	if !ok {
		return fail()
	}
	if p.ambiguous && ms < centuryStart {
		p.val[fYear] += 100
		if ms, ok = p.resolve(); !ok {
			return fail()
		}
	}
	return ms, nil
}

// field parses one field at s[pos:], returning where it ends.
func (f *DateFormat) field(p *parsed, s string, pos int, it dfItem, obeyCount bool, centuryStart int64) (int, bool) {
	for pos < len(s) && (s[pos] == ' ' || s[pos] == '\t') {
		pos++
	}
	if pos >= len(s) {
		return 0, false
	}
	switch it.letter {
	case 'G':
		k, end := matchName(s, pos, eraNames[:])
		if k < 0 {
			return 0, false
		}
		p.put(fEra, int64(k))
		return end, true
	case 'M', 'L':
		if it.count >= 3 {
			k, end := matchName(s, pos, monthNames[:])
			if k < 0 {
				k, end = matchName(s, pos, monthShort[:])
			}
			if k < 0 {
				return 0, false
			}
			p.put(fMonth, int64(k))
			return end, true
		}
	case 'E':
		k, end := matchName(s, pos, dayNames[:])
		if k < 0 {
			k, end = matchName(s, pos, dayShort[:])
		}
		if k < 0 {
			return 0, false
		}
		p.put(fDayOfWeek, int64(k)+1)
		return end, true
	case 'a':
		k, end := matchName(s, pos, ampmNames[:])
		if k < 0 {
			return 0, false
		}
		p.put(fAmPm, int64(k))
		return end, true
	case 'z', 'Z':
		off, end, ok := parseZone(s, pos)
		if !ok {
			return 0, false
		}
		p.zone, p.zoneMs = true, off
		return end, true
	case 'X':
		off, end, ok := parseISOZone(s, pos, it.count)
		if !ok {
			return 0, false
		}
		p.zone, p.zoneMs = true, off
		return end, true
	}
	n, end, ok := parseNumber(s, pos, it.count, obeyCount)
	if !ok {
		return 0, false
	}
	switch it.letter {
	case 'y', 'Y':
		if it.count <= 2 && end-pos == 2 && isDigit(s[pos]) && isDigit(s[pos+1]) {
			start := fieldsOf(centuryStart).year
			pivot := start % 100
			p.ambiguous = n == pivot
			n += start/100*100 + boolInt(n < pivot)*100
		}
		if it.letter == 'y' {
			p.put(fYear, n)
		} else {
			p.put(fWeekYear, n)
		}
	case 'M', 'L':
		p.put(fMonth, n-1)
	case 'w':
		p.put(fWeekOfYear, n)
	case 'W':
		p.put(fWeekOfMonth, n)
	case 'D':
		p.put(fDayOfYear, n)
	case 'd':
		p.put(fDay, n)
	case 'F':
		p.put(fDowInMonth, n)
	case 'u':
		if n < 1 || n > 7 {
			return 0, false
		}
		p.put(fDayOfWeek, n%7+1)
	case 'H':
		p.put(fHourOfDay, n)
	case 'k':
		if n < 1 || n > 24 {
			return 0, false
		}
		p.put(fHourOfDay, n%24)
	case 'K':
		p.put(fHour, n)
	case 'h':
		if n < 1 || n > 12 {
			return 0, false
		}
		p.put(fHour, n%12)
	case 'm':
		p.put(fMinute, n)
	case 's':
		p.put(fSecond, n)
	case 'S':
		p.put(fMillis, n)
	}
	return end, true
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// maxParsedNumber bounds a number field: far beyond every valid field
// (years up to 200 million), short of overflowing the arithmetic.
const maxParsedNumber = 200_000_000

// parseNumber reads an optionally negative decimal integer at s[pos:], of
// exactly count characters when obeyCount.
func parseNumber(s string, pos, count int, obeyCount bool) (int64, int, bool) {
	text := s[pos:]
	if obeyCount {
		if count > len(text) {
			return 0, 0, false
		}
		text = text[:count]
	}
	i := 0
	neg := false
	if i < len(text) && text[i] == '-' {
		neg = true
		i++
	}
	start := i
	var n int64
	for i < len(text) && isDigit(text[i]) {
		if n <= maxParsedNumber {
			n = n*10 + int64(text[i]-'0')
		}
		i++
	}
	if i == start || n > maxParsedNumber {
		return 0, 0, false
	}
	if neg {
		n = -n
	}
	return n, pos + i, true
}

// matchName finds the longest of names at s[pos:], ignoring case.
func matchName(s string, pos int, names []string) (int, int) {
	best, bestLen := -1, 0
	for k, name := range names {
		if len(name) > bestLen && len(s)-pos >= len(name) && strings.EqualFold(s[pos:pos+len(name)], name) {
			best, bestLen = k, len(name)
		}
	}
	return best, pos + bestLen
}

// parseZone reads a z or Z zone: "GMT" alone, "GMT" then ±hh:mm (or ±h:mm),
// an RFC 822 ±hhmm, or a zone name. It returns the zone's offset from UTC.
func parseZone(s string, pos int) (int64, int, bool) {
	c := s[pos]
	switch {
	case c == '+' || c == '-':
		return numericZone(s, pos+1, sign(c), 0, false)
	case len(s)-pos >= 3 && strings.EqualFold(s[pos:pos+3], "GMT"):
		pos += 3
		if pos < len(s) && (s[pos] == '+' || s[pos] == '-') {
			return numericZone(s, pos+1, sign(s[pos]), 0, true)
		}
		return 0, pos, true
	}
	best, bestLen := -1, 0
	for k, z := range zoneNames {
		if len(z.name) > bestLen && len(s)-pos >= len(z.name) && strings.EqualFold(s[pos:pos+len(z.name)], z.name) {
			best, bestLen = k, len(z.name)
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	return int64(zoneNames[best].minutes) * msPerMinute, pos + bestLen, true
}

func sign(c byte) int64 {
	if c == '-' {
		return -1
	}
	return 1
}

// parseISOZone reads an X zone: Z, or ±hh (X), ±hhmm (XX), ±hh:mm (XXX).
func parseISOZone(s string, pos, count int) (int64, int, bool) {
	switch s[pos] {
	case 'Z':
		return 0, pos + 1, true
	case '+', '-':
		return numericZone(s, pos+1, sign(s[pos]), count, count == 3)
	}
	return 0, 0, false
}

// numericZone reads hh[[:]mm] after a sign, as SimpleDateFormat does: with
// count 1 only hh; with a colon the hour may be one digit.
func numericZone(s string, pos int, sgn int64, count int, colon bool) (int64, int, bool) {
	digit := func() (int64, bool) {
		if pos < len(s) && isDigit(s[pos]) {
			pos++
			return int64(s[pos-1] - '0'), true
		}
		return 0, false
	}
	h, ok := digit()
	if !ok {
		return 0, 0, false
	}
	if d, ok := digit(); ok {
		h = h*10 + d
	} else if count > 0 || !colon {
		return 0, 0, false
	}
	if h > 23 {
		return 0, 0, false
	}
	var m int64
	if count != 1 {
		if colon {
			if pos >= len(s) || s[pos] != ':' {
				return 0, 0, false
			}
			pos++
		}
		m1, ok1 := digit()
		m2, ok2 := digit()
		if !ok1 || !ok2 {
			return 0, 0, false
		}
		if m = m1*10 + m2; m > 59 {
			return 0, 0, false
		}
	}
	return sgn * (h*60 + m) * msPerMinute, pos, true
}

// zoneNames are the zone names and abbreviations Sluice parses, with their
// offsets in minutes: the UTC names and the common US and European ones of
// Java's US-locale table (an abbreviation that means several zones means
// the US one, as in Java: CST is US Central).
var zoneNames = []struct {
	name    string
	minutes int
}{
	{"UTC", 0}, {"UT", 0}, {"Coordinated Universal Time", 0}, {"Greenwich Mean Time", 0},
	{"EST", -300}, {"EDT", -240}, {"Eastern Standard Time", -300}, {"Eastern Daylight Time", -240},
	{"CST", -360}, {"CDT", -300}, {"Central Standard Time", -360}, {"Central Daylight Time", -300},
	{"MST", -420}, {"MDT", -360}, {"Mountain Standard Time", -420}, {"Mountain Daylight Time", -360},
	{"PST", -480}, {"PDT", -420}, {"Pacific Standard Time", -480}, {"Pacific Daylight Time", -420},
	{"AKST", -540}, {"AKDT", -480}, {"Alaska Standard Time", -540}, {"Alaska Daylight Time", -480},
	{"HST", -600}, {"Hawaii Standard Time", -600},
	{"WET", 0}, {"WEST", 60}, {"Western European Time", 0}, {"Western European Summer Time", 60},
	{"BST", 60}, {"British Summer Time", 60},
	{"CET", 60}, {"CEST", 120}, {"Central European Time", 60}, {"Central European Summer Time", 120},
	{"EET", 120}, {"EEST", 180}, {"Eastern European Time", 120}, {"Eastern European Summer Time", 180},
	{"MSK", 180}, {"Moscow Standard Time", 180},
	{"IST", 330}, {"India Standard Time", 330},
	{"SGT", 480}, {"Singapore Time", 480}, {"HKT", 480}, {"Hong Kong Time", 480},
	{"JST", 540}, {"Japan Standard Time", 540}, {"KST", 540}, {"Korea Standard Time", 540},
	{"AWST", 480}, {"ACST", 570}, {"AEST", 600}, {"AEDT", 660},
	{"Australian Eastern Standard Time", 600}, {"Australian Eastern Daylight Time", 660},
	{"NZST", 720}, {"NZDT", 780}, {"New Zealand Standard Time", 720}, {"New Zealand Daylight Time", 780},
}

// fieldRanges are the values Java accepts for each field with leniency off.
var fieldRanges = [nFields][2]int64{
	fEra: {0, 1}, fYear: {1, maxParsedNumber}, fWeekYear: {1, maxParsedNumber},
	fMonth: {0, 11}, fWeekOfYear: {1, 53}, fWeekOfMonth: {0, 6}, fDayOfYear: {1, 366},
	fDay: {1, 31}, fDowInMonth: {-1, 6}, fDayOfWeek: {1, 7}, fAmPm: {0, 1},
	fHour: {0, 11}, fHourOfDay: {0, 23}, fMinute: {0, 59}, fSecond: {0, 59}, fMillis: {0, 999},
}

// resolve turns the fields into an instant, as GregorianCalendar does with
// leniency off: each field in range, and each field given equal to the
// same field of the instant they make.
func (p *parsed) resolve() (int64, bool) {
	for k := range nFields {
		if p.set[k] && (p.val[k] < fieldRanges[k][0] || p.val[k] > fieldRanges[k][1]) {
			return 0, false
		}
	}
	get := func(k int, def int64) int64 {
		if p.set[k] {
			return p.val[k]
		}
		return def
	}
	year := get(fYear, 1970)
	if p.set[fEra] && p.val[fEra] == 0 {
		year = 1 - year
	}
	month := get(fMonth, 0) + 1
	dow := get(fDayOfWeek, 1) - 1 // 0 Sunday
	var days int64
	switch {
	case p.set[fDay] || (p.set[fMonth] && !p.set[fWeekOfMonth] && !p.set[fDowInMonth]):
		d := get(fDay, 1)
		if d > value.DaysInMonth(year, month) {
			return 0, false
		}
		days = value.DaysFromCivil(year, month, d)
	case p.set[fDayOfYear]:
		days = value.DaysFromCivil(year, 1, 1) + p.val[fDayOfYear] - 1
	case p.set[fWeekOfYear]:
		wy := year
		if !p.set[fYear] && p.set[fWeekYear] {
			wy = p.val[fWeekYear]
		}
		days = week1Start(wy) + (p.val[fWeekOfYear]-1)*7 + dow
	case p.set[fWeekOfMonth]:
		first := value.DaysFromCivil(year, month, 1)
		days = first - weekday(first) + (p.val[fWeekOfMonth]-1)*7 + dow
	case p.set[fDowInMonth]:
		first := value.DaysFromCivil(year, month, 1)
		days = first + value.FloorMod(dow-weekday(first), 7) + (p.val[fDowInMonth]-1)*7
	case p.set[fDayOfWeek]:
		days = week1Start(year) + dow // the first such day of week 1
	default:
		days = value.DaysFromCivil(year, 1, 1)
	}
	hour := get(fHour, 0) + 12*get(fAmPm, 0)
	if p.set[fHourOfDay] {
		hour = p.val[fHourOfDay]
	}
	local := days*msPerDay + hour*msPerHour + get(fMinute, 0)*msPerMinute + get(fSecond, 0)*msPerSecond + get(fMillis, 0)
	c := fieldsOf(local)
	yoe, era := c.year, int64(1)
	if c.year <= 0 {
		yoe, era = 1-c.year, 0
	}
	want := [nFields]int64{
		fEra: era, fYear: yoe, fWeekYear: c.weekYear, fMonth: c.month - 1, fWeekOfYear: c.weekOfYr,
		fWeekOfMonth: c.weekOfMonth, fDayOfYear: c.yearDay, fDay: c.day, fDowInMonth: c.dowInM,
		fDayOfWeek: c.weekday + 1, fAmPm: c.hour / 12, fHour: c.hour % 12, fHourOfDay: c.hour,
		fMinute: c.minute, fSecond: c.sec, fMillis: c.millis,
	}
	for k := range nFields {
		if p.set[k] && p.val[k] != want[k] {
			return 0, false
		}
	}
	if p.zone {
		local -= p.zoneMs
	}
	return local, true
}
