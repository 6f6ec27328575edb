package exec

import (
	"math"
	"math/rand"
	"testing"

	"sluice/internal/analytics/value"
)

func ts(s string) int64 {
	v, err := value.ParseTimestamp(s)
	if err != nil {
		panic(err)
	}
	return v.Int64()
}

// TestCloseRules checks when each kind of tumbling key closes its group.
func TestCloseRules(t *testing.T) {
	tests := []struct {
		rule   closeRule
		key    string
		at     string
		strict bool
	}{
		{closeRule{kind: closeFloor, unit: value.UnitMinute}, "2024-02-29 23:59:00", "2024-03-01 00:00:00", false},
		{closeRule{kind: closeFloor, unit: value.UnitHour}, "2024-02-29 23:00:00", "2024-03-01 00:00:00", false},
		{closeRule{kind: closeFloor, unit: value.UnitDay}, "2024-02-29 00:00:00", "2024-03-01 00:00:00", false},
		{closeRule{kind: closeFloor, unit: value.UnitMonth}, "2024-02-01 00:00:00", "2024-03-01 00:00:00", false},
		{closeRule{kind: closeFloor, unit: value.UnitMonth}, "2023-12-01 00:00:00", "2024-01-01 00:00:00", false},
		{closeRule{kind: closeFloor, unit: value.UnitYear}, "2024-01-01 00:00:00", "2025-01-01 00:00:00", false},
		{closeRule{kind: closeFloor, unit: value.UnitYear}, "1969-01-01 00:00:00", "1970-01-01 00:00:00", false},
		{closeRule{kind: closeStep, width: 30000}, "2024-02-29 23:59:30", "2024-03-01 00:00:00", false},
		{closeRule{kind: closeStep, months: 3}, "2024-01-01 00:00:00", "2024-04-01 00:00:00", false},
		{closeRule{kind: closeCeil, unit: value.UnitSecond}, "2024-02-29 23:59:30", "2024-02-29 23:59:30", true},
		{closeRule{kind: closeRowtime}, "2024-02-29 23:59:30.123", "2024-02-29 23:59:30.123", true},
	}
	for _, tc := range tests {
		d := tc.rule.deadline(value.NewTimestamp(ts(tc.key)))
		if d.at != ts(tc.at) || d.strict != tc.strict {
			t.Errorf("%+v of %s: got %s strict %v, want %s strict %v", tc.rule, tc.key, fmtTime(d.at), d.strict, tc.at, tc.strict)
		}
	}
	d := deadline{at: 100}
	if d.due(99) || !d.due(100) || !d.due(101) {
		t.Error("a deadline is due when the clock reaches it")
	}
	d.strict = true
	if d.due(100) || !d.due(101) {
		t.Error("a strict deadline is due once the clock is past it")
	}
}

// TestExactSum checks that the sum depends only on the values held.
func TestExactSum(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var vals []float64
	for i := 0; i < 200; i++ {
		vals = append(vals, (r.Float64()-0.5)*math.Pow(10, float64(r.Intn(30)-15)))
	}
	var a, b exactSum
	for _, v := range vals {
		a.add(v)
	}
	// b gets other values too, taken back later, in another order.
	for i := len(vals) - 1; i >= 0; i-- {
		b.add(vals[i])
		b.add(1e300)
		b.add(r.Float64())
	}
	for i := 0; i < len(vals); i++ {
		b.remove(1e300)
	}
	r2 := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		r2.Float64()
		r2.Intn(30)
	}
	for i := len(vals) - 1; i >= 0; i-- {
		b.remove(r2.Float64())
	}
	if a.value() != b.value() {
		t.Fatalf("sums differ: %v and %v", a.value(), b.value())
	}
	var c exactSum
	c.add(0.1)
	c.add(0.2)
	c.add(-0.3)
	if c.value() != 2.7755575615628914e-17 {
		t.Errorf("0.1+0.2-0.3 = %v, want the exact 2.7755575615628914e-17", c.value())
	}
	c.add(math.Inf(1))
	if !math.IsInf(c.value(), 1) {
		t.Errorf("with +Inf: %v", c.value())
	}
	c.remove(math.Inf(1))
	if c.value() != 2.7755575615628914e-17 {
		t.Errorf("+Inf taken back: %v", c.value())
	}
}

// TestSlidingExtreme checks MIN and MAX over a sliding window against a
// scan of the window.
func TestSlidingExtreme(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, max := range []bool{false, true} {
		a := &slidingExtremeAcc{max: max}
		var window []value.Value
		for i := 0; i < 5000; i++ {
			v := value.NewDouble(float64(r.Intn(100)))
			if r.Intn(10) == 0 {
				v = value.Null()
			}
			_ = a.add(v)
			window = append(window, v)
			for len(window) > 1+r.Intn(20) {
				a.remove(window[0])
				window = window[1:]
			}
			want := value.Null()
			for _, w := range window {
				if w.IsNull() {
					continue
				}
				if c, _ := value.Compare(w, want); want.IsNull() || (c > 0) == max && c != 0 {
					want = w
				}
			}
			got, _ := a.result()
			if got != want {
				t.Fatalf("max=%v step %d: got %v, want %v", max, i, got, want)
			}
		}
	}
}

// TestJoinKeys checks that join keys match as = compares: a CHAR with
// trailing blanks matches a VARCHAR without, an INTEGER a DECIMAL.
func TestJoinKeys(t *testing.T) {
	tests := []struct {
		a, b   value.Value
		ta, tb value.Type
		match  bool
	}{
		{value.NewChar("AB  "), value.NewVarchar("AB"), value.Char(4), value.Varchar(4), true},
		{value.NewVarchar("AB "), value.NewVarchar("AB"), value.Varchar(4), value.Varchar(4), false},
		{value.NewInteger(3), mustDecimal(300, 2), value.Simple(value.KindInteger), value.Decimal(5, 2), true},
		{value.NewInteger(3), value.NewBigInt(3), value.Simple(value.KindInteger), value.Simple(value.KindBigInt), true},
		{value.NewInteger(3), value.NewDouble(3), value.Simple(value.KindInteger), value.Simple(value.KindDouble), true},
		{value.NewDouble(0.5), value.NewReal(0.5), value.Simple(value.KindDouble), value.Simple(value.KindReal), true},
		{value.Null(), value.Null(), value.Varchar(4), value.Varchar(4), false},
	}
	for _, tc := range tests {
		n, ok := keyNormOf(tc.ta, tc.tb)
		if !ok {
			t.Errorf("%s and %s: no key", tc.ta, tc.tb)
			continue
		}
		ka, oka := n.appendKey(nil, tc.a, 0)
		kb, okb := n.appendKey(nil, tc.b, 1)
		if got := oka && okb && string(ka) == string(kb); got != tc.match {
			t.Errorf("%v (%s) = %v (%s): key match %v, want %v", tc.a, tc.ta, tc.b, tc.tb, got, tc.match)
		}
		if eq, known := value.Equal(tc.a, tc.b); (eq && known) != tc.match {
			t.Errorf("%v = %v is %v in SQL; the test expects %v", tc.a, tc.b, eq && known, tc.match)
		}
	}
	if _, ok := keyNormOf(value.Decimal(5, 2), value.Simple(value.KindDouble)); ok {
		t.Error("a DECIMAL and a DOUBLE have no common key")
	}
}

func mustDecimal(u int64, s int) value.Value {
	v, err := value.NewDecimal(u, s)
	if err != nil {
		panic(err)
	}
	return v
}

// TestOrderKeys checks the ORDER BY comparison: NULLs first ascending and
// last descending, unless said otherwise.
func TestOrderKeys(t *testing.T) {
	o := &orderPlan{first: 0, n: 1, desc: []bool{false}, nullsFirst: []bool{true}}
	one, null := []value.Value{value.NewInteger(1)}, []value.Value{value.Null()}
	if o.compareKeys(null, one) >= 0 || o.compareKeys(one, null) <= 0 {
		t.Error("ascending: NULL first")
	}
	o.desc, o.nullsFirst = []bool{true}, []bool{false}
	two := []value.Value{value.NewInteger(2)}
	if o.compareKeys(two, one) >= 0 || o.compareKeys(null, one) <= 0 {
		t.Error("descending: 2 before 1, NULL last")
	}
	o.nullsFirst = []bool{true}
	if o.compareKeys(null, two) >= 0 {
		t.Error("descending NULLS FIRST")
	}
}
