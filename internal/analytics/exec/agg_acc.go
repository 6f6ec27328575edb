package exec

import (
	"math"

	"sluice/internal/analytics/value"
)

// countAcc is COUNT(x) (non-NULL values) and COUNT(*) (the stage passes a
// non-NULL value for each row).
type countAcc struct{ n int64 }

func (a *countAcc) add(v value.Value) error {
	if !v.IsNull() {
		a.n++
	}
	return nil
}

func (a *countAcc) remove(v value.Value) {
	if !v.IsNull() {
		a.n--
	}
}

func (a *countAcc) result() (value.Value, error) { return value.NewBigInt(a.n), nil }

// sumAcc is SUM and AVG: an exact sum for integers and DECIMALs (in the
// result's scale), and for REAL and DOUBLE an exact float sum rounded once
// (so a sliding window that takes rows back neither drifts nor depends on
// the rows it held before).
type sumAcc struct {
	typ   value.Type
	avg   bool
	n     int64
	isum  int64
	fsum  exactSum
	exact bool
}

func newSumAcc(t value.Type, avg bool) *sumAcc {
	return &sumAcc{typ: t, avg: avg, exact: t.Kind.IsExact()}
}

// bounds are the values an integer kind holds.
func bounds(k value.Kind) (lo, hi int64) {
	switch k {
	case value.KindTinyInt:
		return math.MinInt8, math.MaxInt8
	case value.KindSmallInt:
		return math.MinInt16, math.MaxInt16
	case value.KindInteger:
		return math.MinInt32, math.MaxInt32
	case value.KindDecimal:
		return -999999999999999999, 999999999999999999
	}
	return math.MinInt64, math.MaxInt64
}

// exactOf is v's unscaled value in the accumulator's scale.
func (a *sumAcc) exactOf(v value.Value) (int64, error) {
	if a.typ.Kind == value.KindDecimal && (v.Kind() != value.KindDecimal || v.Scale() != int(a.typ.Scale)) {
		c, err := value.Cast(v, value.Decimal(value.MaxDecimalPrecision, int(a.typ.Scale)))
		if err != nil {
			return 0, err
		}
		v = c
	}
	return v.Int64(), nil
}

func (a *sumAcc) add(v value.Value) error {
	if v.IsNull() {
		return nil
	}
	if !a.exact {
		a.fsum.add(v.Float64())
		a.n++
		return nil
	}
	x, err := a.exactOf(v)
	if err != nil {
		return err
	}
	s := a.isum + x
	lo, hi := bounds(a.typ.Kind)
	if (x > 0 && s < a.isum) || (x < 0 && s > a.isum) || (!a.avg && (s < lo || s > hi)) {
		return value.ErrNumericOverflow
	}
	a.isum = s
	a.n++
	return nil
}

func (a *sumAcc) remove(v value.Value) {
	if v.IsNull() {
		return
	}
	a.n--
	if !a.exact {
		a.fsum.remove(v.Float64())
		if a.n == 0 {
			a.fsum.reset()
		}
		return
	}
	if x, err := a.exactOf(v); err == nil {
		a.isum -= x
	}
}

func (a *sumAcc) result() (value.Value, error) {
	if a.n == 0 {
		return value.Value{}, nil
	}
	k := a.typ.Kind
	if !a.exact {
		f := a.fsum.value()
		if a.avg {
			f /= float64(a.n)
		}
		if k == value.KindReal {
			return value.NewReal(float32(f)), nil
		}
		return value.NewDouble(f), nil
	}
	s := a.isum
	if a.avg {
		s /= a.n // toward zero, as an integer division in SQL
	}
	if k == value.KindDecimal {
		return value.NewDecimal(s, int(a.typ.Scale))
	}
	return value.NewInt(k, s)
}

// extremeAcc is MIN or MAX over rows that are never taken back.
type extremeAcc struct {
	max  bool
	best value.Value
}

func (a *extremeAcc) add(v value.Value) error {
	if v.IsNull() {
		return nil
	}
	if a.best.IsNull() {
		a.best = v
		return nil
	}
	if c, ok := value.Compare(v, a.best); ok && (c > 0) == a.max && c != 0 {
		a.best = v
	}
	return nil
}

func (a *extremeAcc) remove(value.Value) {}

func (a *extremeAcc) result() (value.Value, error) { return a.best, nil }

// slidingExtremeAcc is MIN or MAX over a sliding window: a deque of the
// values that can still become the extreme (each newer than and better
// than the ones behind it), so that adding and taking back the oldest row
// are amortised O(1).
type slidingExtremeAcc struct {
	max     bool
	deque   []seqValue
	head    int
	added   int64 // rows added (NULLs too), numbering them
	removed int64 // rows taken back
}

type seqValue struct {
	seq int64
	v   value.Value
}

func (a *slidingExtremeAcc) better(x, y value.Value) bool {
	c, ok := value.Compare(x, y)
	if !ok {
		return false
	}
	if a.max {
		return c >= 0
	}
	return c <= 0
}

func (a *slidingExtremeAcc) add(v value.Value) error {
	seq := a.added
	a.added++
	if v.IsNull() {
		return nil
	}
	for len(a.deque) > a.head && a.better(v, a.deque[len(a.deque)-1].v) {
		a.deque = a.deque[:len(a.deque)-1]
	}
	a.deque = append(a.deque, seqValue{seq: seq, v: v})
	return nil
}

func (a *slidingExtremeAcc) remove(value.Value) {
	seq := a.removed
	a.removed++
	if len(a.deque) > a.head && a.deque[a.head].seq == seq {
		a.deque[a.head] = seqValue{}
		a.head++
		// Compact now and then so the slice does not grow without bound.
		if a.head > 32 && a.head*2 > len(a.deque) {
			n := copy(a.deque, a.deque[a.head:])
			a.deque = a.deque[:n]
			a.head = 0
		}
	}
}

func (a *slidingExtremeAcc) result() (value.Value, error) {
	if len(a.deque) == a.head {
		return value.Value{}, nil
	}
	return a.deque[a.head].v, nil
}

// firstLastAcc is FIRST_VALUE or LAST_VALUE of a group: the first or last
// row's value in ROWTIME order (arrival order within a ROWTIME), as
// SQLstream defined them for GROUP BY; IGNORE NULLS skips NULLs.
type firstLastAcc struct {
	last, ignoreNulls bool
	seen              bool
	v                 value.Value
}

func (a *firstLastAcc) add(v value.Value) error {
	if a.ignoreNulls && v.IsNull() {
		return nil
	}
	if a.last || !a.seen {
		a.v, a.seen = v, true
	}
	return nil
}

func (a *firstLastAcc) remove(value.Value) {}

func (a *firstLastAcc) result() (value.Value, error) { return a.v, nil }

// varianceAcc is VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP from exact
// sums of the values and of their squares (each square split exactly in
// two by a fused multiply-add): like sumAcc, it depends only on the values
// it holds, which a sliding window's replay needs.
type varianceAcc struct {
	kind    aggKind
	typ     value.Type
	n       float64
	sum, sq exactSum
}

func (a *varianceAcc) add(v value.Value) error {
	if v.IsNull() {
		return nil
	}
	x := v.Float64()
	p := x * x
	a.n++
	a.sum.add(x)
	a.sq.add(p)
	a.sq.add(math.FMA(x, x, -p))
	return nil
}

func (a *varianceAcc) remove(v value.Value) {
	if v.IsNull() {
		return
	}
	x := v.Float64()
	p := x * x
	a.n--
	a.sum.remove(x)
	a.sq.remove(p)
	a.sq.remove(math.FMA(x, x, -p))
	if a.n <= 0 {
		a.n = 0
		a.sum.reset()
		a.sq.reset()
	}
}

func (a *varianceAcc) result() (value.Value, error) {
	var div float64
	switch a.kind {
	case aggVarPop, aggStddevPop:
		div = a.n
	default:
		div = a.n - 1
	}
	if div < 1 {
		return value.Value{}, nil
	}
	// n·Σx² - (Σx)², exactly: every product split in two by a fused
	// multiply-add, summed without rounding; then one division.
	var d exactSum
	for _, q := range a.sq.partials {
		hi := a.n * q
		d.add(hi)
		d.add(math.FMA(a.n, q, -hi))
	}
	for _, x := range a.sum.partials {
		for _, y := range a.sum.partials {
			hi := x * y
			d.remove(hi)
			d.remove(math.FMA(x, y, -hi))
		}
	}
	m := d.value()
	if m < 0 || a.n == 1 {
		m = 0 // one value deviates by nothing
	}
	if a.sq.posInf+a.sq.negInf+a.sq.nan+a.sum.nan > 0 {
		m = math.NaN()
	}
	r := m / (a.n * div)
	if a.kind == aggStddevPop || a.kind == aggStddevSamp {
		r = math.Sqrt(r)
	}
	if a.typ.Kind == value.KindReal {
		return value.NewReal(float32(r)), nil
	}
	return value.NewDouble(r), nil
}

// distinctAcc feeds its inner accumulator each distinct non-NULL value
// once, counting repeats so that a sliding window can take them back.
type distinctAcc struct {
	inner  accumulator
	counts map[string]int
	key    []byte
}

func (a *distinctAcc) add(v value.Value) error {
	if v.IsNull() {
		return nil
	}
	if a.counts == nil {
		a.counts = map[string]int{}
	}
	a.key = value.AppendKey(a.key[:0], v)
	n := a.counts[string(a.key)]
	if n == 0 {
		if err := a.inner.add(v); err != nil {
			return err
		}
	}
	a.counts[string(a.key)] = n + 1
	return nil
}

func (a *distinctAcc) remove(v value.Value) {
	if v.IsNull() || a.counts == nil {
		return
	}
	a.key = value.AppendKey(a.key[:0], v)
	n := a.counts[string(a.key)]
	switch {
	case n <= 0:
	case n == 1:
		delete(a.counts, string(a.key))
		a.inner.remove(v)
	default:
		a.counts[string(a.key)] = n - 1
	}
}

func (a *distinctAcc) result() (value.Value, error) { return a.inner.result() }
