package analytic

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// benchRows makes n rows of cols DOUBLE columns (normal noise, 1% far
// off) and a VARCHAR key among keys values.
func benchRows(n, cols, keys int) ([]exec.Column, []exec.Row) {
	rng := rand.New(rand.NewPCG(1, 1))
	in := []exec.Column{col("KEY", tVarchar)}
	for c := range cols {
		in = append(in, col(fmt.Sprint("C", c), tDouble))
	}
	rows := make([]exec.Row, n)
	names := make([]value.Value, keys)
	for i := range names {
		names[i] = vs(fmt.Sprint("key-", i))
	}
	for i := range rows {
		vals := []value.Value{names[rng.IntN(keys)]}
		for range cols {
			x := rng.NormFloat64()
			if rng.IntN(100) == 0 {
				x *= 10
			}
			vals = append(vals, vd(x))
		}
		rows[i] = exec.Row{Time: int64(i), Values: vals}
	}
	return in, rows
}

// benchFunc feeds rows (cycling) to a bound call, reporting rows/s.
func benchFunc(b *testing.B, fn exec.TableFunc, in []exec.Column, rows []exec.Row, args ...value.Value) {
	inst, _, err := fn.Bind(in, args)
	if err != nil {
		b.Fatal(err)
	}
	emit := func(exec.Row) {}
	b.ReportAllocs()
	b.ResetTimer()
	t := int64(0)
	for i := range b.N {
		r := rows[i%len(rows)]
		t++
		r.Time = t
		if at, ok := inst.Next(); ok && at <= t {
			_ = inst.Advance(at, emit)
		}
		if err := inst.Row(r, emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRandomCutForest: the default forest (100 trees of 256) past its
// learning phase, over 1, 2 and 5 numeric columns, and shingles of 4.
func BenchmarkRandomCutForest(b *testing.B) {
	for _, c := range []struct {
		cols, shingle int
		explain       bool
	}{{1, 1, false}, {2, 1, false}, {5, 1, false}, {1, 4, false}, {2, 1, true}, {5, 1, true}} {
		name := fmt.Sprintf("cols=%d/shingle=%d", c.cols, c.shingle)
		if c.explain {
			name += "/explanation"
		}
		b.Run(name, func(b *testing.B) {
			in, rows := benchRows(20000, c.cols, 10)
			args := []value.Value{value.NewInteger(100), value.NewInteger(256), value.NewInteger(100000), value.NewInteger(int32(c.shingle))}
			if c.explain {
				args = append(args, value.NewBoolean(true))
			}
			benchFunc(b, rcf{seed: 1, explain: c.explain}, in, rows, args...)
		})
	}
}

// BenchmarkRandomCutForestLearning: the first 5,000 rows of a fresh forest,
// when every tree takes most points.
func BenchmarkRandomCutForestLearning(b *testing.B) {
	in, rows := benchRows(5000, 2, 10)
	b.ReportAllocs()
	for range b.N {
		inst, _, err := (rcf{seed: 1}).Bind(in, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows {
			_ = inst.Row(r, func(exec.Row) {})
		}
	}
	b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkHotspots: the guide's call (1000, 0.2, 17) on the guide's
// points, and a radius that puts most of the window in one hotspot.
func BenchmarkHotspots(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	in := []exec.Column{col("x", tDouble), col("y", tDouble)}
	rows := make([]exec.Row, 10000)
	var hx, hy float64
	for i := range rows {
		if i%1000 == 0 {
			hx, hy = rng.Float64()*9, rng.Float64()*9
		}
		x, y := rng.Float64()*10, rng.Float64()*10
		if rng.Float64() < 0.2 {
			x, y = hx+rng.Float64(), hy+rng.Float64()
		}
		rows[i] = exec.Row{Values: []value.Value{vd(x), vd(y)}}
	}
	for _, radius := range []float64{0.2, 3} {
		b.Run(fmt.Sprintf("radius=%v", radius), func(b *testing.B) {
			benchFunc(b, hotspots{}, in, rows, value.NewInteger(1000), value.NewDouble(radius), value.NewInteger(17))
		})
	}
}

// BenchmarkTopK: 1-minute windows of 60,000 rows over 100 and 100,000
// keys (the second past the exact limit).
func BenchmarkTopK(b *testing.B) {
	for _, keys := range []int{100, 100000} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			in, rows := benchRows(200000, 0, keys)
			benchFunc(b, topK{}, in, rows, value.NewChar("KEY"), value.NewInteger(5), value.NewInteger(60))
		})
	}
}

// BenchmarkCountDistinct: as BenchmarkTopK.
func BenchmarkCountDistinct(b *testing.B) {
	for _, keys := range []int{100, 100000} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			in, rows := benchRows(200000, 0, keys)
			benchFunc(b, countDistinct{}, in, rows, value.NewChar("KEY"), value.NewInteger(60))
		})
	}
}
