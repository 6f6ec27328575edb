package value

import (
	"errors"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		want string
	}{
		{"42", KindBigInt, "42"},
		{"-0", KindBigInt, "0"},
		{"9223372036854775807", KindBigInt, "9223372036854775807"},
		{"9223372036854775808", KindDouble, "9.223372036854776E18"},
		{"84.51", KindDecimal, "84.51"},
		{"-0.05", KindDecimal, "-0.05"},
		{"1.50", KindDecimal, "1.50"},
		{"0.1234567890123456789", KindDouble, "0.12345678901234568"},
		{"1e2", KindDouble, "100.0"},
		{"1.5E-3", KindDecimal, "0.0015"},
		{" 7 ", KindBigInt, "7"},
	}
	for _, tt := range tests {
		v, err := ParseNumber(tt.in)
		if err != nil || v.Kind() != tt.kind || v.String() != tt.want {
			t.Errorf("ParseNumber(%q) = %v %v, %v; want %v %s", tt.in, v.Kind(), v, err, tt.kind, tt.want)
		}
	}
	for _, in := range []string{"", "abc", "1e", "--1", "1.2.3", "NaN", "Inf", "0x1p3", "1_0", "1e999"} {
		if v, err := ParseNumber(in); err == nil {
			t.Errorf("ParseNumber(%q) = %v, want an error", in, v)
		}
	}
}

func TestParseBinaryLiteral(t *testing.T) {
	for in, want := range map[string]string{"X'3F67A23A'": "3F67A23A", "x'00ff'": "00FF", "abcd": "ABCD", "X''": ""} {
		v, err := ParseBinaryLiteral(in)
		if err != nil || v.String() != want {
			t.Errorf("ParseBinaryLiteral(%q) = %v, %v; want %s", in, v, err, want)
		}
	}
	for _, in := range []string{"X'3F6'", "X'GG'", "X'3F", "zz"} {
		if _, err := ParseBinaryLiteral(in); !errors.Is(err, ErrInvalidCharacterValue) {
			t.Errorf("ParseBinaryLiteral(%q): %v", in, err)
		}
	}
}

func TestErrorText(t *testing.T) {
	_, err := Cast(NewVarchar("abc"), Simple(KindInteger))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidCharacterValue || e.Code.SQLState() != "22018" {
		t.Fatalf("%v", err)
	}
	if got := err.Error(); got != "invalid character value for cast: 'abc' is not a valid INTEGER" {
		t.Errorf("message %q", got)
	}
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'x'
	}
	_, err = Cast(NewVarchar(string(long)), Simple(KindInteger))
	if len(err.Error()) > 200 {
		t.Errorf("message of %d bytes for a long input", len(err.Error()))
	}
}

func TestNumericLiteral(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		want string
		typ  string
	}{
		{"42", KindInteger, "42", "INTEGER"},
		{"0", KindInteger, "0", "INTEGER"},
		{"2147483648", KindBigInt, "2147483648", "BIGINT"},
		{"1.50", KindDecimal, "1.50", "DECIMAL(3,2)"},
		{".5", KindDecimal, "0.5", "DECIMAL(1,1)"},
		{"84.51", KindDecimal, "84.51", "DECIMAL(4,2)"},
		{"1.5E0", KindDouble, "1.5", "DOUBLE"},
		{"1e2", KindDouble, "100.0", "DOUBLE"},
	}
	for _, tt := range tests {
		v, err := NumericLiteral(tt.in)
		if err != nil || v.Kind() != tt.kind || v.String() != tt.want {
			t.Errorf("NumericLiteral(%q) = %v %v, %v", tt.in, v.Kind(), v, err)
			continue
		}
		if tt.typ != "" && TypeOf(v).String() != tt.typ {
			t.Errorf("TypeOf(%q) = %v, want %s", tt.in, TypeOf(v), tt.typ)
		}
	}
	for _, in := range []string{"", "-1", "+1", "1.2.3", "abc", "9223372036854775808", "0.1234567890123456789", "1e999"} {
		if v, err := NumericLiteral(in); err == nil {
			t.Errorf("NumericLiteral(%q) = %v, want an error", in, v)
		}
	}
}
