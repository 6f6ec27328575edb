package value

import (
	"errors"
	"testing"
)

func TestParseType(t *testing.T) {
	day2sec := Qualifier{Start: UnitDay, End: UnitSecond}
	tests := []struct {
		in   string
		want Type
		str  string
	}{
		{"BOOLEAN", Simple(KindBoolean), "BOOLEAN"},
		{"tinyint", Simple(KindTinyInt), "TINYINT"},
		{"SmallInt", Simple(KindSmallInt), "SMALLINT"},
		{"INTEGER", Simple(KindInteger), "INTEGER"},
		{"int", Simple(KindInteger), "INTEGER"},
		{"BIGINT", Simple(KindBigInt), "BIGINT"},
		{"REAL", Simple(KindReal), "REAL"},
		{"DOUBLE", Simple(KindDouble), "DOUBLE"},
		{"double  precision", Simple(KindDouble), "DOUBLE"},
		{"FLOAT", Simple(KindDouble), "DOUBLE"},
		{"DECIMAL", Decimal(18, 0), "DECIMAL(18,0)"},
		{"DECIMAL(5,2)", Decimal(5, 2), "DECIMAL(5,2)"},
		{"decimal ( 5 , 2 )", Decimal(5, 2), "DECIMAL(5,2)"},
		{"NUMERIC(10)", Decimal(10, 0), "DECIMAL(10,0)"},
		{"DEC(18,18)", Decimal(18, 18), "DECIMAL(18,18)"},
		{"CHAR", Char(1), "CHAR(1)"},
		{"CHAR(4)", Char(4), "CHAR(4)"},
		{"CHARACTER(10)", Char(10), "CHAR(10)"},
		{"VARCHAR(16)", Varchar(16), "VARCHAR(16)"},
		{"varchar(4)", Varchar(4), "VARCHAR(4)"},
		{"VARCHAR", Varchar(MaxStringLength), "VARCHAR(65534)"},
		{"CHARACTER VARYING(8)", Varchar(8), "VARCHAR(8)"},
		{"CHAR VARYING(8)", Varchar(8), "VARCHAR(8)"},
		{"VARCHAR(65534)", Varchar(65534), "VARCHAR(65534)"},
		{"BINARY", Binary(1), "BINARY(1)"},
		{"BINARY(16)", Binary(16), "BINARY(16)"},
		{"VARBINARY(16)", Varbinary(16), "VARBINARY(16)"},
		{"BINARY VARYING(3)", Varbinary(3), "VARBINARY(3)"},
		{"DATE", Simple(KindDate), "DATE"},
		{"TIME", Simple(KindTime), "TIME"},
		{"TIMESTAMP", Simple(KindTimestamp), "TIMESTAMP"},
		{"TIMESTAMP(3)", Simple(KindTimestamp), "TIMESTAMP"},
		{"\tTIMESTAMP\n", Simple(KindTimestamp), "TIMESTAMP"},
		{"INTERVAL DAY TO SECOND", Interval(day2sec), "INTERVAL DAY TO SECOND"},
		{"interval minute", Interval(Qualifier{Start: UnitMinute}), "INTERVAL MINUTE"},
		{"INTERVAL SECOND", Interval(Qualifier{Start: UnitSecond}), "INTERVAL SECOND"},
		{"INTERVAL SECOND(3)", Interval(Qualifier{Start: UnitSecond, Precision: 3}), "INTERVAL SECOND(3, 3)"},
		{"INTERVAL SECOND(2, 3)", Interval(Qualifier{Start: UnitSecond}), "INTERVAL SECOND"},
		{"INTERVAL DAY(3) TO SECOND(3)", Interval(Qualifier{Start: UnitDay, End: UnitSecond, Precision: 3}), "INTERVAL DAY(3) TO SECOND"},
		{"INTERVAL HOUR TO MINUTE", Interval(Qualifier{Start: UnitHour, End: UnitMinute}), "INTERVAL HOUR TO MINUTE"},
		{"INTERVAL YEAR TO MONTH", Interval(Qualifier{Start: UnitYear, End: UnitMonth}), "INTERVAL YEAR TO MONTH"},
		{"INTERVAL MONTH", Interval(Qualifier{Start: UnitMonth}), "INTERVAL MONTH"},
		{"INTERVAL YEAR(4)", Interval(Qualifier{Start: UnitYear, Precision: 4}), "INTERVAL YEAR(4)"},
	}
	for _, tt := range tests {
		got, err := ParseType(tt.in)
		if err != nil {
			t.Errorf("ParseType(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseType(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
		if s := got.String(); s != tt.str {
			t.Errorf("ParseType(%q).String() = %q, want %q", tt.in, s, tt.str)
		}
		back, err := ParseType(got.String())
		if err != nil || back != got {
			t.Errorf("ParseType(%q) does not read back: %v, %v", got.String(), back, err)
		}
	}
}

func TestParseTypeErrors(t *testing.T) {
	for _, in := range []string{
		"", "   ", "VARCHAR(0)", "VARCHAR(65535)", "VARCHAR(100000000000000000000)", "VARCHAR(", "VARCHAR(4",
		"VARCHAR(4,2)", "VARCHAR 4", "CHAR(0)", "DECIMAL(0)", "DECIMAL(19)", "DECIMAL(5,6)", "DECIMAL(5,)",
		"DECIMAL(-1)", "STRING", "TEXT", "INTEGER NOT NULL", "INT(4)", "TIMESTAMP(4)", "TIMESTAMP WITH TIME ZONE",
		"INTERVAL", "INTERVAL SECOND TO DAY", "INTERVAL YEAR TO DAY", "INTERVAL MONTH TO YEAR", "INTERVAL DAY TO DAY",
		"INTERVAL DAY(11)", "INTERVAL FORTNIGHT", "BOOLEAN()", "(", "VARCHAR(16)x", "VARCHAR(16) (3)", "DOUBLE DOUBLE",
		"VARCHAR(１６)", "ÉTÉ",
	} {
		if got, err := ParseType(in); err == nil {
			t.Errorf("ParseType(%q) = %v, want an error", in, got)
		} else if !errors.Is(err, ErrInvalidType) {
			t.Errorf("ParseType(%q): %v is not ErrInvalidType", in, err)
		}
	}
}

func TestIsColumnType(t *testing.T) {
	for _, s := range []string{"VARCHAR(4)", "DECIMAL(5,2)", "TIMESTAMP", "BOOLEAN", "BINARY(2)"} {
		ty, _ := ParseType(s)
		if !ty.IsColumnType() {
			t.Errorf("%s should be a column type", s)
		}
	}
	ty, _ := ParseType("INTERVAL DAY")
	if ty.IsColumnType() || (Type{}).IsColumnType() {
		t.Error("intervals and NULL are not column types")
	}
}

// FuzzParseType: ParseType never panics; what it accepts prints as text it
// reads back to the same type, within AWS's limits.
func FuzzParseType(f *testing.F) {
	for _, s := range []string{"VARCHAR(16)", "DECIMAL(5,2)", "INTERVAL DAY(3) TO SECOND(2)", "double precision",
		"CHAR VARYING(3)", "INTERVAL SECOND(4, 1)", "TIMESTAMP(0)", "BINARY VARYING(9)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ty, err := ParseType(s)
		if err != nil {
			return
		}
		back, err := ParseType(ty.String())
		if err != nil || back != ty {
			t.Fatalf("%q → %v (%q) does not read back: %v %v", s, ty, ty.String(), back, err)
		}
		if n := ty.MaxChars(); (ty.Kind.IsString() || ty.Kind.IsBinary()) && (n < 1 || n > MaxStringLength) {
			t.Fatalf("%q: length %d out of AWS's limits", s, n)
		}
		if ty.Kind == KindDecimal && (ty.Precision < 1 || ty.Precision > 18 || ty.Scale < 0 || ty.Scale > ty.Precision) {
			t.Fatalf("%q: %v out of limits", s, ty)
		}
	})
}
