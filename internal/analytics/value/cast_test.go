package value

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustType(t testing.TB, s string) Type {
	t.Helper()
	ty, err := ParseType(s)
	if err != nil {
		t.Fatalf("ParseType(%q): %v", s, err)
	}
	return ty
}

func TestCast(t *testing.T) {
	tests := []struct {
		v    Value
		to   string
		want string // AppendText of the result; "" with err for failures
		err  error
	}{
		// NULL casts to NULL of any type.
		{Null(), "INTEGER", "", nil},
		// Integers among themselves.
		{NewBigInt(127), "TINYINT", "127", nil},
		{NewBigInt(128), "TINYINT", "", ErrNumericOverflow},
		{NewInteger(-32769), "SMALLINT", "", ErrNumericOverflow},
		{NewBigInt(1 << 40), "INTEGER", "", ErrNumericOverflow},
		{NewTinyInt(-5), "BIGINT", "-5", nil},
		// Exact to DECIMAL: precision and scale.
		{NewInteger(123), "DECIMAL(5,2)", "123.00", nil},
		{NewInteger(1234), "DECIMAL(5,2)", "", ErrNumericOverflow},
		{dec(84513, 3), "DECIMAL(5,2)", "84.51", nil},
		{dec(84515, 3), "DECIMAL(5,2)", "84.52", nil},
		{dec(-84515, 3), "DECIMAL(5,2)", "-84.52", nil},
		{dec(99999, 3), "DECIMAL(4,2)", "", ErrNumericOverflow}, // rounds to 100.00
		{NewBigInt(math.MaxInt64), "DECIMAL(18,0)", "", ErrNumericOverflow},
		// Rounding to integers: half away from zero ("real numbers are rounded").
		{dec(15, 1), "INTEGER", "2", nil},
		{dec(-15, 1), "INTEGER", "-2", nil},
		{dec(-177, 2), "INTEGER", "-2", nil},
		{dec(149, 2), "INTEGER", "1", nil},
		{NewDouble(2.5), "INTEGER", "3", nil},
		{NewDouble(-2.5), "INTEGER", "-3", nil},
		{NewDouble(1e10), "INTEGER", "", ErrNumericOverflow},
		{NewDouble(math.Inf(1)), "BIGINT", "", ErrNumericOverflow},
		{NewDouble(math.NaN()), "BIGINT", "", ErrNumericOverflow},
		{NewDouble(9.3e18), "BIGINT", "", ErrNumericOverflow},
		{NewDouble(9.2e18), "BIGINT", "9200000000000000000", nil},
		{NewDouble(2.675), "DECIMAL(3,2)", "2.68", nil},
		{NewReal(84.51), "DECIMAL(5,2)", "84.51", nil},
		{NewDouble(1e-30), "DECIMAL(5,2)", "0.00", nil},
		// To approximate types.
		{NewInteger(3), "DOUBLE", "3.0", nil},
		{dec(1, 1), "DOUBLE", "0.1", nil},
		{dec(8451, 2), "REAL", "84.51", nil},
		{NewDouble(1e39), "REAL", "", ErrNumericOverflow},
		{NewDouble(0.1), "REAL", "0.1", nil},
		{NewReal(0.1), "DOUBLE", "0.10000000149011612", nil},
		// Strings to numbers: blanks trimmed; a literal of any numeric form.
		{NewVarchar(" 42 "), "INTEGER", "42", nil},
		{NewVarchar("+42"), "SMALLINT", "42", nil},
		{NewVarchar("-0"), "INTEGER", "0", nil},
		{NewVarchar("1.5"), "INTEGER", "2", nil},
		{NewVarchar("1e3"), "INTEGER", "1000", nil},
		{NewVarchar("2147483648"), "INTEGER", "", ErrNumericOverflow},
		{NewVarchar("-9223372036854775808"), "BIGINT", "-9223372036854775808", nil},
		{NewVarchar("9223372036854775808"), "BIGINT", "", ErrNumericOverflow},
		{NewVarchar("99999999999999999999999999"), "BIGINT", "", ErrNumericOverflow},
		{NewVarchar("abc"), "INTEGER", "", ErrInvalidCharacterValue},
		{NewVarchar(""), "INTEGER", "", ErrInvalidCharacterValue},
		{NewVarchar("1_000"), "INTEGER", "", ErrInvalidCharacterValue},
		{NewVarchar("0x10"), "INTEGER", "", ErrInvalidCharacterValue},
		{NewVarchar("84.5149"), "DECIMAL(5,2)", "84.51", nil},
		{NewVarchar(".5"), "DECIMAL(2,1)", "0.5", nil},
		{NewVarchar("5."), "DECIMAL(2,1)", "5.0", nil},
		{NewVarchar("84.51"), "DOUBLE", "84.51", nil},
		{NewVarchar("-1.5E-3"), "DOUBLE", "-0.0015", nil},
		{NewVarchar("1e400"), "DOUBLE", "", ErrNumericOverflow},
		{NewVarchar("NaN"), "DOUBLE", "", ErrInvalidCharacterValue},
		{NewVarchar("Infinity"), "DOUBLE", "", ErrInvalidCharacterValue},
		{NewVarchar("inf"), "REAL", "", ErrInvalidCharacterValue},
		{NewVarchar("1e39"), "REAL", "", ErrNumericOverflow},
		// Strings to strings: cut silently, CHAR padded.
		{NewVarchar("HEALTHCARE"), "VARCHAR(4)", "HEAL", nil},
		{NewVarchar("QX"), "CHAR(4)", "QX  ", nil},
		{NewVarchar("QXZAB"), "CHAR(4)", "QXZA", nil},
		{NewVarchar("naïve"), "VARCHAR(3)", "naï", nil},
		{NewChar("AB  "), "VARCHAR(10)", "AB  ", nil},
		// Other values to strings: their text, or an error when too long.
		{NewDate(DaysFromCivil(2008, 8, 23)), "VARCHAR(10)", "2008-08-23", nil},
		{NewDate(DaysFromCivil(2008, 8, 23)), "VARCHAR(9)", "", ErrStringTruncation},
		{NewDate(DaysFromCivil(2008, 8, 23)), "CHAR(12)", "2008-08-23  ", nil},
		{NewInteger(12345), "VARCHAR(4)", "", ErrStringTruncation},
		{NewInteger(-12), "VARCHAR(3)", "-12", nil},
		{NewDouble(100), "VARCHAR(10)", "100.0", nil},
		{dec(-5, 2), "VARCHAR(10)", "-0.05", nil},
		{NewBoolean(true), "VARCHAR(5)", "TRUE", nil},
		{NewBoolean(false), "VARCHAR(4)", "", ErrStringTruncation},
		{NewTimestamp(0), "VARCHAR(30)", "1970-01-01 00:00:00.000", nil},
		{NewIntervalDayTime(90*msPerSecond, Qualifier{Start: UnitSecond}), "VARCHAR(10)", "+90.000", nil},
		// Booleans.
		{NewVarchar("true"), "BOOLEAN", "TRUE", nil},
		{NewVarchar(" False "), "BOOLEAN", "FALSE", nil},
		{NewVarchar("unknown"), "BOOLEAN", "", nil},
		{NewVarchar("yes"), "BOOLEAN", "", ErrInvalidCharacterValue},
		{NewInteger(1), "BOOLEAN", "", ErrCastNotSupported},
		{NewBoolean(true), "INTEGER", "", ErrCastNotSupported},
		// Datetimes.
		{NewVarchar("1992-02-14"), "DATE", "1992-02-14", nil},
		{NewVarchar("1992-02-14 18:35:44.0"), "TIMESTAMP", "1992-02-14 18:35:44.000", nil},
		{NewVarchar("1992-02-14"), "TIMESTAMP", "1992-02-14 00:00:00.000", nil},
		{NewVarchar("2018-05-09T12:50:41.337510"), "TIMESTAMP", "2018-05-09 12:50:41.337", nil},
		{NewVarchar("2018-05-09T12:50:41Z"), "TIMESTAMP", "2018-05-09 12:50:41.000", nil},
		{NewVarchar("2018-05-09 12:50"), "TIMESTAMP", "2018-05-09 12:50:00.000", nil},
		{NewVarchar("2018-5-9 1:2:3.4"), "TIMESTAMP", "2018-05-09 01:02:03.400", nil},
		{NewVarchar("2018-02-30 00:00:00"), "TIMESTAMP", "", ErrInvalidCharacterValue},
		{NewVarchar("2018-05-09 24:00:00"), "TIMESTAMP", "", ErrInvalidCharacterValue},
		{NewVarchar("2018-05-09 12:60:00"), "TIMESTAMP", "", ErrInvalidCharacterValue},
		{NewVarchar("2018-05-09 12:50:41+02:00"), "TIMESTAMP", "", ErrInvalidCharacterValue},
		{NewVarchar("May 9, 2018"), "TIMESTAMP", "", ErrInvalidCharacterValue},
		{NewVarchar("1526000000000"), "TIMESTAMP", "", ErrInvalidCharacterValue},
		{NewVarchar("0000-01-01"), "DATE", "", ErrInvalidCharacterValue},
		{NewVarchar("18:35:44.123"), "TIME", "18:35:44.123", nil},
		{NewVarchar("1992-02-14 18:35:44"), "TIME", "18:35:44.000", nil},
		{NewVarchar("1992-02-14 18:35:44"), "DATE", "1992-02-14", nil},
		{NewTimestamp(-1), "DATE", "1969-12-31", nil},
		{NewTimestamp(-1), "TIME", "23:59:59.999", nil},
		{NewDate(1), "TIMESTAMP", "1970-01-02 00:00:00.000", nil},
		{NewTime(1000), "TIMESTAMP", "1970-01-01 00:00:01.000", nil},
		{NewDate(1), "TIME", "", ErrCastNotSupported},
		{NewTime(1), "DATE", "", ErrCastNotSupported},
		{NewBigInt(1), "TIMESTAMP", "", ErrCastNotSupported},
		{NewTimestamp(1), "BIGINT", "", ErrCastNotSupported},
		// Intervals.
		{NewVarchar("90"), "INTERVAL SECOND(3)", "+90.000", nil},
		{NewVarchar("1 02:03:04.5"), "INTERVAL DAY TO SECOND", "+1 02:03:04.500", nil},
		{NewIntervalDayTime(90*msPerSecond, Qualifier{Start: UnitSecond}), "BIGINT", "90", nil},
		{NewIntervalDayTime(90*msPerSecond, Qualifier{Start: UnitMinute, End: UnitSecond}), "DECIMAL(5,0)", "90", nil},
		{NewIntervalDayTime(90*msPerSecond, Qualifier{Start: UnitSecond}), "INTERVAL MINUTE TO SECOND", "+1:30.000", nil},
		{NewIntervalYearMonth(30, Qualifier{Start: UnitYear}), "BIGINT", "2", nil},
		{NewIntervalDayTime(1, Qualifier{}), "INTEGER", "", ErrCastNotSupported},
		// Binary.
		{NewVarbinary([]byte{1, 2}), "BINARY(4)", "01020000", nil},
		{NewVarbinary([]byte{1, 2, 3}), "VARBINARY(2)", "", ErrStringTruncation},
		{NewVarchar("3F"), "VARBINARY(2)", "", ErrCastNotSupported},
	}
	for _, tt := range tests {
		to := mustType(t, tt.to)
		got, err := Cast(tt.v, to)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("CAST(%v AS %s) = %v, %v; want error %v", tt.v, tt.to, got, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("CAST(%v AS %s): %v", tt.v, tt.to, err)
			continue
		}
		if s := string(got.AppendText(nil)); s != tt.want {
			t.Errorf("CAST(%v AS %s) = %q, want %q", tt.v, tt.to, s, tt.want)
		}
		if !got.IsNull() && got.Kind() != to.Kind {
			t.Errorf("CAST(%v AS %s) has kind %v", tt.v, tt.to, got.Kind())
		}
		if !tt.v.IsNull() && !CanCast(TypeOf(tt.v), to) {
			t.Errorf("CanCast(%v, %v) = false but the cast works", TypeOf(tt.v), to)
		}
	}
}

func TestCastExact(t *testing.T) {
	tests := []struct {
		v    Value
		to   string
		want string
		err  error
	}{
		{NewVarchar("123.4"), "INTEGER", "", ErrNumericOverflow},
		{NewVarchar("123.0"), "INTEGER", "123", nil},
		{NewDouble(123.4), "INTEGER", "", ErrNumericOverflow},
		{NewDouble(123), "INTEGER", "123", nil},
		{NewVarchar("84.513"), "DECIMAL(5,2)", "", ErrNumericOverflow},
		{NewVarchar("84.510"), "DECIMAL(5,2)", "84.51", nil},
		{NewDouble(-0.05), "DECIMAL(5,2)", "-0.05", nil},
		{dec(15, 1), "SMALLINT", "", ErrNumericOverflow},
	}
	for _, tt := range tests {
		got, err := CastExact(tt.v, mustType(t, tt.to))
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("CastExact(%v, %s) = %v, %v; want %v", tt.v, tt.to, got, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("CastExact(%v, %s) = %v, %v; want %s", tt.v, tt.to, got, err, tt.want)
		}
	}
}

func TestCanCast(t *testing.T) {
	yes := [][2]string{{"INTEGER", "VARCHAR(4)"}, {"VARCHAR(4)", "TIMESTAMP"}, {"TIMESTAMP", "DATE"},
		{"BOOLEAN", "CHAR(5)"}, {"INTERVAL DAY", "BIGINT"}, {"DOUBLE", "DECIMAL(5,2)"}, {"BINARY(2)", "VARBINARY(3)"}}
	no := [][2]string{{"INTEGER", "BOOLEAN"}, {"DATE", "TIME"}, {"BOOLEAN", "INTEGER"}, {"VARCHAR(4)", "BINARY(2)"},
		{"TIMESTAMP", "BIGINT"}, {"BINARY(2)", "VARCHAR(4)"}}
	for _, c := range yes {
		if !CanCast(mustType(t, c[0]), mustType(t, c[1])) {
			t.Errorf("CanCast(%s, %s) = false", c[0], c[1])
		}
	}
	for _, c := range no {
		if CanCast(mustType(t, c[0]), mustType(t, c[1])) {
			t.Errorf("CanCast(%s, %s) = true", c[0], c[1])
		}
	}
}

// castTargets are the types FuzzCastFromString casts to.
var castTargets = []string{"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL(5,2)", "DECIMAL(18,18)",
	"DECIMAL(18,0)", "REAL", "DOUBLE", "CHAR(3)", "VARCHAR(4)", "DATE", "TIME", "TIMESTAMP",
	"INTERVAL DAY TO SECOND", "INTERVAL YEAR TO MONTH", "INTERVAL SECOND(10)", "INTERVAL MINUTE TO SECOND"}

// FuzzCastFromString: casting any text to any type never panics, fails
// only with a typed *Error, gives a value of the target kind that fits the
// target's limits, and the value's own text casts back to an equal value.
func FuzzCastFromString(f *testing.F) {
	for _, s := range []string{"42", "-1.5e3", "84.51", "true", "1992-02-14 18:35:44.0", "2018-05-09T12:50:41.337510",
		"12:30", "1 02:03:04.5", "3-06", " 9223372036854775807 ", "1e-400", ".", "-", "e5", "99999999999999999999.5"} {
		f.Add(s)
	}
	types := make([]Type, len(castTargets))
	for i, s := range castTargets {
		types[i] = mustType(f, s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, ty := range types {
			v, err := Cast(NewVarchar(s), ty)
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("CAST(%q AS %v): untyped error %v", s, ty, err)
				}
				continue
			}
			if v.IsNull() {
				continue // 'UNKNOWN' as BOOLEAN
			}
			if v.Kind() != ty.Kind {
				t.Fatalf("CAST(%q AS %v) has kind %v", s, ty, v.Kind())
			}
			checkFits(t, v, ty)
			text := v.String()
			if !utf8.ValidString(s) && ty.Kind.IsString() {
				continue
			}
			back, err := Cast(NewVarchar(text), ty)
			if err != nil {
				t.Fatalf("CAST(%q AS %v) = %q does not read back: %v", s, ty, text, err)
			}
			if c, ok := Compare(v, back); !ok || c != 0 {
				t.Fatalf("CAST(%q AS %v) = %q reads back as %q", s, ty, text, back.String())
			}
		}
		// The exact variant never accepts what the rounding one refuses.
		for _, ty := range types[:10] {
			if _, err := CastExact(NewVarchar(s), ty); err == nil {
				if _, err2 := Cast(NewVarchar(s), ty); err2 != nil {
					t.Fatalf("CastExact(%q, %v) works but Cast fails: %v", s, ty, err2)
				}
			}
		}
	})
}

// checkFits fails when v breaks t's limits.
func checkFits(t *testing.T, v Value, ty Type) {
	t.Helper()
	switch {
	case ty.Kind.IsInteger():
		if lo, hi := integerRange(ty.Kind); v.Int64() < lo || v.Int64() > hi {
			t.Fatalf("%v out of %v", v, ty)
		}
	case ty.Kind == KindDecimal:
		if v.Scale() != int(ty.Scale) || !fitsPrecision(v.Int64(), int(ty.Precision)) {
			t.Fatalf("%v (scale %d) does not fit %v", v, v.Scale(), ty)
		}
	case ty.Kind == KindReal:
		if f := v.Float64(); float64(float32(f)) != f {
			t.Fatalf("REAL %v is not a float32", f)
		}
	case ty.Kind == KindChar:
		if utf8.RuneCountInString(v.Str()) != int(ty.Length) && utf8.ValidString(v.Str()) {
			t.Fatalf("CHAR %q is not %d long", v.Str(), ty.Length)
		}
	case ty.Kind == KindVarchar:
		if utf8.RuneCountInString(v.Str()) > int(ty.Length) {
			t.Fatalf("VARCHAR %q longer than %d", v.Str(), ty.Length)
		}
	case ty.Kind == KindTime:
		if v.Int64() < 0 || v.Int64() >= msPerDay {
			t.Fatalf("TIME %d out of a day", v.Int64())
		}
	}
	if strings.Contains(v.String(), "\x00") && !ty.Kind.IsString() {
		t.Fatalf("%v prints a NUL", v)
	}
}
