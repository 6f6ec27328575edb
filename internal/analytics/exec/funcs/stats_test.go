package funcs

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveVar is KDA's documented formula, in exact-enough arithmetic for small
// integers.
func naiveVar(xs []float64, sample bool) float64 {
	var s1, s2 float64
	for _, x := range xs {
		s1 += x
		s2 += x * x
	}
	n := float64(len(xs))
	if sample {
		return (s2 - s1*s1/n) / (n - 1)
	}
	return (s2 - s1*s1/n) / n
}

func TestMoments(t *testing.T) {
	var m Moments
	if _, ok := m.VarPop(); ok {
		t.Error("VarPop of nothing is not NULL")
	}
	m.Add(4)
	if v, ok := m.VarPop(); !ok || v != 0 {
		t.Errorf("VarPop of one value = %v, %v", v, ok)
	}
	if _, ok := m.VarSamp(); ok {
		t.Error("VarSamp of one value is not NULL")
	}
	xs := []float64{4, 7, 13, 16}
	for _, x := range xs[1:] {
		m.Add(x)
	}
	vp, _ := m.VarPop()
	vs, _ := m.VarSamp()
	sp, _ := m.StddevPop()
	ss, _ := m.StddevSamp()
	mean, _ := m.Mean()
	if vp != naiveVar(xs, false) || vs != naiveVar(xs, true) || sp != math.Sqrt(22.5) || ss != math.Sqrt(30) || mean != 10 || m.Count() != 4 {
		t.Errorf("var_pop %v var_samp %v stddev %v %v mean %v", vp, vs, sp, ss, mean)
	}
	// Remove undoes Add.
	m.Remove(16)
	m.Remove(13)
	if v, _ := m.VarSamp(); math.Abs(v-4.5) > 1e-12 {
		t.Errorf("after removing, VarSamp = %v, want 4.5", v)
	}
	m.Remove(7)
	m.Remove(4)
	m.Remove(1) // nothing left: ignored
	if m != (Moments{}) {
		t.Errorf("emptied Moments = %+v", m)
	}
}

// TestMomentsStable checks the reason for Welford: values large and close
// together, where KDA's S2 - S1²/N formula loses every digit.
func TestMomentsStable(t *testing.T) {
	var m Moments
	xs := []float64{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}
	for _, x := range xs {
		m.Add(x)
	}
	if v, _ := m.VarSamp(); v != 30 {
		t.Errorf("VarSamp = %v, want 30 (the naive formula gives %v)", v, naiveVar(xs, true))
	}
}

// TestMomentsWindow slides a window over random prices, comparing the
// running Moments with one recomputed from the window, and checks Merge.
func TestMomentsWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var win []float64
	var run Moments
	for i := range 5000 {
		x := 10000 + r.Float64()*5
		win = append(win, x)
		run.Add(x)
		if len(win) > 50 {
			run.Remove(win[0])
			win = win[1:]
		}
		if i%97 != 0 {
			continue
		}
		var fresh, a, b Moments
		for k, y := range win {
			fresh.Add(y)
			if k%2 == 0 {
				a.Add(y)
			} else {
				b.Add(y)
			}
		}
		a.Merge(b)
		want, _ := fresh.VarSamp()
		got, _ := run.VarSamp()
		merged, _ := a.VarSamp()
		if math.Abs(got-want) > 1e-9*want || math.Abs(merged-want) > 1e-9*want {
			t.Fatalf("row %d: running %v, merged %v, fresh %v", i, got, merged, want)
		}
	}
	var e Moments
	e.Merge(Moments{})
	e.Merge(run)
	if e != run {
		t.Error("merging into an empty Moments")
	}
}
