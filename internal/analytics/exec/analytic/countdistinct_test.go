package analytic

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

func TestCountDistinctExact(t *testing.T) {
	in := []exec.Column{col("TICKER", tVarchar)}
	r := bindT(t, countDistinct{}, in, value.NewChar("TICKER"), value.NewInteger(5))
	if got := fmt.Sprint(r.cols); got != "[{NUMBER_OF_DISTINCT_ITEMS BIGINT}]" {
		t.Errorf("columns %s", got)
	}
	for i, s := range []string{"A", "B", "A", "", "C"} {
		v := vs(s)
		if s == "" {
			v = value.Null()
		}
		r.row(int64(i)*1000, v)
	}
	r.row(5000, vs("A"))
	r.row(12000, vs("A"))
	r.advance(20000)
	if got, want := fmtRows(r.take()), "5000 3|10000 1|15000 1|"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// CHAR blanks do not tell values apart (PAD SPACE), as GROUP BY.
	r = bindT(t, countDistinct{}, []exec.Column{col("C", value.Char(3))}, value.NewChar("C"), value.NewInteger(5))
	r.row(0, value.NewChar("ab "))
	r.row(1, value.NewChar("ab"))
	r.advance(5000)
	if got, want := fmtRows(r.take()), "5000 1|"; got != want {
		t.Errorf("CHAR: got %s, want %s", got, want)
	}
}

// TestCountDistinctLimit: exact up to 10,000 distinct values.
func TestCountDistinctLimit(t *testing.T) {
	for _, n := range []int{9999, 10000, 10001} {
		var d distinctCounter
		for i := range n {
			d.add(binary.BigEndian.AppendUint64(nil, uint64(i)))
			d.add(binary.BigEndian.AppendUint64(nil, uint64(i/2))) // repeats
		}
		got := d.count()
		if n <= exactItems && got != int64(n) {
			t.Errorf("%d distinct: counted %d", n, got)
		}
		if n > exactItems && (got <= exactItems || math.Abs(float64(got)-float64(n)) > 0.03*float64(n)) {
			t.Errorf("%d distinct: estimated %d", n, got)
		}
	}
}

// TestHyperLogLogAccuracy: the estimate is within 3% (almost 4 standard
// errors) from twice the exact limit to ten million, for values of several
// shapes.
func TestHyperLogLogAccuracy(t *testing.T) {
	for _, n := range []int{20000, 50000, 100000, 1000000, 10000000} {
		if testing.Short() && n > 1000000 {
			continue
		}
		for _, shape := range []string{"int", "text"} {
			var d distinctCounter
			key := []byte{}
			for i := range n {
				if shape == "int" {
					key = value.AppendKey(key[:0], value.NewBigInt(int64(i)*7919))
				} else {
					key = value.AppendKey(key[:0], value.NewVarchar(fmt.Sprintf("user-%d@example.com", i)))
				}
				d.add(key)
			}
			got := float64(d.count())
			if e := math.Abs(got-float64(n)) / float64(n); e > 0.03 {
				t.Errorf("%d distinct %s values: estimated %.0f (%.2f%% off)", n, shape, got, 100*e)
			} else {
				t.Logf("%d distinct %s values: estimated %.0f (%.2f%% off)", n, shape, got, 100*e)
			}
		}
	}
}

func TestHyperLogLogSmall(t *testing.T) {
	// The estimator is good at every scale, even far below the exact limit.
	for _, n := range []int{0, 1, 10, 100, 1000} {
		var h hll
		for i := range n {
			h.add(hash64(binary.BigEndian.AppendUint64(nil, uint64(i))))
		}
		if got := h.estimate(); math.Abs(got-float64(n)) > 0.05*float64(n)+1 {
			t.Errorf("%d: estimated %.1f", n, got)
		}
	}
}
