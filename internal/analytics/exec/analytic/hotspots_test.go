package analytic

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

type hotspotsJSON struct {
	Hotspots []struct {
		Density   float64   `json:"density"`
		MinValues []float64 `json:"minValues"`
		MaxValues []float64 `json:"maxValues"`
	} `json:"hotspots"`
}

func TestHotspotsSmall(t *testing.T) {
	in := []exec.Column{col("x", tDouble), col("label", tVarchar), col("y", tInt)}
	r := bindT(t, hotspots{}, in, value.NewInteger(100), lit(t, "1.5"), value.NewInteger(3))
	if got := fmt.Sprint(r.cols); got != "[{x DOUBLE} {label VARCHAR(16)} {y INTEGER} {HOTSPOTS_RESULT VARCHAR(65534)}]" {
		t.Errorf("columns %s", got)
	}
	pt := func(tm int64, x float64, y int32) {
		r.row(tm, vd(x), vs("p"), value.NewInteger(y))
	}
	pt(1, 0, 0)
	pt(2, 1, 0)
	pt(3, 10, 10)
	last := func() string { rows := r.take(); return rows[len(rows)-1].Values[3].Str() }
	if got := last(); got != `{"hotspots":[]}` {
		t.Errorf("two close points and one far: %s", got)
	}
	pt(4, 1, 1)
	// (0,0), (1,0), (1,1) are within 1.5 of each other: one hotspot of 3
	// points in the box 0..1 × 0..1, of size (1+1.5)².
	if got, want := last(), `{"hotspots":[{"density":0.48,"minValues":[0.0,0.0],"maxValues":[1.0,1.0]}]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// A NULL row passes through with the hotspots as they are.
	r.row(5, value.Null(), vs("n"), value.NewInteger(0))
	rows := r.take()
	if len(rows) != 1 || !rows[0].Values[0].IsNull() || !strings.Contains(rows[0].Values[3].Str(), `"density":0.48`) {
		t.Errorf("NULL row: %s", fmtRows(rows))
	}
	// A second, denser hotspot comes first; (10,10) borders it.
	pt(6, 10, 11)
	pt(7, 10.5, 11)
	if got, want := last(), `{"hotspots":[{"density":0.6,"minValues":[10.0,10.0],"maxValues":[10.5,11.0]},{"density":0.48,"minValues":[0.0,0.0],"maxValues":[1.0,1.0]}]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if h, ok := r.inst.Held(); !ok || h != 1 {
		t.Errorf("Held %d %v, want the oldest point 1", h, ok)
	}
}

// TestHotspotsMatchesDBSCAN slides windows over random points with
// clusters and compares every row's result with DBSCAN run from scratch
// on the window.
func TestHotspotsMatchesDBSCAN(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		dim, window, minPts int
		radius              float64
	}{
		{2, 100, 5, 0.5}, {1, 100, 2, 0.05}, {3, 150, 8, 1.0}, {2, 100, 100, 3},
	} {
		in := make([]exec.Column, c.dim)
		for i := range in {
			in[i] = col(fmt.Sprint("C", i), tDouble)
		}
		r := bindT(t, hotspots{}, in, value.NewInteger(int32(c.window)), value.NewDouble(c.radius), value.NewInteger(int32(c.minPts)))
		var pts [][]float64
		for i := range 600 {
			p := make([]float64, c.dim)
			center := float64(i / 200 * 3) // the cluster moves
			for d := range p {
				if rng.IntN(3) == 0 {
					p[d] = center + rng.NormFloat64()*0.3
				} else {
					p[d] = rng.Float64() * 10
				}
			}
			// Equal points happen.
			if i%17 == 0 && len(pts) > 0 {
				p = append([]float64(nil), pts[len(pts)-1]...)
			}
			vals := make([]value.Value, c.dim)
			for d := range p {
				vals[d] = vd(p[d])
			}
			r.row(int64(i), vals...)
			pts = append(pts, p)
			win := pts[max(0, len(pts)-c.window):]
			got := r.take()[0].Values[c.dim].Str()
			want := referenceHotspots(win, c.radius, c.minPts)
			if got != want {
				t.Fatalf("%+v row %d:\ngot  %s\nwant %s", c, i, got, want)
			}
		}
	}
}

// referenceHotspots is DBSCAN by the book over a window, written as
// HOTSPOTS_RESULT.
func referenceHotspots(pts [][]float64, radius float64, minPts int) string {
	n := len(pts)
	near := func(a, b []float64) bool {
		var d float64
		for i := range a {
			d += (a[i] - b[i]) * (a[i] - b[i])
		}
		return d <= radius*radius
	}
	core := make([]bool, n)
	for i := range pts {
		c := 0
		for j := range pts {
			if near(pts[i], pts[j]) {
				c++
			}
		}
		core[i] = c >= minPts
	}
	label := make([]int, n)
	for i := range label {
		label[i] = -1
	}
	type spot struct {
		n        int
		lo, hi   []float64
		density  float64
		position int
	}
	var spots []*spot
	for i := range pts {
		if label[i] >= 0 || !core[i] {
			continue
		}
		s := &spot{lo: append([]float64(nil), pts[i]...), hi: append([]float64(nil), pts[i]...), position: len(spots)}
		spots = append(spots, s)
		join := func(j int) {
			label[j] = s.position
			s.n++
			for d, x := range pts[j] {
				s.lo[d], s.hi[d] = math.Min(s.lo[d], x), math.Max(s.hi[d], x)
			}
		}
		join(i)
		stack := []int{i}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for j := range pts {
				if j == c || label[j] >= 0 || !near(pts[c], pts[j]) {
					continue
				}
				join(j)
				if core[j] {
					stack = append(stack, j)
				}
			}
		}
	}
	for _, s := range spots {
		size := 1.0
		for d := range s.lo {
			size *= s.hi[d] - s.lo[d] + radius
		}
		s.density = float64(s.n) / size
	}
	sort.SliceStable(spots, func(i, j int) bool { return spots[i].density > spots[j].density })
	b := []byte(`{"hotspots":[`)
	nums := func(xs []float64) {
		for i, x := range xs {
			if i > 0 {
				b = append(b, ',')
			}
			b = value.NewDouble(x).AppendText(b)
		}
	}
	for i, s := range spots {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"density":`...)
		b = value.NewDouble(s.density).AppendText(b)
		b = append(b, `,"minValues":[`...)
		nums(s.lo)
		b = append(b, `],"maxValues":[`...)
		nums(s.hi)
		b = append(b, "]}"...)
	}
	return string(append(b, "]}"...))
}

// TestHotspotsGuide runs the guide's generator (a 10×10 field, a 1×1
// hotspot drawing 20% of the points, moving every 1,000 points) through
// the guide's call HOTSPOTS(..., 1000, 0.2, 17): once the window holds a
// hotspot's points, the densest hotspot reported lies on it.
func TestHotspotsGuide(t *testing.T) {
	in := []exec.Column{col("x", tDouble), col("y", tDouble), col("is_hot", value.Varchar(4))}
	r := bindT(t, hotspots{}, in, value.NewInteger(1000), value.NewDouble(0.2), value.NewInteger(17))
	rng := rand.New(rand.NewPCG(7, 8))
	var hx, hy float64
	for i := range 3000 {
		if i%1000 == 0 {
			hx, hy = rng.Float64()*9, rng.Float64()*9
		}
		x, y, hot := rng.Float64()*10, rng.Float64()*10, "N"
		if rng.Float64() < 0.2 {
			x, y, hot = hx+rng.Float64(), hy+rng.Float64(), "Y"
		}
		r.row(int64(i), vd(x), vd(y), vs(hot))
		if i%1000 != 999 {
			r.take()
			continue
		}
		var res hotspotsJSON
		rows := r.take()
		if err := json.Unmarshal([]byte(rows[0].Values[3].Str()), &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Hotspots) == 0 {
			t.Fatalf("row %d: no hotspot", i)
		}
		h := res.Hotspots[0]
		if h.MinValues[0] < hx-0.2 || h.MaxValues[0] > hx+1.2 || h.MinValues[1] < hy-0.2 || h.MaxValues[1] > hy+1.2 {
			t.Errorf("row %d: densest hotspot %+v, the hotspot is at %.2f,%.2f", i, h, hx, hy)
		}
		// The guide's viewer draws hotspots of density 40 and more.
		if h.Density < 40 {
			t.Errorf("row %d: density %v", i, h.Density)
		}
		for _, o := range res.Hotspots[1:] {
			if o.Density >= 40 {
				t.Errorf("row %d: a second hotspot of density %v: %+v", i, o.Density, o)
			}
		}
		t.Logf("row %d: %d hotspots, densest %+v (true %.2f,%.2f)", i, len(res.Hotspots), h, hx, hy)
	}
}

func TestHotspotsBindErrors(t *testing.T) {
	in := []exec.Column{col("X", tDouble), col("S", tVarchar)}
	i := func(x int64) value.Value { return value.NewBigInt(x) }
	d := func(x float64) value.Value { return value.NewDouble(x) }
	for _, c := range []struct {
		in   []exec.Column
		args []value.Value
		arg  int
		msg  string
	}{
		{in, []value.Value{i(99), d(1), i(2)}, 2, "windowSize is 99; it must be an integer from 100 to 1,000"},
		{in, []value.Value{i(1001), d(1), i(2)}, 2, "windowSize is 1001"},
		{in, []value.Value{i(100), d(0), i(2)}, 3, "scanRadius is 0.0; it must be a number greater than 0"},
		{in, []value.Value{i(100), value.NewVarchar("1"), i(2)}, 3, "scanRadius is '1'"},
		{in, []value.Value{i(100), d(1), i(1)}, 4, "minimumNumberOfPointsInAHotspot is 1; it must be an integer from 2 to 1,000"},
		{in, []value.Value{i(100), d(1), i(101)}, 4, "minimumNumberOfPointsInAHotspot is 101; it must be from 2 to windowSize (100)"},
		{in, []value.Value{i(100), d(1)}, 0, "needs its minimumNumberOfPointsInAHotspot argument"},
		{[]exec.Column{col("S", tVarchar)}, []value.Value{i(100), d(1), i(2)}, 1, "needs a numeric column in its CURSOR"},
		{[]exec.Column{col("D", value.Decimal(5, 2))}, []value.Value{i(100), d(1), i(2)}, 1, "DECIMAL is not supported: CAST it to DOUBLE"},
	} {
		_, _, err := (hotspots{}).Bind(c.in, c.args)
		var ae *exec.ArgError
		if !errors.As(err, &ae) || ae.Arg != c.arg || !strings.Contains(ae.Msg, c.msg) {
			t.Errorf("%v: got %v, want argument %d: %s", c.args, err, c.arg, c.msg)
		}
	}
	many := make([]exec.Column, 31)
	for k := range many {
		many[k] = col(fmt.Sprint("C", k), tDouble)
	}
	if _, _, err := (hotspots{}).Bind(many, []value.Value{i(100), d(1), i(2)}); err == nil || !strings.Contains(err.Error(), "at most 30 numeric columns") {
		t.Errorf("31 columns: %v", err)
	}
}
