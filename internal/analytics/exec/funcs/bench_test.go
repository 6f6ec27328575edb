package funcs

import (
	"testing"

	"sluice/internal/analytics/value"
)

// benchCall binds fn with the constants given (nil for a column argument of
// the sample's type) and evaluates it on vals b.N times, reporting rows/s:
// the executor's targets are 100,000–200,000 rows/s on two cores.
func benchCall(b *testing.B, fn string, vals []value.Value, consts ...bool) {
	b.Helper()
	as := make([]Arg, len(vals))
	for i, v := range vals {
		as[i] = TypeArg(value.TypeOf(v))
		if i < len(consts) && consts[i] {
			as[i] = ConstArg(v)
		}
	}
	c, err := get(b, fn).Bind(testEnv, as)
	if err != nil {
		b.Fatal(err)
	}
	var row []value.Value
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if c.Row != nil {
			row, err = c.EvalRow(row[:0], vals)
		} else {
			_, err = c.Eval(vals)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkSubstring(b *testing.B) {
	benchCall(b, "SUBSTRING", args(vc("http://www.amazon.com/gp/product/B00X4WHP5E"), i32(12), i32(6)))
}

func BenchmarkSubstringRegex(b *testing.B) {
	benchCall(b, "SUBSTRING", args(vc("GET /icons/apache_pb.gif HTTP/1.1"), vc(`/[a-z_/]+\.gif`)), false, true)
}

func BenchmarkConcat(b *testing.B) {
	benchCall(b, "||", args(vc("AMZN"), vc("-TECHNOLOGY")))
}

func BenchmarkAbsDouble(b *testing.B) {
	benchCall(b, "ABS", args(dbl(-0.0123)))
}

func BenchmarkFloorToMinute(b *testing.B) {
	benchCall(b, "FLOOR TO", args(ts(b, "2018-05-09 12:50:41.337"), vc("MINUTE")), false, true)
}

func BenchmarkCharToTimestamp(b *testing.B) {
	benchCall(b, "CHAR_TO_TIMESTAMP", args(vc("dd/MMM/yyyy:HH:mm:ss Z"), vc("25/Mar/2018:15:25:37 -0700")), true)
}

func BenchmarkTimestampToChar(b *testing.B) {
	benchCall(b, "TIMESTAMP_TO_CHAR", args(vc("yyyy-MM-dd hh:mm:ss"), ts(b, "2018-05-09 12:50:41.337")), true)
}

func BenchmarkLike(b *testing.B) {
	benchCall(b, "LIKE", args(vc("Mozilla/5.0 [en] Gecko/20100101 Firefox/52.0"), vc("Mozilla/%Firefox/%")), false, true)
}

func BenchmarkRegexReplace(b *testing.B) {
	benchCall(b, "REGEX_REPLACE", args(vc("http://www.amazon.com"), vc("http://"), vc("https://"), i32(1), i32(0)), false, true, true)
}

func BenchmarkW3CLogParse(b *testing.B) {
	benchCall(b, "W3C_LOG_PARSE", args(vc(`192.168.254.30 - John [24/May/2004:22:01:02 -0700] "GET /icons/apache_pb.gif HTTP/1.1" 304 0`), vc("COMMON")), false, true)
}

func BenchmarkRegexLogParse(b *testing.B) {
	benchCall(b, "REGEX_LOG_PARSE", args(vc(`203.0.113.24 - - [25/Mar/2018:15:25:37 -0700] "GET /index.php HTTP/1.1" 200 125`), vc(`(\S+) \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d+) (\d+)`)), false, true)
}

func BenchmarkMomentsAdd(b *testing.B) {
	var m Moments
	b.ReportAllocs()
	for i := range b.N {
		m.Add(float64(i & 1023))
	}
	if m.Count() != int64(b.N) {
		b.Fatal(m.Count())
	}
}
