package convert

import (
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go/deprecated"
)

// ts is a timestamp: seconds since the Unix epoch (UTC) and nanoseconds.
type ts struct {
	sec  int64
	nsec int64
}

// Dates and timestamps are kept within Hive's range, years 1 to 9999.
const (
	minYear = 1
	maxYear = 9999
	// julianEpochDay is the Julian day number of 1970-01-01, the day part of
	// an INT96 timestamp counting from there.
	julianEpochDay = 2440588
)

var (
	minSec = time.Date(minYear, time.January, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxSec = time.Date(maxYear+1, time.January, 1, 0, 0, 0, 0, time.UTC).Unix() - 1
)

func makeTS(sec, nsec int64) (ts, bool) {
	if sec < minSec || sec > maxSec || nsec < 0 || nsec > 999_999_999 {
		return ts{}, false
	}
	return ts{sec: sec, nsec: nsec}, true
}

func tsFromMillis(ms int64) (ts, bool) {
	sec, rem := ms/1000, ms%1000
	if rem < 0 {
		sec, rem = sec-1, rem+1000
	}
	return makeTS(sec, rem*1_000_000)
}

// int96 is the timestamp as Hive's Parquet writer stores it: nanoseconds
// of the day (little-endian, 8 bytes) then the Julian day (4 bytes).
func (t ts) int96() deprecated.Int96 {
	days := t.sec / 86400
	if t.sec%86400 < 0 {
		days--
	}
	nod := uint64((t.sec-days*86400)*1_000_000_000 + t.nsec)
	return deprecated.Int96{uint32(nod), uint32(nod >> 32), uint32(days + julianEpochDay)}
}

// Time is the timestamp as a time.Time in UTC.
func (t ts) Time() time.Time { return time.Unix(t.sec, t.nsec).UTC() }

// digits reads n..m decimal digits at s[pos:].
func digits(s string, pos, n, m int) (int64, int, bool) {
	v, end, _, ok := readInt(s, pos, n, m, false)
	return v, end, ok
}

// parseDate reads java.sql.Date.valueOf's format, yyyy-[m]m-[d]d, and
// returns days since 1970-01-01.
func parseDate(s string) (int32, bool) {
	y, p, ok := digits(s, 0, 4, 4)
	if !ok || p >= len(s) || s[p] != '-' {
		return 0, false
	}
	m, p, ok := digits(s, p+1, 1, 2)
	if !ok || p >= len(s) || s[p] != '-' {
		return 0, false
	}
	d, p, ok := digits(s, p+1, 1, 2)
	if !ok || p != len(s) || y < minYear || m < 1 || m > 12 || d < 1 || d > int64(daysIn(y, m)) {
		return 0, false
	}
	return int32(time.Date(int(y), time.Month(m), int(d), 0, 0, 0, 0, time.UTC).Unix() / 86400), true
}

// parseSQLTimestamp reads java.sql.Timestamp.valueOf's format,
// yyyy-[m]m-[d]d [h]h:[m]m:[s]s[.f...] with up to nine fraction digits,
// leading and trailing spaces ignored. The time is UTC.
func parseSQLTimestamp(s string) (ts, bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	sp := strings.IndexByte(s, ' ')
	if sp < 0 {
		return ts{}, false
	}
	days, ok := parseDate(s[:sp])
	if !ok {
		return ts{}, false
	}
	return clockAfter(s, sp+1, int64(days)*86400, 1, false)
}

// clockAfter reads h:m:s[.f] at s[pos:] (each of h, m, s minDigits..2
// digits), then 'Z' if zulu, to the end of s.
func clockAfter(s string, pos int, daySec int64, minDigits int, zulu bool) (ts, bool) {
	h, p, ok := digits(s, pos, minDigits, 2)
	if !ok || h > 23 || p >= len(s) || s[p] != ':' {
		return ts{}, false
	}
	mi, p, ok := digits(s, p+1, minDigits, 2)
	if !ok || mi > 59 || p >= len(s) || s[p] != ':' {
		return ts{}, false
	}
	se, p, ok := digits(s, p+1, minDigits, 2)
	if !ok || se > 59 {
		return ts{}, false
	}
	var nanos int64
	if p < len(s) && s[p] == '.' {
		var n int
		nanos, p, n, ok = readInt(s, p+1, 1, 9, false)
		if !ok {
			return ts{}, false
		}
		for ; n < 9; n++ {
			nanos *= 10
		}
	}
	if zulu {
		if p >= len(s) || s[p] != 'Z' {
			return ts{}, false
		}
		p++
	}
	if p != len(s) {
		return ts{}, false
	}
	return makeTS(daySec+h*3600+mi*60+se, nanos)
}

// parseISOZulu reads yyyy-MM-dd'T'HH:mm:ss[.S...]'Z' with up to nine
// fraction digits.
func parseISOZulu(s string) (ts, bool) {
	if len(s) < 20 || s[10] != 'T' {
		return ts{}, false
	}
	y, p, ok := digits(s, 0, 4, 4)
	if !ok || s[p] != '-' {
		return ts{}, false
	}
	m, p, ok := digits(s, p+1, 2, 2)
	if !ok || s[p] != '-' {
		return ts{}, false
	}
	d, p, ok := digits(s, p+1, 2, 2)
	if !ok || p != 10 || y < minYear || m < 1 || m > 12 || d < 1 || d > int64(daysIn(y, m)) {
		return ts{}, false
	}
	day := time.Date(int(y), time.Month(m), int(d), 0, 0, 0, 0, time.UTC).Unix()
	return clockAfter(s, 11, day, 2, true)
}

// parseOpenXTimestamp reads a timestamp as the OpenX JSON SerDe does
// (https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html):
// text with a ':' is yyyy-MM-dd'T'HH:mm:ss[.S]'Z' when it ends in Z and
// yyyy-[M]M-[d]d HH:mm:ss[.S] otherwise; a number with a '.' is epoch
// seconds with a fraction (kept to the millisecond, as the SerDe
// multiplies a double by 1000); a whole number is epoch seconds when it has
// fewer than 13 digits and epoch milliseconds otherwise.
func parseOpenXTimestamp(s string) (ts, bool) {
	switch {
	case strings.Contains(s, ":"):
		if strings.HasSuffix(s, "Z") {
			return parseISOZulu(s)
		}
		return parseSQLTimestamp(s)
	case strings.Contains(s, "."):
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || f != f || f*1000 > 9.2e18 || f*1000 < -9.2e18 {
			return ts{}, false
		}
		return tsFromMillis(int64(f * 1000))
	default:
		t := strings.TrimSpace(s)
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return ts{}, false
		}
		if len(strings.TrimLeft(t, "+-")) < 13 {
			if n > 9_223_372_036_854_775 || n < -9_223_372_036_854_775 {
				return ts{}, false
			}
			return makeTS(n, 0)
		}
		return tsFromMillis(n)
	}
}

// parseHiveTimestamp reads a timestamp as the Hive JSON SerDe does: each
// of formats in order ("millis": epoch milliseconds), then
// java.sql.Timestamp.valueOf's format.
func parseHiveTimestamp(s string, formats []timestampFormat) (ts, bool) {
	for _, f := range formats {
		if f.millis {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				if t, ok := tsFromMillis(n); ok {
					return t, true
				}
			}
			continue
		}
		if t, ok := f.joda.parse(s); ok {
			return t, true
		}
	}
	return parseSQLTimestamp(s)
}
