package analytic

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// The parameters of RANDOM_CUT_FOREST and RANDOM_CUT_FOREST_WITH_EXPLANATION,
// with the reference's ranges and defaults.
var (
	rcfTrees   = param{name: "numberOfTrees", kind: paramInt, min: 1, max: 1000, optional: true, def: value.NewBigInt(100)}
	rcfSample  = param{name: "subSampleSize", kind: paramInt, min: 10, max: 1000, optional: true, def: value.NewBigInt(256)}
	rcfDecay   = param{name: "timeDecay", kind: paramInt, min: 1, max: math.MaxInt32, optional: true, def: value.NewBigInt(100000)}
	rcfShingle = param{name: "shingleSize", kind: paramInt, min: 1, max: 30, optional: true, def: value.NewBigInt(1)}
	rcfDirect  = param{name: "withDirectionality", kind: paramBool, optional: true, def: value.NewBoolean(false)}

	rcfSignature = signature{
		name:   "RANDOM_CUT_FOREST",
		usage:  "RANDOM_CUT_FOREST(CURSOR(SELECT STREAM ...), numberOfTrees, subSampleSize, timeDecay, shingleSize)",
		params: []param{rcfTrees, rcfSample, rcfDecay, rcfShingle},
	}
	rcfExplainSignature = signature{
		name:   "RANDOM_CUT_FOREST_WITH_EXPLANATION",
		usage:  "RANDOM_CUT_FOREST_WITH_EXPLANATION(CURSOR(SELECT STREAM ...), numberOfTrees, subSampleSize, timeDecay, shingleSize, withDirectionality)",
		params: []param{rcfTrees, rcfSample, rcfDecay, rcfShingle, rcfDirect},
	}
)

// rcfCross checks that subSampleSize is less than timeDecay, as the
// reference requires.
func rcfCross(b bound) error {
	if b[1].IsNull() || b[2].IsNull() {
		return nil
	}
	if b.int(1) >= b.int(2) {
		return &exec.ArgError{Arg: 3, Msg: fmt.Sprintf("subSampleSize (%d) must be less than timeDecay (%d)", b.int(1), b.int(2))}
	}
	return nil
}

// explanationType is the type of ANOMALY_EXPLANATION: the longest VARCHAR
// (30 columns' JSON needs about 3,000 characters; the guide's stream
// declares VARCHAR(512) for two).
var explanationType = value.Varchar(value.MaxStringLength)

// rcf is RANDOM_CUT_FOREST, or with explain RANDOM_CUT_FOREST_WITH_EXPLANATION:
// for each row of the cursor, the row, its ANOMALY_SCORE DOUBLE and, with
// explain, its ANOMALY_EXPLANATION VARCHAR.
type rcf struct {
	seed    uint64
	explain bool
}

func (f rcf) Bind(in []exec.Column, args []value.Value) (exec.TableFuncInstance, []exec.Column, error) {
	sig := &rcfSignature
	if f.explain {
		sig = &rcfExplainSignature
	}
	b, err := sig.bind(args, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := rcfCross(b); err != nil {
		return nil, nil, err
	}
	cols, err := numericInput(in)
	if err != nil {
		return nil, nil, err
	}
	shingle := int(b.int(3))
	r := &rcfRun{
		explain: f.explain,
		cols:    cols,
		width:   len(in),
		shingle: shingle,
		ring:    make([]float64, shingle*len(cols)),
		times:   make([]int64, shingle),
		pt:      make([]float64, len(cols)),
		q:       make([]float64, shingle*len(cols)),
		forest:  newForest(shingle*len(cols), int(b.int(0)), int(b.int(1)), b.int(2), f.callSeed(in, b)),
	}
	out := passThrough(in, exec.Column{Name: "ANOMALY_SCORE", Type: value.Simple(value.KindDouble)})
	if f.explain {
		r.directional = b.flag(4)
		r.usual = make([]float64, len(cols))
		r.alpha = 1 / float64(b.int(1))
		for _, c := range cols {
			name, _ := json.Marshal(in[c].Name)
			r.names = append(r.names, name)
		}
		out = append(out, exec.Column{Name: "ANOMALY_EXPLANATION", Type: explanationType})
	}
	r.out = make([]value.Value, len(out))
	return r, out, nil
}

// callSeed is the seed of one call: the application's, mixed with what
// the call is (function, cursor columns, arguments), so that two calls in
// one application draw differently and a replay draws the same.
func (f rcf) callSeed(in []exec.Column, b bound) uint64 {
	var key []byte
	key = strconv.AppendBool(key, f.explain)
	for _, c := range in {
		key = append(key, c.Name...)
		key = append(key, 0)
		key = append(key, c.Type.String()...)
		key = append(key, 0)
	}
	for _, v := range b {
		key = value.AppendKey(key, v)
	}
	return mix64(f.seed ^ hash64(key))
}

type rcfRun struct {
	explain     bool
	directional bool
	cols        []int
	names       [][]byte // the numeric columns' names as JSON strings
	width       int      // columns of the cursor
	shingle     int
	ring        []float64 // the last shingle points, by row
	times       []int64   // their ROWTIMEs
	rows        int64     // points put in the ring
	pt, q       []float64
	forest      *forest
	out         []value.Value
	json        []byte
	usual       []float64 // per column, its mean attribution lately
	alpha       float64   // the weight of a row in usual: 1/subSampleSize
	seen        bool      // usual has a first value
}

func (r *rcfRun) Row(row exec.Row, emit func(exec.Row)) error {
	if len(row.Values) != r.width {
		return fmt.Errorf("a row of %d values, not %d", len(row.Values), r.width)
	}
	copy(r.out, row.Values)
	if !readPoint(r.pt, row.Values, r.cols) {
		// A NULL in a numeric column: no point to score or learn.
		r.out[r.width] = value.Null()
		if r.explain {
			r.out[r.width+1] = value.Null()
		}
		emit(exec.Row{Time: row.Time, Values: r.out})
		return nil
	}
	for i, x := range r.pt {
		r.pt[i] = math.Max(-maxCoordinate, math.Min(maxCoordinate, x))
	}
	n := len(r.cols)
	at := int(r.rows % int64(r.shingle))
	copy(r.ring[at*n:], r.pt)
	r.times[at] = row.Time
	r.rows++
	var score float64
	var attr []float64
	if r.rows >= int64(r.shingle) {
		// The shingle, oldest row first.
		oldest := int(r.rows % int64(r.shingle))
		for s := range r.shingle {
			k := (oldest + s) % r.shingle
			copy(r.q[s*n:(s+1)*n], r.ring[k*n:(k+1)*n])
		}
		if r.forest.ready() {
			if r.explain {
				score, attr = r.forest.explain(r.q)
			} else {
				score = r.forest.score(r.q)
			}
		}
		r.forest.update(r.q, r.times[oldest])
	}
	r.out[r.width] = value.NewDouble(score)
	if r.explain {
		r.json = r.appendExplanation(r.json[:0], attr)
		r.out[r.width+1] = value.NewVarchar(string(r.json))
	}
	emit(exec.Row{Time: row.Time, Values: r.out})
	return nil
}

// maxCoordinate bounds the values the forest sees, so that the spans of
// its boxes stay finite doubles.
const maxCoordinate = 1e300

// appendExplanation writes ANOMALY_EXPLANATION: per numeric column, its
// ATTRIBUTION_SCORE (its share of the score, over the shingle's rows) and,
// with directionality, DIRECTION and STRENGTH, in the guide's format:
//
//	{"Systolic":{"DIRECTION":"HIGH","STRENGTH":"0.8567","ATTRIBUTION_SCORE":"1.7447"},...}
//
// DIRECTION is HIGH when more of the column's attribution comes from its
// value being above the boxes of the points it is compared with than below
// them, else LOW. STRENGTH is that difference, HIGH side less LOW side,
// in units of the column's usual attribution: its mean over about the last
// subSampleSize scored rows (at least 1% of this row's, so STRENGTH is at
// most 100). While the forest learns (attr nil) every number is 0 and
// DIRECTION is LOW, as the reference says.
func (r *rcfRun) appendExplanation(b []byte, attr []float64) []byte {
	n, d := len(r.cols), r.forest.dim
	b = append(b, '{')
	for c, name := range r.names {
		var hi, lo float64
		if attr != nil {
			for s := range r.shingle {
				hi += attr[s*n+c]
				lo += attr[d+s*n+c]
			}
		}
		if c > 0 {
			b = append(b, ',')
		}
		b = append(b, name...)
		b = append(b, ":{"...)
		if r.directional {
			dir, strength := "LOW", 0.0
			if a := hi + lo; a > 0 {
				if hi > lo {
					dir = "HIGH"
				}
				if !r.seen {
					r.usual[c] = a
				}
				strength = math.Abs(hi-lo) / math.Max(r.usual[c], a/100)
				r.usual[c] += (a - r.usual[c]) * r.alpha
			}
			b = append(b, `"DIRECTION":"`...)
			b = append(b, dir...)
			b = append(b, `","STRENGTH":"`...)
			b = strconv.AppendFloat(b, strength, 'f', 4, 64)
			b = append(b, `",`...)
		}
		b = append(b, `"ATTRIBUTION_SCORE":"`...)
		b = strconv.AppendFloat(b, hi+lo, 'f', 4, 64)
		b = append(b, `"}`...)
	}
	if attr != nil {
		r.seen = true
	}
	return append(b, '}')
}

func (r *rcfRun) Advance(int64, func(exec.Row)) error { return nil }

func (r *rcfRun) Next() (int64, bool) { return 0, false }

// Held is the oldest row the forest's samples hold a point of, or the
// oldest row of the shingle being built: a replay from there feeds the
// forest every row it holds (it does not rebuild the same trees: see the
// package doc, Replay).
func (r *rcfRun) Held() (int64, bool) {
	t, ok := r.forest.held()
	if r.rows > 0 {
		filled := min(r.rows, int64(r.shingle))
		oldest := r.times[int((r.rows-filled)%int64(r.shingle))]
		if !ok || oldest < t {
			t, ok = oldest, true
		}
	}
	return t, ok
}
