package value

import (
	"bytes"
	"math"
	"testing"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b  Value
		want  int
		known bool
	}{
		{NewInteger(1), NewBigInt(1), 0, true},
		{NewInteger(1), dec(100, 2), 0, true},
		{dec(1, 1), dec(10, 2), 0, true},
		{dec(-1, 18), dec(0, 0), -1, true},
		{dec(999999999999999999, 0), dec(999999999999999999, 18), 1, true},
		{NewBigInt(9223372036854775807), dec(999999999999999999, 18), 1, true},
		{NewInteger(2), NewDouble(1.5), 1, true},
		{NewReal(0.1), NewDouble(0.1), 1, true}, // float32(0.1) > 0.1
		{NewDouble(math.Copysign(0, -1)), NewDouble(0), 0, true},
		{NewVarchar("a"), NewVarchar("b"), -1, true},
		{NewVarchar("a"), NewVarchar("a "), -1, true},
		{NewChar("a  "), NewVarchar("a"), 0, true},
		{NewChar("a "), NewChar("a   "), 0, true},
		{NewVarchar("é"), NewVarchar("z"), 1, true},
		{NewBoolean(false), NewBoolean(true), -1, true},
		{NewDate(1), NewTimestamp(msPerDay), 0, true},
		{NewDate(1), NewTimestamp(msPerDay + 1), -1, true},
		{NewTime(5), NewTime(4), 1, true},
		{NewIntervalDayTime(1000, Qualifier{Start: UnitSecond}), NewIntervalDayTime(1000, Qualifier{Start: UnitMinute}), 0, true},
		{Null(), NewInteger(1), 0, false},
		{NewInteger(1), Null(), 0, false},
		{Null(), Null(), 0, false},
		{NewVarchar("1"), NewInteger(1), 0, false},
		{NewTime(0), NewTimestamp(0), 0, false},
		{NewBoolean(true), NewInteger(1), 0, false},
	}
	for _, tt := range tests {
		c, known := Compare(tt.a, tt.b)
		if c != tt.want || known != tt.known {
			t.Errorf("Compare(%v, %v) = %d, %v; want %d, %v", tt.a, tt.b, c, known, tt.want, tt.known)
		}
		if known {
			if c2, _ := Compare(tt.b, tt.a); c2 != -c {
				t.Errorf("Compare(%v, %v) = %d but reversed %d", tt.a, tt.b, c, c2)
			}
			eq, k := Equal(tt.a, tt.b)
			if eq != (c == 0) || !k {
				t.Errorf("Equal(%v, %v) = %v, %v", tt.a, tt.b, eq, k)
			}
		}
	}
	if !Comparable(Simple(KindInteger), Decimal(5, 2)) || Comparable(Varchar(4), Simple(KindInteger)) ||
		!Comparable(Type{}, Varchar(3)) || !Comparable(Simple(KindDate), Simple(KindTimestamp)) {
		t.Error("Comparable")
	}
}

func TestSortCompareAndKeys(t *testing.T) {
	vals := []Value{Null(), NewInteger(1), NewBigInt(1), dec(100, 2), NewDouble(1), NewInteger(2), dec(15, 1),
		NewVarchar("a"), NewChar("a  "), NewVarchar("a "), NewBoolean(true), NewTimestamp(0), NewDate(0),
		NewDouble(0), NewDouble(math.Copysign(0, -1)), NewVarbinary([]byte("a")), NewTime(0)}
	for _, a := range vals {
		for _, b := range vals {
			c := SortCompare(a, b)
			if c != -SortCompare(b, a) {
				t.Errorf("SortCompare(%v, %v) is not antisymmetric", a, b)
			}
			ka, kb := AppendKey(nil, a), AppendKey(nil, b)
			sameKey := bytes.Equal(ka, kb)
			// Equal keys imply equal values; equal values share keys within
			// one kind family, and for the pairs the doc promises.
			if sameKey && c != 0 {
				t.Errorf("%v and %v share a key but differ", a, b)
			}
		}
	}
	mustShare := [][2]Value{{NewInteger(1), NewBigInt(1)}, {NewInteger(1), dec(100, 2)}, {NewDouble(1), NewInteger(1)},
		{NewChar("a  "), NewVarchar("a")}, {NewDate(0), NewTimestamp(0)}, {NewDouble(0), NewDouble(math.Copysign(0, -1))},
		{dec(150, 2), dec(15, 1)}, {Null(), Null()}}
	for _, p := range mustShare {
		if !bytes.Equal(AppendKey(nil, p[0]), AppendKey(nil, p[1])) {
			t.Errorf("%v and %v should share a key", p[0], p[1])
		}
	}
	// Keys concatenate unambiguously: ("ab","c") vs ("a","bc").
	k1 := AppendKey(AppendKey(nil, NewVarchar("ab")), NewVarchar("c"))
	k2 := AppendKey(AppendKey(nil, NewVarchar("a")), NewVarchar("bc"))
	if bytes.Equal(k1, k2) {
		t.Error("composite keys collide")
	}
}
