package analytic

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// checkTree verifies a tree's structure: links, masses, cuts that send
// each point to its side, cached boxes equal to their subtree's, and the
// leaves holding exactly the sampler's points.
func checkTree(t *testing.T, tr *rcfTree) {
	t.Helper()
	if tr.root == none {
		if len(tr.samples) != 0 {
			t.Fatalf("empty tree, %d samples", len(tr.samples))
		}
		return
	}
	var leaves [][]float64
	var walk func(n, parent int32) int32
	walk = func(n, parent int32) int32 {
		nd := tr.nodes[n]
		if nd.parent != parent {
			t.Fatalf("node %d: parent %d, want %d", n, nd.parent, parent)
		}
		if nd.dim < 0 {
			for range nd.mass {
				leaves = append(leaves, tr.store.point(nd.slot))
			}
			return nd.mass
		}
		m := walk(nd.left, n) + walk(nd.right, n)
		if m != nd.mass {
			t.Fatalf("node %d: mass %d, children %d", n, nd.mass, m)
		}
		lo, hi := make([]float64, tr.dim), make([]float64, tr.dim)
		for side, c := range []int32{nd.left, nd.right} {
			tr.boxOf(c, lo, hi)
			if side == 0 && hi[nd.dim] > nd.cut || side == 1 && lo[nd.dim] <= nd.cut {
				t.Fatalf("node %d: cut %d at %v, child %d box %v..%v", n, nd.dim, nd.cut, c, lo, hi)
			}
		}
		if tr.cache {
			saved := tr.cache
			tr.cache = false
			tr.boxOf(n, lo, hi)
			tr.cache = saved
			cl, ch := tr.box(n)
			if !slices.Equal(cl, lo) || !slices.Equal(ch, hi) {
				t.Fatalf("node %d: cached box %v..%v, points' %v..%v", n, cl, ch, lo, hi)
			}
		}
		return m
	}
	walk(tr.root, none)
	var sampled [][]float64
	for _, s := range tr.samples {
		sampled = append(sampled, tr.store.point(s.slot))
	}
	cmp := func(a, b []float64) int { return slices.Compare(a, b) }
	slices.SortFunc(leaves, cmp)
	slices.SortFunc(sampled, cmp)
	if len(leaves) != len(sampled) {
		t.Fatalf("%d points in the leaves, %d samples", len(leaves), len(sampled))
	}
	for i := range leaves {
		if !slices.Equal(leaves[i], sampled[i]) {
			t.Fatalf("leaves and samples differ at %d: %v, %v", i, leaves[i], sampled[i])
		}
	}
}

// TestForestInvariants runs a forest over points with many duplicates and
// a short time decay (so that points come and go all the time) and checks
// every tree, with and without the box cache, which must score alike.
func TestForestInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	cached := newForest(3, 5, 20, 60, 42)
	plain := newForest(3, 5, 20, 60, 42)
	for _, tr := range plain.trees {
		tr.cache = false
	}
	q := make([]float64, 3)
	for i := range 3000 {
		for d := range q {
			q[d] = float64(rng.IntN(4)) // many equal points
			if i%7 == 0 {
				q[d] = rng.NormFloat64() * 10
			}
		}
		if a, b := cached.score(q), plain.score(q); a != b {
			t.Fatalf("point %d: cached boxes score %v, computed %v", i, a, b)
		}
		sa, aa := cached.explain(q)
		sb, ab := plain.explain(q)
		if sa != sb || !slices.Equal(aa, ab) {
			t.Fatalf("point %d: explanations differ", i)
		}
		cached.update(q, int64(i))
		plain.update(q, int64(i))
		if i%97 == 0 || i > 2900 {
			for _, tr := range cached.trees {
				checkTree(t, tr)
				for _, s := range tr.samples {
					if s.seq <= int64(i)-60 {
						t.Fatalf("point %d: a sample of point %d, older than timeDecay", i, s.seq)
					}
					if tr.minSeq > s.seq {
						t.Fatalf("minSeq %d above a sample's %d", tr.minSeq, s.seq)
					}
				}
			}
		}
	}
	// The store holds only what the samples refer to.
	refs := 0
	for _, tr := range cached.trees {
		refs += len(tr.samples)
	}
	if n := cached.store.size(); n > refs {
		t.Errorf("%d points stored for %d samples", n, refs)
	}
}

// rcfStream runs a RANDOM_CUT_FOREST call over rows and returns the
// scores (and explanations).
func rcfStream(t *testing.T, fn exec.TableFunc, in []exec.Column, args []value.Value, rows [][]value.Value) ([]float64, []string) {
	t.Helper()
	r := bindT(t, fn, in, args...)
	var scores []float64
	var expl []string
	for i, vals := range rows {
		r.row(int64(i)*10, vals...)
		out := r.take()
		if len(out) != 1 {
			t.Fatalf("row %d: %d rows out", i, len(out))
		}
		v := out[0].Values[len(in)]
		if v.IsNull() {
			scores = append(scores, math.NaN())
		} else {
			scores = append(scores, v.Float64())
		}
		if len(out[0].Values) > len(in)+1 {
			expl = append(expl, out[0].Values[len(in)+1].Str())
		}
	}
	return scores, expl
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// TestRCFOutlier: the guide's heart rates (60 to 100, 1% from 150 to
// 200). The first 256 rows score 0; then normal rates settle near 1 and
// the high ones score several times that.
func TestRCFOutlier(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	in := []exec.Column{col("heartRate", tInt), col("rateType", value.Varchar(20))}
	var rows [][]value.Value
	var high []bool
	for i := range 5000 {
		rate, typ := 60+rng.IntN(41), "NORMAL"
		if i > 1000 && rng.Float64() < 0.01 {
			rate, typ = 150+rng.IntN(51), "HIGH"
		}
		rows = append(rows, []value.Value{value.NewInteger(int32(rate)), vs(typ)})
		high = append(high, typ == "HIGH")
	}
	scores, _ := rcfStream(t, rcf{seed: 1}, in, nil, rows)
	for i := range 256 {
		if scores[i] != 0 {
			t.Fatalf("row %d scores %v while the forest learns", i, scores[i])
		}
	}
	if scores[256] <= 0 {
		t.Errorf("row 257 scores %v", scores[256])
	}
	var early, late, outliers []float64
	for i, s := range scores {
		switch {
		case high[i]:
			outliers = append(outliers, s)
		case i >= 300 && i < 600:
			early = append(early, s)
		case i >= 4000:
			late = append(late, s)
		}
	}
	base := mean(late)
	t.Logf("normal rows: %.3f (rows 300-600), %.3f (rows 4000-5000); %d high rows: min %.3f mean %.3f",
		mean(early), base, len(outliers), slices.Min(outliers), mean(outliers))
	if base < 0.5 || base > 1.5 {
		t.Errorf("normal rows settle at %.3f, want about 1", base)
	}
	slices.Sort(late)
	p99 := late[len(late)*99/100]
	for _, s := range outliers[min(3, len(outliers)):] { // the first few are outliers to a forest that has seen none
		if s < 2.5*base || s < p99 {
			t.Errorf("a high rate scores %.3f: the baseline is %.3f, its 99th percentile %.3f", s, base, p99)
		}
	}
}

// TestRCFSettles: on a stationary stream, the spread of scores falls as
// the forest learns.
func TestRCFSettles(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	in := []exec.Column{col("X", tDouble), col("Y", tDouble)}
	var rows [][]value.Value
	for range 6000 {
		rows = append(rows, []value.Value{vd(rng.NormFloat64()), vd(rng.NormFloat64())})
	}
	scores, _ := rcfStream(t, rcf{seed: 2}, in, []value.Value{value.Null(), value.Null(), value.NewInteger(2000)}, rows)
	sd := func(xs []float64) float64 {
		m := mean(xs)
		var v float64
		for _, x := range xs {
			v += (x - m) * (x - m)
		}
		return math.Sqrt(v / float64(len(xs)))
	}
	first, last := scores[256:756], scores[5500:]
	t.Logf("rows 257-756: mean %.3f sd %.3f; rows 5501-6000: mean %.3f sd %.3f", mean(first), sd(first), mean(last), sd(last))
	if math.Abs(mean(last)-1) > 0.4 {
		t.Errorf("settled mean %.3f", mean(last))
	}
	if sd(last) > sd(first)*1.1 {
		t.Errorf("scores do not settle: sd %.3f then %.3f", sd(first), sd(last))
	}
}

// TestRCFExplanation: blood pressure as in the guide's example; an
// outlying diastolic value is attributed to Diastolic, HIGH; a low
// systolic one to Systolic, LOW; attributions add up to the score.
func TestRCFExplanation(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	in := []exec.Column{col("Systolic", tInt), col("Diastolic", tInt), col("BloodPressureLevel", value.Varchar(20))}
	var rows [][]value.Value
	bp := func(s, d int) []value.Value {
		return []value.Value{value.NewInteger(int32(s)), value.NewInteger(int32(d)), vs("NORMAL")}
	}
	for range 2000 {
		rows = append(rows, bp(90+rng.IntN(31), 60+rng.IntN(21)))
	}
	rows = append(rows, bp(105, 140), bp(40, 70), bp(170, 130))
	args := []value.Value{value.NewInteger(100), value.NewInteger(256), value.NewInteger(100000), value.NewInteger(1), value.NewBoolean(true)}
	scores, expl := rcfStream(t, rcf{seed: 3, explain: true}, in, args, rows)
	if expl[0] != `{"Systolic":{"DIRECTION":"LOW","STRENGTH":"0.0000","ATTRIBUTION_SCORE":"0.0000"},"Diastolic":{"DIRECTION":"LOW","STRENGTH":"0.0000","ATTRIBUTION_SCORE":"0.0000"}}` {
		t.Errorf("learning phase: %s", expl[0])
	}
	type attribution struct {
		Direction   string `json:"DIRECTION"`
		Strength    string `json:"STRENGTH"`
		Attribution string `json:"ATTRIBUTION_SCORE"`
	}
	parse := func(s string) map[string]attribution {
		var m map[string]attribution
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return m
	}
	num := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for i := 300; i < len(rows); i++ {
		m := parse(expl[i])
		sum := num(m["Systolic"].Attribution) + num(m["Diastolic"].Attribution)
		if math.Abs(sum-scores[i]) > 0.0002 {
			t.Fatalf("row %d: attributions add up to %.4f, the score is %.6f", i, sum, scores[i])
		}
	}
	n := len(rows)
	base := mean(scores[1500:2000])
	for _, c := range []struct {
		row       int
		col, side string
	}{{n - 3, "Diastolic", "HIGH"}, {n - 2, "Systolic", "LOW"}} {
		m := parse(expl[c.row])
		other := "Systolic"
		if c.col == other {
			other = "Diastolic"
		}
		t.Logf("row %d: score %.3f (baseline %.3f): %s", c.row, scores[c.row], base, expl[c.row])
		if scores[c.row] < 3*base {
			t.Errorf("row %d: score %.3f, baseline %.3f", c.row, scores[c.row], base)
		}
		if a, b := num(m[c.col].Attribution), num(m[other].Attribution); a < 3*b {
			t.Errorf("row %d: %s's attribution %.4f, %s's %.4f", c.row, c.col, a, other, b)
		}
		if m[c.col].Direction != c.side || num(m[c.col].Strength) < 1 {
			t.Errorf("row %d: %s is %s with strength %s, want %s", c.row, c.col, m[c.col].Direction, m[c.col].Strength, c.side)
		}
	}
	// Both high: both HIGH.
	m := parse(expl[n-1])
	t.Logf("row %d: score %.3f: %s", n-1, scores[n-1], expl[n-1])
	if m["Systolic"].Direction != "HIGH" || m["Diastolic"].Direction != "HIGH" {
		t.Errorf("both high: %s", expl[n-1])
	}
	// Without directionality, only the attribution.
	_, plain := rcfStream(t, rcf{seed: 3, explain: true}, in, args[:4], rows[:300])
	if !strings.HasPrefix(plain[299], `{"Systolic":{"ATTRIBUTION_SCORE":"`) || strings.Contains(plain[299], "DIRECTION") {
		t.Errorf("without directionality: %s", plain[299])
	}
}

// TestRCFShingle: the reference's sine wave with a dip, shingles of 4: the
// dip's start and end score far above the wave.
func TestRCFShingle(t *testing.T) {
	in := []exec.Column{col("V", tDouble)}
	var rows [][]value.Value
	for i := range 3000 {
		v := 100 + 50*math.Sin(2*math.Pi*float64(i)/50)
		if i >= 2500 && i < 2520 {
			v = 20
		}
		rows = append(rows, []value.Value{vd(v)})
	}
	scores, _ := rcfStream(t, rcf{seed: 4}, in, []value.Value{value.NewInteger(100), value.NewInteger(256), value.NewInteger(100000), value.NewInteger(4)}, rows)
	for i := range 256 + 3 {
		if scores[i] != 0 {
			t.Fatalf("row %d scores %v while the shingles fill and the forest learns", i, scores[i])
		}
	}
	base := mean(scores[2000:2500])
	peak := slices.Max(scores[2500:2504])
	t.Logf("wave %.3f, dip start %.3f", base, peak)
	if peak < 3*base {
		t.Errorf("the dip scores %.3f, the wave %.3f", peak, base)
	}
}

func TestRCFDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	in := []exec.Column{col("X", tDouble)}
	var rows [][]value.Value
	for range 600 {
		rows = append(rows, []value.Value{vd(rng.NormFloat64())})
	}
	rows[400] = []value.Value{value.Null()}
	args := []value.Value{value.NewInteger(20), value.NewInteger(64)}
	a, _ := rcfStream(t, rcf{seed: 5}, in, args, rows)
	b, _ := rcfStream(t, rcf{seed: 5}, in, args, rows)
	c, _ := rcfStream(t, rcf{seed: 6}, in, args, rows)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("one seed, two answers")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("two seeds, one answer")
	}
	if !math.IsNaN(a[400]) {
		t.Errorf("a row with a NULL scores %v, want NULL", a[400])
	}
}

// TestRCFHeld: the forest holds the rows its samples came from, no older
// than timeDecay points.
func TestRCFHeld(t *testing.T) {
	in := []exec.Column{col("X", tDouble)}
	r := bindT(t, rcf{seed: 7}, in, value.NewInteger(10), value.NewInteger(10), value.NewInteger(50), value.NewInteger(3))
	if _, ok := r.inst.Held(); ok {
		t.Error("Held before any row")
	}
	r.row(1000, vd(1))
	if h, ok := r.inst.Held(); !ok || h != 1000 {
		t.Errorf("Held %d %v: the shingle's first row", h, ok)
	}
	for i := 1; i < 1000; i++ {
		r.row(1000+int64(i), vd(float64(i%13)))
		h, ok := r.inst.Held()
		// The newest point's shingle starts 2 rows back; no sample is
		// older than 50 points (each point's time is its shingle's first
		// row's).
		if !ok || h > max(1000, 1000+int64(i)-2) || i > 60 && h < 1000+int64(i)-2-50 {
			t.Fatalf("row %d: Held %d %v", i, h, ok)
		}
	}
	if _, ok := r.inst.Next(); ok {
		t.Error("a deadline")
	}
}

func TestRCFBindErrors(t *testing.T) {
	in := []exec.Column{col("X", tDouble), col("S", tVarchar)}
	i := func(x int64) value.Value { return value.NewBigInt(x) }
	for _, c := range []struct {
		explain bool
		in      []exec.Column
		args    []value.Value
		arg     int
		msg     string
	}{
		{false, in, []value.Value{i(0)}, 2, "numberOfTrees is 0; it must be an integer from 1 to 1,000 (NULL for the default, 100)"},
		{false, in, []value.Value{i(1001)}, 2, "numberOfTrees is 1001"},
		{false, in, []value.Value{i(10), i(9)}, 3, "subSampleSize is 9; it must be an integer from 10 to 1,000 (NULL for the default, 256)"},
		{false, in, []value.Value{i(10), i(1001)}, 3, "subSampleSize is 1001"},
		{false, in, []value.Value{i(10), i(10), i(0)}, 4, "timeDecay is 0; it must be an integer from 1 to 2,147,483,647 (NULL for the default, 100000)"},
		{false, in, []value.Value{i(10), i(10), i(math.MaxInt32 + 1)}, 4, "timeDecay is 2147483648"},
		{false, in, []value.Value{i(10), i(100), i(100)}, 3, "subSampleSize (100) must be less than timeDecay (100)"},
		{false, in, []value.Value{i(10), i(10), i(20), i(31)}, 5, "shingleSize is 31; it must be an integer from 1 to 30"},
		{false, in, []value.Value{i(10), i(10), i(20), i(1), value.NewBoolean(true)}, 6, "takes at most 4 arguments after its CURSOR"},
		{true, in, []value.Value{i(10), i(10), i(20), i(1), i(1)}, 6, "withDirectionality is 1; it must be TRUE or FALSE (NULL for the default, FALSE)"},
		{true, in, []value.Value{lit(t, "2.5")}, 2, "numberOfTrees is 2.5"},
		{false, []exec.Column{col("S", tVarchar)}, nil, 1, "needs a numeric column"},
	} {
		_, _, err := (rcf{explain: c.explain}).Bind(c.in, c.args)
		var ae *exec.ArgError
		if !errors.As(err, &ae) || ae.Arg != c.arg || !strings.Contains(ae.Msg, c.msg) {
			t.Errorf("%v: got %v, want argument %d: %s", c.args, err, c.arg, c.msg)
		}
	}
	// NULL is the default; so is an omitted argument; a DECIMAL with an
	// integral value is an integer.
	for _, args := range [][]value.Value{nil, {value.Null(), value.Null(), value.Null(), value.Null()}, {lit(t, "100.0"), i(256)}} {
		inst, cols, err := (rcf{}).Bind(in, args)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		f := inst.(*rcfRun).forest
		if len(f.trees) != 100 || f.capacity != 256 || f.decay != 100000 || f.dim != 1 || fmt.Sprint(cols[2]) != "{ANOMALY_SCORE DOUBLE}" {
			t.Errorf("%v: %d trees of %d, decay %d, dim %d, %v", args, len(f.trees), f.capacity, f.decay, f.dim, cols)
		}
	}
}
