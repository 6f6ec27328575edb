package value

import (
	"math"
	"testing"
	"time"
)

func dec(u int64, s int) Value {
	v, err := NewDecimal(u, s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestAppendText(t *testing.T) {
	ts := time.Date(2026, 12, 3, 17, 1, 2, 123_000_000, time.UTC)
	tests := []struct {
		v    Value
		want string
	}{
		{Null(), ""},
		{NewBoolean(true), "TRUE"},
		{NewBoolean(false), "FALSE"},
		{NewTinyInt(-128), "-128"},
		{NewSmallInt(32767), "32767"},
		{NewInteger(-2147483648), "-2147483648"},
		{NewBigInt(math.MaxInt64), "9223372036854775807"},
		{dec(8451, 2), "84.51"},
		{dec(-5, 2), "-0.05"},
		{dec(50, 2), "0.50"},
		{dec(0, 2), "0.00"},
		{dec(-12345, 0), "-12345"},
		{dec(1, 18), "0.000000000000000001"},
		{dec(999999999999999999, 18), "0.999999999999999999"},
		{dec(-999999999999999999, 3), "-999999999999999.999"},
		// DOUBLE as Java's Double.toString prints it.
		{NewDouble(100), "100.0"},
		{NewDouble(84.51), "84.51"},
		{NewDouble(-0.05), "-0.05"},
		{NewDouble(0), "0.0"},
		{NewDouble(math.Copysign(0, -1)), "-0.0"},
		{NewDouble(1), "1.0"},
		{NewDouble(9999999), "9999999.0"},
		{NewDouble(1e7), "1.0E7"},
		{NewDouble(12345678.9), "1.23456789E7"},
		{NewDouble(0.001), "0.001"},
		{NewDouble(0.00123), "0.00123"},
		{NewDouble(0.0001), "1.0E-4"},
		{NewDouble(1.2345e-5), "1.2345E-5"},
		{NewDouble(1e21), "1.0E21"},
		{NewDouble(2.0 / 3), "0.6666666666666666"},
		{NewDouble(324.19285157140644), "324.19285157140644"},
		{NewDouble(math.MaxFloat64), "1.7976931348623157E308"},
		{NewDouble(5e-324), "4.9E-324"},
		{NewDouble(math.Inf(1)), "Infinity"},
		{NewDouble(math.Inf(-1)), "-Infinity"},
		{NewDouble(math.NaN()), "NaN"},
		// REAL as Java's Float.toString: the float32's shortest text.
		{NewReal(84.51), "84.51"},
		{NewReal(-0.05), "-0.05"},
		{NewReal(100), "100.0"},
		{NewReal(1.1), "1.1"},
		{NewReal(math.MaxFloat32), "3.4028235E38"},
		{NewReal(1e-5), "1.0E-5"},
		{NewVarchar("QXZ"), "QXZ"},
		{NewChar("AB  "), "AB  "},
		{NewVarchar("naïve ☃"), "naïve ☃"},
		{NewVarbinary([]byte{0x3f, 0x67, 0xa2, 0x3a}), "3F67A23A"},
		{NewBinary(nil), ""},
		{NewDate(0), "1970-01-01"},
		{NewDate(-1), "1969-12-31"},
		{NewDate(DaysFromCivil(2008, 8, 23)), "2008-08-23"},
		{NewDate(DaysFromCivil(1, 1, 1)), "0001-01-01"},
		{NewDate(DaysFromCivil(9999, 12, 31)), "9999-12-31"},
		{NewTime(0), "00:00:00.000"},
		{NewTime(17*msPerHour + 1*msPerMinute + 2123), "17:01:02.123"},
		{NewTime(msPerDay - 1), "23:59:59.999"},
		{TimestampOf(ts), "2026-12-03 17:01:02.123"},
		{NewTimestamp(0), "1970-01-01 00:00:00.000"},
		{NewTimestamp(-1), "1969-12-31 23:59:59.999"},
		{TimestampOf(time.Date(1992, 2, 14, 18, 35, 44, 0, time.UTC)), "1992-02-14 18:35:44.000"},
		{TimestampOf(time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)), "2000-02-29 00:00:00.000"},
		{NewIntervalDayTime(86_400_000+2*msPerHour+3*msPerMinute+4500, Qualifier{Start: UnitDay, End: UnitSecond}), "+1 02:03:04.500"},
		{NewIntervalDayTime(5*msPerMinute, Qualifier{Start: UnitMinute}), "+5"},
		{NewIntervalDayTime(90*msPerMinute, Qualifier{Start: UnitMinute}), "+90"},
		{NewIntervalDayTime(-(90*msPerSecond + 250), Qualifier{Start: UnitMinute, End: UnitSecond}), "-1:30.250"},
		{NewIntervalDayTime(4500, Qualifier{Start: UnitSecond}), "+4.500"},
		{NewIntervalDayTime(25*msPerHour, Qualifier{Start: UnitHour}), "+25"},
		{NewIntervalDayTime(25*msPerHour+msPerMinute, Qualifier{Start: UnitDay, End: UnitMinute}), "+1 01:01"},
		{NewIntervalDayTime(0, Qualifier{}), "+0 00:00:00.000"},
		{NewIntervalYearMonth(-18, Qualifier{Start: UnitYear, End: UnitMonth}), "-1-06"},
		{NewIntervalYearMonth(14, Qualifier{Start: UnitMonth}), "+14"},
		{NewIntervalYearMonth(24, Qualifier{Start: UnitYear}), "+2"},
	}
	for _, tt := range tests {
		if got := string(tt.v.AppendText(nil)); got != tt.want {
			t.Errorf("%#v: AppendText = %q, want %q", tt.v, got, tt.want)
		}
	}
	if Null().String() != "NULL" {
		t.Errorf("Null().String() = %q", Null().String())
	}
}

// TestJavaFloatShortest: the text of every double reads back as the same
// double, and is in the layout Java uses for its magnitude.
func TestJavaFloatShortest(t *testing.T) {
	for _, f := range []float64{1.5, 1e-3, 9.999999999999999e6, 1e100, 123.456, 1.0 / 3, 7e-10, 2e23, 5e-324} {
		s := NewDouble(f).String()
		back, err := ParseNumber(s)
		if err != nil || back.Float64() != f {
			t.Errorf("%v prints %q which reads back as %v (%v)", f, s, back, err)
		}
	}
}

func TestCivilRoundTrip(t *testing.T) {
	for _, days := range []int64{-800_000, -719_468, -1, 0, 1, 59, 60, 365, 10_957, 2_932_896, 5_000_000} {
		y, m, d := CivilFromDays(days)
		if got := DaysFromCivil(y, m, d); got != days {
			t.Errorf("days %d → %d-%d-%d → %d", days, y, m, d, got)
		}
		if y >= 1 && y <= 9999 {
			want := time.Unix(days*86400, 0).UTC()
			if int64(want.Year()) != y || int64(want.Month()) != m || int64(want.Day()) != d {
				t.Errorf("days %d → %d-%d-%d, time says %v", days, y, m, d, want)
			}
		}
	}
}
