package convert

import (
	"strings"
	"testing"
	"time"
)

func TestJodaPatterns(t *testing.T) {
	const pivot = 1996 // as in 2026: two-digit years fall in 1946..2045
	cases := []struct {
		pattern, in, want string // want "" = no match
	}{
		{"yyyy-MM-dd HH:mm:ss", "2017-02-07 15:13:01", "2017-02-07T15:13:01Z"},
		{"yyyy-MM-dd HH:mm:ss", "2017-2-7 5:3:1", "2017-02-07T05:03:01Z"},
		{"yyyy-MM-dd HH:mm:ss", "2017-02-07 15:13", ""},
		{"yyyy-MM-dd HH:mm:ss", "2017-02-07 15:13:01 ", ""},
		{"yyyy-MM-dd", "2017-02-30", ""},
		{"yyyy-MM-dd", "2016-02-29", "2016-02-29T00:00:00Z"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2017-02-07T15:13:01.5+0200", "2017-02-07T13:13:01.5Z"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "2017-02-07T15:13:01.123456789-02:30", "2017-02-07T17:43:01.123456789Z"},
		{"yyyy-MM-dd'T'HH:mm:ssZ", "2017-02-07T15:13:01Z", "2017-02-07T15:13:01Z"},
		{"yyyyMMddHHmmss", "20170207151301", "2017-02-07T15:13:01Z"},
		{"yyyyMMdd", "2017027", "2017-02-07T00:00:00Z"}, // as Joda: only the year is fixed-width
		{"Mdd", "207", ""}, // Joda reads "20" as the month
		{"yyMMdd", "170207", "2017-02-07T00:00:00Z"},
		{"dd/MM/yy", "07/02/50", "1950-02-07T00:00:00Z"},
		{"dd/MM/yy", "07/02/45", "2045-02-07T00:00:00Z"},
		{"dd/MM/yy", "07/02/1850", "1850-02-07T00:00:00Z"},
		{"MMM d, yyyy h:mm a", "Feb 7, 2017 3:13 PM", "2017-02-07T15:13:00Z"},
		{"MMM d, yyyy h:mm a", "february 7, 2017 12:00 am", "2017-02-07T00:00:00Z"},
		{"MMMM d yyyy K a", "May 1 2020 11 pm", "2020-05-01T23:00:00Z"},
		{"EEE MMM dd HH:mm:ss yyyy", "Tue Feb 07 15:13:01 2017", "2017-02-07T15:13:01Z"},
		{"EEEE", "Someday", ""},
		{"yyyy D", "2020 366", "2020-12-31T00:00:00Z"},
		{"yyyy D", "2019 366", ""},
		{"kk:mm", "24:30", "1970-01-01T00:30:00Z"},
		{"HH:mm", "24:30", ""},
		{"'at' HH 'o''clock'", "at 07 o'clock", "1970-01-01T07:00:00Z"},
		{"yyyy''MM", "2017'02", "2017-02-01T00:00:00Z"},
		{"HH:mm:ss.S", "01:02:03.987654321", "1970-01-01T01:02:03.987654321Z"},
		{"HH:mm:ss.S", "01:02:03.9876543210", ""},
		{"yyyy", "0000", ""},
		{"yyyy", "10000", ""},
	}
	for _, tc := range cases {
		l, err := compileJoda(tc.pattern, pivot)
		if err != nil {
			t.Errorf("%q: %v", tc.pattern, err)
			continue
		}
		got, ok := l.parse(tc.in)
		switch {
		case tc.want == "" && ok:
			t.Errorf("%q on %q: got %v, want no match", tc.pattern, tc.in, got.Time())
		case tc.want != "" && !ok:
			t.Errorf("%q on %q: no match, want %s", tc.pattern, tc.in, tc.want)
		case tc.want != "" && !got.Time().Equal(mustTime(t, tc.want)):
			t.Errorf("%q on %q: got %v, want %s", tc.pattern, tc.in, got.Time(), tc.want)
		}
	}
}

func TestJodaRefused(t *testing.T) {
	for pattern, want := range map[string]string{
		"yyyy-MM-ddTHH":   "not a Joda-Time pattern letter",
		"yyyy-MM-dd z":    "not supported",
		"yyyy ZZZ":        "ZZZ",
		"G yyyy":          "not supported",
		"xxxx-ww-e":       "not supported",
		"yyyy 'unclosed":  "unterminated quote",
		"yyyy D MM":       "D (day of year)",
		"uuuu-MM-dd":      "not a Joda-Time pattern letter",
		"yyyy-MM-dd'T'hh": "",
	} {
		_, err := compileJoda(pattern, 1996)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", pattern, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", pattern, err, want)
		}
	}
}

func TestDefaultTimestampParsers(t *testing.T) {
	sql := []struct{ in, want string }{
		{"2017-02-07 15:13:01", "2017-02-07T15:13:01Z"},
		{" 2017-2-7 15:13:01.000000001 ", "2017-02-07T15:13:01.000000001Z"},
		{"2017-02-07T15:13:01", ""},
		{"2017-02-07 15:13:01.", ""},
		{"17-02-07 15:13:01", ""},
		{"2017-02-07", ""},
		{"2017-02-07 15:13:60", ""},
	}
	for _, tc := range sql {
		got, ok := parseSQLTimestamp(tc.in)
		if (tc.want == "") == ok || ok && !got.Time().Equal(mustTime(t, tc.want)) {
			t.Errorf("Timestamp.valueOf(%q) = %v, %v; want %q", tc.in, got.Time(), ok, tc.want)
		}
	}
	millis := []timestampFormat{{millis: true}}
	if got, ok := parseHiveTimestamp("-1000", millis); !ok || got.Time() != time.Unix(-1, 0).UTC() {
		t.Errorf("millis -1000: %v %v", got.Time(), ok)
	}
	if _, ok := parseHiveTimestamp("1.5", millis); ok {
		t.Error("millis took a fraction")
	}
	if _, ok := parseOpenXTimestamp("99999999999999999999"); ok {
		t.Error("OpenX took an overflowing epoch")
	}
	if _, ok := parseOpenXTimestamp("253402300800"); ok { // 10000-01-01 in seconds
		t.Error("OpenX took year 10000")
	}
	if _, ok := parseDate("0000-01-01"); ok {
		t.Error("year 0 date")
	}
}

// FuzzJoda: compiling and parsing never panic, and a parse that succeeds
// is within years 1..9999.
func FuzzJoda(f *testing.F) {
	f.Add("yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "2017-02-07T15:13:01.5+02:00")
	f.Add("dd/MMM/yy h a", "7/feb/17 3 pm")
	f.Add("yyyyMMddHHmmssSSS", "20170207151301123")
	f.Add("EEEE, D yyyy kk", "monday, 40 2020 24")
	f.Fuzz(func(t *testing.T, pattern, in string) {
		l, err := compileJoda(pattern, 1996)
		if err != nil {
			return
		}
		if got, ok := l.parse(in); ok {
			if y := got.Time().Year(); y < minYear || y > maxYear {
				t.Fatalf("%q on %q: year %d", pattern, in, y)
			}
		}
	})
}
