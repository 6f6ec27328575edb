package value

import "testing"

// The executor's hot path: an aggregation adds, compares and keys values
// for every row. These must not allocate.

func BenchmarkArithDouble(b *testing.B) {
	t := Simple(KindDouble)
	acc := NewDouble(0)
	x := NewReal(84.51)
	b.ReportAllocs()
	for b.Loop() {
		acc, _ = Arith(OpAdd, acc, x, t)
	}
	_ = acc
}

func BenchmarkArithBigInt(b *testing.B) {
	t := Simple(KindBigInt)
	acc := NewBigInt(0)
	x := NewInteger(3)
	b.ReportAllocs()
	for b.Loop() {
		acc, _ = Arith(OpAdd, acc, x, t)
	}
	_ = acc
}

func BenchmarkArithDecimal(b *testing.B) {
	t := Decimal(18, 2)
	acc := dec(0, 2)
	x := dec(8451, 2)
	b.ReportAllocs()
	for b.Loop() {
		acc, _ = Arith(OpAdd, acc, x, t)
		if acc.Int64() > 1e15 {
			acc = dec(0, 2)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	x, y := NewReal(84.51), NewDouble(1)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if c, _ := Compare(x, y); c > 0 {
			n++
		}
	}
	_ = n
}

func BenchmarkAppendKey(b *testing.B) {
	vals := []Value{NewVarchar("QXZ"), NewVarchar("HEALTHCARE"), NewTimestamp(1_796_320_862_123)}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, v := range vals {
			buf = AppendKey(buf, v)
		}
	}
}

func BenchmarkCastStringToDouble(b *testing.B) {
	t := Simple(KindDouble)
	s := NewVarchar("84.51")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Cast(s, t)
	}
}

func BenchmarkAppendTextTimestamp(b *testing.B) {
	v := NewTimestamp(1_796_320_862_123)
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = v.AppendText(buf[:0])
	}
}

func BenchmarkAppendTextDouble(b *testing.B) {
	v := NewDouble(84.51)
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = v.AppendText(buf[:0])
	}
}

func TestHotPathDoesNotAllocate(t *testing.T) {
	td := Simple(KindDouble)
	x, y := NewDouble(1), NewReal(84.51)
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		v, _ := Arith(OpAdd, x, y, td)
		_, _ = Compare(v, x)
		buf = AppendKey(buf[:0], v)
		buf = v.AppendText(buf[:0])
		_, _ = Cast(NewVarchar("84.51"), td)
		_, _ = Cast(NewVarchar("2026-12-03 17:01:02.123"), Simple(KindTimestamp))
	})
	if allocs != 0 {
		t.Errorf("%v allocations per row", allocs)
	}
}
