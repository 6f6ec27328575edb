package funcs

import (
	"math/rand/v2"
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

// The CHAR_TO_TIMESTAMP examples of KDA's reference (the Char To Timestamp
// and Template Strings pages). Where the two disagree the pages' worked,
// SimpleDateFormat-consistent examples win:
//   - 'yyyy-hh-mm' on '2009-09-16 03:15:24' is 2009-01-01 09:16:00 (the prose
//     of one page says 03:15:00; its worked example and Java say 09:16);
//   - 'MMM dd,y' on 'March 7, 10' puts 10 in the current century, as Java
//     does for one- and two-letter year fields (the page says 0010).
func TestCharToTimestampReference(t *testing.T) {
	tests := []struct {
		format, s string
		want      string // "" for no row (an error)
	}{
		{"yyyy-MM-dd", "2009-09-16 03:15:24", "2009-09-16 00:00:00.000"},
		{"yyyy-hh-mm", "2009-09-16 03:15:24", "2009-01-01 09:16:00.000"},
		{"MM/dd/yy hh:mm:ss", "09/16/11 03:15:24", "2011-09-16 03:15:24.000"},
		{"MM/dd/yy hh:mm:ss", "2009/09/16 03:15:24", ""},
		{"yyyy", "09-16 03:15", "0009-01-01 00:00:00.000"},
		{"yyyy", "16 03:15", "0016-01-01 00:00:00.000"},
		{"yyyy", "2009-09-16 03:15:24", "2009-01-01 00:00:00.000"},
		{"yyyy hh", "2009-09-16 03:15:24", ""},
		{"yyyy-hh", "2009-09-16 03:15:24", "2009-01-01 09:00:00.000"},
		{"yyyy hh", "2009 09 16 03:15:24", "2009-01-01 09:00:00.000"},
		{"yyyy/hh", "2009/09/16 03:15:24", "2009-01-01 09:00:00.000"},
		{"yyyy-mm", "2009-09-16 03:15:24", "2009-01-01 00:09:00.000"},
		{"yyyy-MM-dd hh:mm:ss", "2009-09-16 03:15:24", "2009-09-16 03:15:24.000"},
		{"yyyy-mm", "2011-02-08 07:23:19", "2011-01-01 00:02:00.000"},
		{"MMM dd, yyyy", "March 7, 2010", "2010-03-07 00:00:00.000"},
		{"MMM dd,", "March 7, 2010", "1970-03-07 00:00:00.000"},
		{"MMM dd,y", "March 7, 2010", "2010-03-07 00:00:00.000"},
		{"MMM dd,y", "March 7, 10", "2010-03-07 00:00:00.000"},
		{"M-d", "2-8", "1970-02-08 00:00:00.000"},
		{"M-d", "2-8-2011", "1970-02-08 00:00:00.000"},
		{"M-d", "2011-2-8", ""},
		{"MM-dd-yyyy", "06-23-2011 10:11:12", "2011-06-23 00:00:00.000"},
		{"dd-MM-yy hh:mm:ss", "23-06-11 10:11:12", "2011-06-23 10:11:12.000"},
		{"MM-dd-yy ss:hh:mm", "06-23-11 12:10:11", "2011-06-23 10:11:12.000"},
		{"yy-dd-MM ss:hh:mm", "06-23-11 12:10:11", "2006-11-23 10:11:12.000"},
		// "if MM is 2, dd cannot be 30 or 31"
		{"yyyy-MM-dd", "2009-02-30", ""},
		{"yyyy-MM-dd", "2008-02-29", "2008-02-29 00:00:00.000"},
		{"yyyy-MM-dd", "2009-02-29", ""},
		{"MMM dd, yyyy", "Wednesday, 16 September 2009", ""},
		// The developer guide's Apache log timestamps.
		{"dd/MMM/yyyy:HH:mm:ss z", "25/Mar/2018:15:25:37 -0700", "2018-03-25 22:25:37.000"},
		{"dd/MMM/yyyy:HH:mm:ss Z", "24/May/2004:22:01:02 -0700", "2004-05-25 05:01:02.000"},
	}
	for _, tt := range tests {
		got, _, err := run(t, "CHAR_TO_TIMESTAMP", vc(tt.format), vc(tt.s))
		switch {
		case tt.want == "":
			if err == nil {
				t.Errorf("CHAR_TO_TIMESTAMP(%q, %q) = %v, want no row", tt.format, tt.s, got)
			} else if name, _, _ := Describe(err); name != "invalid datetime format" {
				t.Errorf("CHAR_TO_TIMESTAMP(%q, %q): %v", tt.format, tt.s, err)
			}
		case err != nil || got.String() != tt.want || got.Kind() != value.KindTimestamp:
			t.Errorf("CHAR_TO_TIMESTAMP(%q, %q) = %v, %v; want %s", tt.format, tt.s, got, err, tt.want)
		}
	}
}

func TestParseDateFormats(t *testing.T) {
	tests := []struct {
		format, s string
		want      string
	}{
		{"yyyyMMddHHmmssSSS", "20180509125041337", "2018-05-09 12:50:41.337"},
		{"yyyyMMdd", "2018059", "2018-05-09 00:00:00.000"}, // dd, last, reads what is left
		{"EEE, d MMM yyyy HH:mm:ss Z", "Wed, 9 May 2018 12:50:41 +0100", "2018-05-09 11:50:41.000"},
		{"EEE, d MMM yyyy", "Thu, 9 May 2018", ""}, // 9 May 2018 was a Wednesday
		{"EEEE d MMMM yyyy", "wednesday 9 MAY 2018", "2018-05-09 00:00:00.000"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2018-05-09T12:50:41.337Z", "2018-05-09 12:50:41.337"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2018-05-09T12:50:41.337+05:30", "2018-05-09 07:20:41.337"},
		{"yyyy-MM-dd'T'HH:mm:ssXX", "2018-05-09T12:50:41-0800", "2018-05-09 20:50:41.000"},
		{"yyyy-MM-dd'T'HH:mm:ssX", "2018-05-09T12:50:41-08", "2018-05-09 20:50:41.000"},
		{"yyyy-MM-dd HH:mm z", "2018-05-09 12:50 GMT+02:00", "2018-05-09 10:50:00.000"},
		{"yyyy-MM-dd HH:mm z", "2018-05-09 12:50 GMT", "2018-05-09 12:50:00.000"},
		{"yyyy-MM-dd HH:mm z", "2018-05-09 12:50 PDT", "2018-05-09 19:50:00.000"},
		{"yyyy-MM-dd HH:mm z", "2018-05-09 12:50 Pacific Standard Time", "2018-05-09 20:50:00.000"},
		{"yyyy-MM-dd HH:mm z", "2018-05-09 12:50 XYZ", ""},
		{"yyyy-MM-dd hh:mm a", "2018-05-09 12:50 AM", "2018-05-09 00:50:00.000"},
		{"yyyy-MM-dd hh:mm a", "2018-05-09 12:50 pm", "2018-05-09 12:50:00.000"},
		{"yyyy-MM-dd hh:mm a", "2018-05-09 13:50 PM", ""},
		{"yyyy-MM-dd kk:mm", "2018-05-09 24:00", "2018-05-09 00:00:00.000"},
		{"yyyy-MM-dd KK:mm a", "2018-05-09 11:59 PM", "2018-05-09 23:59:59.000"[:16] + ":00.000"},
		{"yyyy-MM-dd HH:mm:ss", "2018-05-09 24:00:00", ""},
		{"yyyy-MM-dd HH:mm:ss", "2018-05-09 12:60:00", ""},
		{"yyyy-MM-dd HH:mm:ss.S", "2018-05-09 12:50:41.5", "2018-05-09 12:50:41.005"},
		{"yyyy D", "2018 129", "2018-05-09 00:00:00.000"},
		{"yyyy D", "2018 366", ""},
		{"yyyy D", "2016 366", "2016-12-31 00:00:00.000"},
		{"YYYY ww u", "2019 01 1", "2018-12-31 00:00:00.000"},
		{"yyyy MM W E", "2018 05 2 Wed", "2018-05-09 00:00:00.000"},
		{"yyyy MM F E", "2018 05 2 Wed", "2018-05-09 00:00:00.000"},
		{"G yyyy-MM-dd", "BC 0001-01-01", "0000-01-01 00:00:00.000"},
		{"yyyy-MM-dd", "0000-01-01", ""},
		{"yyyy-MM-dd", "-001-01-01", ""},
		{"  yyyy", "  2018", "2018-01-01 00:00:00.000"},
		{"yyyy", "\t 2018", "2018-01-01 00:00:00.000"},
		{"'at' HH 'o''clock'", "at 13 o'clock", "1970-01-01 13:00:00.000"},
		{"", "2018", ""},
		{"'x'", "x", "1970-01-01 00:00:00.000"},
		{"yyyy", "", ""},
		{"yyyy", "99999999999999", ""},
		{"HH:mm", "12:5", "1970-01-01 12:05:00.000"},
	}
	century := CenturyStart(testEnv.QueryStart)
	for _, tt := range tests {
		f, err := CompileDateFormat(tt.format)
		if err != nil {
			t.Errorf("%q: %v", tt.format, err)
			continue
		}
		ms, err := f.Parse(tt.s, century)
		got := value.NewTimestamp(ms).String()
		switch {
		case tt.want == "":
			if err == nil {
				t.Errorf("parse %q with %q = %s, want an error", tt.s, tt.format, got)
			}
		case err != nil || got != tt.want:
			t.Errorf("parse %q with %q = %s, %v; want %s", tt.s, tt.format, got, err, tt.want)
		}
	}
}

func TestTwoDigitYears(t *testing.T) {
	// The query started 2026-03-01 12:00: two-digit years fall in
	// 1946-03-01 12:00 … 2046-03-01 11:59.
	f, _ := CompileDateFormat("yy-MM-dd")
	century := CenturyStart(testEnv.QueryStart)
	for _, tt := range []struct{ s, want string }{
		{"45-12-31", "2045-12-31"}, {"47-01-01", "1947-01-01"}, {"00-06-15", "2000-06-15"},
		{"46-03-02", "1946-03-02"}, {"46-02-28", "2046-02-28"}, {"2046-02-28", "2046-02-28"}, {"7-01-01", "0007-01-01"},
	} {
		ms, err := f.Parse(tt.s, century)
		if got := value.NewDate(value.FloorDiv(ms, msPerDay)).String(); err != nil || got != tt.want {
			t.Errorf("yy-MM-dd %q = %s, %v; want %s", tt.s, got, err, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	at := ts(t, "2018-05-09 13:05:04.037").Int64()
	tests := []struct{ format, want string }{
		{"yyyy-MM-dd hh:mm:ss", "2018-05-09 01:05:04"}, // the developer guide's TIMESTAMP_TO_CHAR
		{"yyyy-MM-dd HH:mm:ss.SSS", "2018-05-09 13:05:04.037"},
		{"EEEE, MMMM d, yyyy h:mm a", "Wednesday, May 9, 2018 1:05 PM"},
		{"EEE MMM dd yy", "Wed May 09 18"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2018-05-09T13:05:04.037+0000"},
		{"yyyy-MM-dd'T'HH:mm:ssXXX z zzzz", "2018-05-09T13:05:04Z UTC Coordinated Universal Time"},
		{"G y yyy yyyyy", "AD 2018 2018 02018"},
		{"D DDDD w W F u", "129 0129 19 2 2 3"},
		{"k K h H S SSSS", "13 1 1 13 37 0037"},
		{"M MM MMM MMMM L", "5 05 May May 5"},
		{"'quoted ''text'' ' yyyy", "quoted 'text'  2018"},
		{"'日本' yyyy", "日本 2018"},
	}
	for _, tt := range tests {
		f, err := CompileDateFormat(tt.format)
		if err != nil {
			t.Errorf("%q: %v", tt.format, err)
			continue
		}
		if got := f.Format(at); got != tt.want {
			t.Errorf("format %q = %q, want %q", tt.format, got, tt.want)
		}
		if n := len([]rune(f.Format(at))); n > f.MaxLen() {
			t.Errorf("%q formats %d characters, more than MaxLen %d", tt.format, n, f.MaxLen())
		}
	}
	for _, tt := range []struct {
		at, format, want string
	}{
		{"2018-12-30 00:00:00", "YYYY-ww u E", "2019-01 7 Sun"},
		{"2018-12-29 00:00:00", "YYYY-ww", "2018-52"},
		{"2016-01-01 00:00:00", "YYYY-ww W", "2016-01 1"},
		{"2018-05-09 00:00:00", "kk KK hh a", "24 00 12 AM"},
		{"0000-06-01 00:00:00", "G yyyy", "BC 0001"},
	} {
		v, err := value.ParseTimestamp(tt.at)
		if err != nil {
			v = value.NewTimestamp(value.DaysFromCivil(0, 6, 1) * msPerDay)
		}
		f, _ := CompileDateFormat(tt.format)
		if got := f.Format(v.Int64()); got != tt.want {
			t.Errorf("format %s with %q = %q, want %q", tt.at, tt.format, got, tt.want)
		}
	}
}

func TestDateFormatErrors(t *testing.T) {
	for _, p := range []string{"yyyy-MM-dd'T", "yyyy-qq", "XXXX", "bb", strings.Repeat("y", 65)} {
		if _, err := CompileDateFormat(p); err == nil {
			t.Errorf("%q compiles", p)
		}
	}
	err := bindErr(t, "CHAR_TO_TIMESTAMP", ConstArg(vc("yyyy-qq")), TypeArg(value.Varchar(10)))
	if err == nil || !strings.Contains(err.Error(), "illegal pattern character 'q'") {
		t.Errorf("CHAR_TO_TIMESTAMP with a bad constant pattern: %v", err)
	}
	check(t, "a bad pattern from a column", "CHAR_TO_TIMESTAMP", args(vc("yyyy-qq"), vc("2018")), want{errText: "illegal pattern"})
}

func TestDatetimeConversions(t *testing.T) {
	tests := []struct {
		desc string
		fn   string
		args []value.Value
		want want
	}{
		{"CHAR_TO_DATE", "CHAR_TO_DATE", args(vc("yyyy-MM-dd HH:mm"), vc("2018-05-09 13:05")), want{v: dt(t, "2018-05-09")}},
		{"CHAR_TO_DATE before 1970", "CHAR_TO_DATE", args(vc("yyyy-MM-dd HH:mm"), vc("1969-05-09 13:05")), want{v: dt(t, "1969-05-09")}},
		{"CHAR_TO_TIME", "CHAR_TO_TIME", args(vc("HH:mm:ss"), vc("13:05:04")), want{v: tm(t, "13:05:04")}},
		{"CHAR_TO_TIME of a timestamp", "CHAR_TO_TIME", args(vc("yyyy-MM-dd HH:mm"), vc("2018-05-09 13:05")), want{v: tm(t, "13:05:00")}},
		{"CHAR_TO_TIMESTAMP(NULL)", "CHAR_TO_TIMESTAMP", args(vc("yyyy"), null), want{v: null}},
		{"CHAR_TO_TIMESTAMP(NULL format)", "CHAR_TO_TIMESTAMP", args(null, vc("2018")), want{v: null}},
		{"CHAR_TO_TIMESTAMP no match", "CHAR_TO_TIMESTAMP", args(vc("yyyy-MM"), vc("May 2018")), want{errText: "CHAR_TO_TIMESTAMP: invalid datetime format"}},
		{"DATE_TO_CHAR", "DATE_TO_CHAR", args(vc("dd/MM/yyyy EEE"), dt(t, "2018-05-09")), want{v: vc("09/05/2018 Wed")}},
		{"TIME_TO_CHAR", "TIME_TO_CHAR", args(vc("h:mm a"), tm(t, "13:05:04")), want{v: vc("1:05 PM")}},
		{"TIMESTAMP_TO_CHAR", "TIMESTAMP_TO_CHAR", args(vc("yyyy-MM-dd hh:mm:ss"), ts(t, "2018-05-09 12:50:41.337")), want{v: vc("2018-05-09 12:50:41")}},
		{"TIMESTAMP_TO_CHAR(NULL)", "TIMESTAMP_TO_CHAR", args(vc("yyyy"), null), want{v: vc("null")}},
		{"TIMESTAMP_TO_CHAR(NULL format)", "TIMESTAMP_TO_CHAR", args(null, ts(t, "2018-05-09 12:50:41")), want{v: null}},
		{"DATE_TO_CHAR(NULL)", "DATE_TO_CHAR", args(vc("yyyy"), null), want{v: vc("null")}},
	}
	for _, tt := range tests {
		check(t, tt.desc, tt.fn, tt.args, tt.want)
	}
	c, err := get(t, "TIMESTAMP_TO_CHAR").Bind(testEnv, []Arg{ConstArg(vc("yyyy-MM-dd hh:mm:ss")), TypeArg(value.Simple(value.KindTimestamp))})
	if err != nil || c.Type.String() != "VARCHAR(19)" {
		t.Errorf("TIMESTAMP_TO_CHAR type %v, %v; want VARCHAR(19)", c, err)
	}
	if err := bindErr(t, "DATE_TO_CHAR", ConstArg(vc("yyyy")), TypeArg(value.Simple(value.KindTimestamp))); err == nil {
		t.Error("DATE_TO_CHAR of a TIMESTAMP binds")
	}
}

// TestDateFormatRoundTrip formats random instants with patterns that keep
// every field and parses them back.
func TestDateFormatRoundTrip(t *testing.T) {
	patterns := []string{
		"yyyy-MM-dd HH:mm:ss.SSS",
		"EEE, d MMM yyyy HH:mm:ss.SSS Z",
		"yyyyMMddHHmmssSSS",
		"MM/dd/yyyy hh:mm:ss.SSS a",
		"EEEE MMMM dd yyyy kk:mm:ss:SSS XXX",
		"G yyyy-DDD HH:mm:ss.SSS",
		"YYYY-'W'ww-u HH:mm:ss.SSS",
		"yyyy-MM-W-E KK:mm:ss.SSS a z",
	}
	r := rand.New(rand.NewPCG(1, 2))
	lo, hi := value.DaysFromCivil(1, 1, 8)*msPerDay, value.DaysFromCivil(9999, 12, 24)*msPerDay
	century := CenturyStart(testEnv.QueryStart)
	for _, p := range patterns {
		f, err := CompileDateFormat(p)
		if err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		for range 2000 {
			ms := lo + r.Int64N(hi-lo)
			text := f.Format(ms)
			back, err := f.Parse(text, century)
			if err != nil || back != ms {
				t.Fatalf("%q: %d formats as %q, which parses to %d, %v", p, ms, text, back, err)
			}
		}
	}
}

// FuzzDateFormat compiles any pattern, formats an instant with it and
// parses any text with it: nothing may panic, errors are typed.
func FuzzDateFormat(f *testing.F) {
	for _, p := range []string{"yyyy-MM-dd HH:mm:ss", "dd/MMM/yyyy:HH:mm:ss z", "EEE, d MMM yyyy HH:mm:ss Z",
		"yyyyMMdd", "'T'XXX", "G YYYY-ww-u kk K h a S D F W L", "yy"} {
		f.Add(p, "2009-09-16 03:15:24", int64(1525870241337))
		f.Add(p, "25/Mar/2018:15:25:37 -0700", int64(-62135596800000))
	}
	century := CenturyStart(testEnv.QueryStart)
	f.Fuzz(func(t *testing.T, pattern, text string, ms int64) {
		df, err := CompileDateFormat(pattern)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: %T", pattern, err)
			}
			return
		}
		ms %= 250_000_000_000_000 // ± 7900 years around 1970: four-digit years
		if n := len([]rune(df.Format(ms))); n > df.MaxLen() {
			t.Fatalf("%q formats %d characters, MaxLen %d", pattern, n, df.MaxLen())
		}
		if _, err := df.Parse(text, century); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: %T", pattern, err)
			}
		}
	})
}
