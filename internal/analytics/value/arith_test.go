package value

import (
	"errors"
	"testing"
)

func TestArithType(t *testing.T) {
	tests := []struct {
		op   Op
		a, b string
		want string
	}{
		{OpAdd, "INTEGER", "INTEGER", "INTEGER"},
		{OpAdd, "SMALLINT", "BIGINT", "BIGINT"},
		{OpAdd, "TINYINT", "TINYINT", "TINYINT"},
		{OpAdd, "INTEGER", "DOUBLE", "DOUBLE"},
		{OpDiv, "REAL", "INTEGER", "REAL"},
		{OpMul, "REAL", "DOUBLE", "DOUBLE"},
		{OpAdd, "DECIMAL(10,1)", "DECIMAL(10,3)", "DECIMAL(13,3)"},
		{OpSub, "DECIMAL(5,2)", "INTEGER", "DECIMAL(13,2)"},
		{OpMul, "DECIMAL(10,1)", "DECIMAL(10,3)", "DECIMAL(18,4)"},
		{OpMul, "DECIMAL(5,2)", "DECIMAL(4,1)", "DECIMAL(9,3)"},
		{OpDiv, "DECIMAL(10,1)", "DECIMAL(10,3)", "DECIMAL(18,6)"},
		{OpDiv, "DECIMAL(5,2)", "DECIMAL(3,1)", "DECIMAL(10,6)"},
		{OpAdd, "DECIMAL(18,0)", "DECIMAL(18,18)", "DECIMAL(18,18)"},
		{OpMod, "INTEGER", "SMALLINT", "INTEGER"},
		{OpAdd, "TIMESTAMP", "INTERVAL MINUTE", "TIMESTAMP"},
		{OpAdd, "INTERVAL DAY", "TIMESTAMP", "TIMESTAMP"},
		{OpSub, "TIMESTAMP", "INTERVAL YEAR TO MONTH", "TIMESTAMP"},
		{OpSub, "TIMESTAMP", "TIMESTAMP", "INTERVAL DAY TO SECOND"},
		{OpSub, "DATE", "TIMESTAMP", "INTERVAL DAY TO SECOND"},
		{OpAdd, "DATE", "INTERVAL DAY", "DATE"},
		{OpAdd, "TIME", "INTERVAL HOUR", "TIME"},
		{OpAdd, "INTERVAL HOUR", "INTERVAL MINUTE TO SECOND", "INTERVAL HOUR TO SECOND"},
		{OpMul, "INTERVAL MINUTE", "INTEGER", "INTERVAL MINUTE"},
		{OpMul, "DOUBLE", "INTERVAL SECOND", "INTERVAL SECOND"},
		{OpDiv, "INTERVAL DAY", "INTEGER", "INTERVAL DAY"},
	}
	for _, tt := range tests {
		got, err := ArithType(tt.op, mustType(t, tt.a), mustType(t, tt.b))
		if err != nil || got.String() != tt.want {
			t.Errorf("%s %s %s = %v, %v; want %s", tt.a, tt.op, tt.b, got, err, tt.want)
		}
	}
	for _, bad := range [][3]string{{"+", "VARCHAR(4)", "INTEGER"}, {"*", "DATE", "DATE"}, {"+", "TIMESTAMP", "TIMESTAMP"},
		{"+", "TIME", "INTERVAL YEAR"}, {"MOD", "DOUBLE", "INTEGER"}, {"+", "BOOLEAN", "BOOLEAN"},
		{"-", "INTERVAL DAY", "INTERVAL YEAR"}, {"/", "INTEGER", "INTERVAL DAY"}} {
		op := map[string]Op{"+": OpAdd, "-": OpSub, "*": OpMul, "/": OpDiv, "MOD": OpMod}[bad[0]]
		if got, err := ArithType(op, mustType(t, bad[1]), mustType(t, bad[2])); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s %s %s = %v, %v; want ErrInvalidArgument", bad[1], bad[0], bad[2], got, err)
		}
	}
	if got, _ := ArithType(OpAdd, Type{}, mustType(t, "INTEGER")); got.Kind != KindInteger {
		t.Errorf("NULL + INTEGER = %v", got)
	}
}

func TestArith(t *testing.T) {
	ts := func(s string) Value {
		v, err := ParseTimestamp(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	iv := func(s, q string) Value {
		ty := mustType(t, "INTERVAL "+q)
		v, err := ParseInterval(s, ty.Interval)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		op   Op
		a, b Value
		want string
		err  error
	}{
		{OpAdd, NewInteger(2), NewInteger(3), "5", nil},
		{OpAdd, NewInteger(2147483647), NewInteger(1), "", ErrNumericOverflow},
		{OpSub, NewInteger(-2147483648), NewInteger(1), "", ErrNumericOverflow},
		{OpMul, NewInteger(65536), NewInteger(65536), "", ErrNumericOverflow},
		{OpMul, NewBigInt(-3037000500), NewBigInt(3037000500), "", ErrNumericOverflow},
		{OpMul, NewBigInt(-4611686018427387904), NewBigInt(2), "-9223372036854775808", nil},
		{OpAdd, NewTinyInt(100), NewTinyInt(100), "", ErrNumericOverflow},
		{OpAdd, NewTinyInt(100), NewSmallInt(100), "200", nil},
		{OpDiv, NewInteger(7), NewInteger(2), "3", nil},
		{OpDiv, NewInteger(-7), NewInteger(2), "-3", nil},
		{OpDiv, NewInteger(7), NewInteger(0), "", ErrDivisionByZero},
		{OpDiv, NewBigInt(-9223372036854775808), NewBigInt(-1), "", ErrNumericOverflow},
		{OpMod, NewInteger(-7), NewInteger(3), "-1", nil},
		{OpMod, NewInteger(7), NewInteger(0), "", ErrDivisionByZero},
		{OpAdd, NewInteger(1), NewDouble(0.5), "1.5", nil},
		{OpDiv, NewDouble(1), NewDouble(0), "", ErrDivisionByZero},
		{OpDiv, NewReal(84.51), NewInteger(0), "", ErrDivisionByZero},
		{OpMul, NewDouble(1e308), NewDouble(10), "", ErrNumericOverflow},
		{OpDiv, NewReal(1), NewReal(3), "0.33333334", nil},
		{OpSub, NewReal(84.51), NewReal(-0.05), "84.560005", nil}, // float32 arithmetic, as Java's
		{OpAdd, dec(8451, 2), dec(5, 3), "84.515", nil},
		{OpSub, dec(5, 2), NewInteger(1), "-0.95", nil},
		{OpMul, dec(8451, 2), dec(2, 0), "169.02", nil},
		{OpMul, dec(15, 1), dec(15, 1), "2.25", nil},
		{OpDiv, dec(1, 0), dec(3, 0), "0.333333", nil},
		{OpDiv, dec(2, 0), dec(3, 0), "0.666667", nil},
		{OpDiv, dec(-2, 0), dec(3, 0), "-0.666667", nil},
		{OpDiv, dec(1, 0), dec(0, 2), "", ErrDivisionByZero},
		{OpMul, dec(999999999999999999, 0), dec(10, 0), "", ErrNumericOverflow},
		{OpAdd, dec(999999999999999999, 0), dec(1, 0), "", ErrNumericOverflow},
		{OpMul, dec(999999999, 9), dec(999999999, 9), "0.999999998000000001", nil},
		{OpAdd, Null(), NewInteger(1), "NULL", nil},
		{OpDiv, NewInteger(1), Null(), "NULL", nil},
		// Datetime arithmetic.
		{OpAdd, ts("2026-12-03 17:01:02.123"), iv("5", "MINUTE"), "2026-12-03 17:06:02.123", nil},
		{OpSub, ts("2018-05-09 12:50:41.337"), iv("5", "MINUTE"), "2018-05-09 12:45:41.337", nil},
		{OpAdd, iv("1 00:00:00", "DAY TO SECOND"), ts("2024-02-28 23:00:00"), "2024-02-29 23:00:00.000", nil},
		{OpAdd, ts("2024-01-31 10:00:00"), iv("1", "MONTH"), "2024-02-29 10:00:00.000", nil},
		{OpAdd, ts("2023-01-31 10:00:00"), iv("1-01", "YEAR TO MONTH"), "2024-02-29 10:00:00.000", nil},
		{OpSub, ts("2024-03-31 00:00:00"), iv("1", "MONTH"), "2024-02-29 00:00:00.000", nil},
		{OpSub, ts("2026-12-03 17:01:02.123"), ts("2026-12-02 16:00:00"), "+1 01:01:02.123", nil},
		{OpSub, ts("2026-12-02 16:00:00"), ts("2026-12-03 17:01:02.123"), "-1 01:01:02.123", nil},
		{OpAdd, NewDate(0), iv("2", "DAY"), "1970-01-03", nil},
		{OpAdd, NewTime(23 * msPerHour), iv("2", "HOUR"), "01:00:00.000", nil},
		{OpAdd, iv("1", "HOUR"), iv("30", "MINUTE"), "+1:30", nil},
		{OpMul, iv("1", "MINUTE"), NewInteger(3), "+3", nil},
		{OpMul, NewDouble(1.5), iv("1", "MINUTE"), "+1", nil},
		{OpDiv, iv("10", "SECOND"), NewInteger(4), "+2.500", nil},
		{OpDiv, iv("10", "SECOND"), NewInteger(0), "", ErrDivisionByZero},
		{OpAdd, NewTimestamp(9223372036854775000), iv("1", "DAY"), "", ErrDatetimeOverflow},
	}
	for _, tt := range tests {
		got, err := arithOf(tt.op, tt.a, tt.b)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%v %s %v = %v, %v; want %v", tt.a, tt.op, tt.b, got, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("%v %s %v = %v, %v; want %s", tt.a, tt.op, tt.b, got, err, tt.want)
		}
	}
}

func TestArithPlannedType(t *testing.T) {
	// The executor plans DECIMAL(5,2) + DECIMAL(5,2) as DECIMAL(6,2) and
	// passes the type; a result past 6 digits overflows.
	ty, _ := ArithType(OpAdd, Decimal(5, 2), Decimal(5, 2))
	if got, err := Arith(OpAdd, dec(99999, 2), dec(99999, 2), ty); err != nil || got.String() != "1999.98" {
		t.Errorf("999.99 + 999.99 = %v, %v", got, err)
	}
	// An INTEGER operand promoted into a DECIMAL result.
	ty, _ = ArithType(OpMul, Simple(KindInteger), Decimal(5, 2))
	if got, err := Arith(OpMul, NewInteger(3), dec(150, 2), ty); err != nil || got.String() != "4.50" {
		t.Errorf("3 * 1.50 = %v, %v (%v)", got, err, ty)
	}
	if _, err := Arith(OpAdd, NewVarchar("1"), NewInteger(1), Simple(KindInteger)); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("'1' + 1: %v", err)
	}
}

func TestNegate(t *testing.T) {
	for _, tt := range []struct {
		v    Value
		want string
		err  error
	}{
		{NewInteger(5), "-5", nil},
		{NewTinyInt(-128), "", ErrNumericOverflow},
		{dec(8451, 2), "-84.51", nil},
		{NewDouble(1.5), "-1.5", nil},
		{NewReal(0), "-0.0", nil},
		{NewIntervalDayTime(1000, Qualifier{Start: UnitSecond}), "-1.000", nil},
		{Null(), "NULL", nil},
		{NewVarchar("x"), "", ErrInvalidArgument},
	} {
		got, err := Negate(tt.v)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("-%v = %v, %v; want %v", tt.v, got, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("-%v = %v, %v; want %s", tt.v, got, err, tt.want)
		}
	}
}
