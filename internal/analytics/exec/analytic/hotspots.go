package analytic

import (
	"fmt"
	"math"
	"sort"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// hotspotsSignature is HOTSPOTS's: windowSize 100 to 1000 records,
// scanRadius any double above zero, minimumNumberOfPointsInAHotspot from 2
// to the window size.
var hotspotsSignature = signature{
	name:  "HOTSPOTS",
	usage: "HOTSPOTS(CURSOR(SELECT STREAM ...), windowSize, scanRadius, minimumNumberOfPointsInAHotspot)",
	params: []param{
		{name: "windowSize", kind: paramInt, min: 100, max: 1000},
		{name: "scanRadius", kind: paramNumber, min: 0},
		{name: "minimumNumberOfPointsInAHotspot", kind: paramInt, min: 2, max: 1000},
	},
}

// hotspotsCross checks what one argument says about another.
func hotspotsCross(b bound) error {
	if b[0].IsNull() || b[2].IsNull() {
		return nil
	}
	if b.int(2) > b.int(0) {
		return &exec.ArgError{Arg: 4, Msg: fmt.Sprintf("minimumNumberOfPointsInAHotspot is %d; it must be from 2 to windowSize (%d)", b.int(2), b.int(0))}
	}
	return nil
}

// hotspotsResultType is the type of HOTSPOTS_RESULT: the longest VARCHAR,
// as the JSON's length depends on the data (the guide's stream declares
// VARCHAR(10000); a longer result inserted into it is an error_stream row).
var hotspotsResultType = value.Varchar(value.MaxStringLength)

// hotspots is HOTSPOTS(cursor, windowSize, scanRadius,
// minimumNumberOfPointsInAHotspot): for each row of the cursor, the row
// and HOTSPOTS_RESULT, the hotspots of the last windowSize rows (this one
// included) as JSON.
type hotspots struct{}

func (hotspots) Bind(in []exec.Column, args []value.Value) (exec.TableFuncInstance, []exec.Column, error) {
	b, err := hotspotsSignature.bind(args, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := hotspotsCross(b); err != nil {
		return nil, nil, err
	}
	cols, err := numericInput(in)
	if err != nil {
		return nil, nil, err
	}
	r := newHotspotsRun(cols, int(b.int(0)), b.num(1), int(b.int(2)), len(in))
	return r, passThrough(in, exec.Column{Name: "HOTSPOTS_RESULT", Type: hotspotsResultType}), nil
}

type hotspotsRun struct {
	cols  []int
	width int
	w     *hotspotWindow
	pt    []float64
	out   []value.Value
	json  []byte
}

func newHotspotsRun(cols []int, window int, radius float64, minPts, width int) *hotspotsRun {
	return &hotspotsRun{
		cols:  cols,
		width: width,
		w:     newHotspotWindow(len(cols), window, radius, minPts),
		pt:    make([]float64, len(cols)),
		out:   make([]value.Value, width+1),
	}
}

func (r *hotspotsRun) Row(row exec.Row, emit func(exec.Row)) error {
	if len(row.Values) != r.width {
		return fmt.Errorf("a row of %d values, not %d", len(row.Values), r.width)
	}
	// A row with a NULL in a numeric column is no point: it does not
	// enter the window, and comes out with the window's hotspots as they
	// are.
	if readPoint(r.pt, row.Values, r.cols) {
		r.w.add(r.pt, row.Time)
	}
	r.json = r.w.appendJSON(r.json[:0])
	copy(r.out, row.Values)
	r.out[r.width] = value.NewVarchar(string(r.json))
	emit(exec.Row{Time: row.Time, Values: r.out})
	return nil
}

func (r *hotspotsRun) Advance(int64, func(exec.Row)) error { return nil }

func (r *hotspotsRun) Next() (int64, bool) { return 0, false }

// Held is the oldest row in the window: a replay from it refills the
// window with the same rows.
func (r *hotspotsRun) Held() (int64, bool) { return r.w.oldest() }

// hotspotWindow is the last size points and, for each, the points within
// radius of it (Euclidean distance over the numeric columns), kept as
// points come and go so that each row costs a pass over the window, not
// a pass per pair.
//
// A hotspot is a cluster as DBSCAN (Ester, Kriegel, Sander and Xu, 1996)
// finds them with ε = scanRadius and minPts =
// minimumNumberOfPointsInAHotspot: a point with at least minPts points
// within radius, itself included, is a core point; core points within
// radius of each other are in one hotspot, with the points within radius
// of any of them. A point near two hotspots belongs to the one reached
// first, scanning from the oldest core point.
type hotspotWindow struct {
	dim    int
	size   int
	r2     float64 // radius squared
	radius float64
	minPts int

	seq    int64     // sequence number of the next point
	n      int       // points in the window: seqs seq-n .. seq-1
	coords []float64 // size*dim, slot = seq % size
	times  []int64   // slot's ROWTIME
	nbrs   [][]int64 // slot's neighbours' seqs, oldest first
	label  []int32   // slot's hotspot in the current scan, or -1
	queue  []int64   // scan queue
	spots  []hotspot // hotspots of the current scan
	bounds []float64 // per hotspot 2*dim: min values then max values
	order  []int     // hotspots by density
}

type hotspot struct {
	count   int
	density float64
}

func newHotspotWindow(dim, size int, radius float64, minPts int) *hotspotWindow {
	return &hotspotWindow{
		dim: dim, size: size, r2: radius * radius, radius: radius, minPts: minPts,
		coords: make([]float64, size*dim),
		times:  make([]int64, size),
		nbrs:   make([][]int64, size),
		label:  make([]int32, size),
	}
}

func (w *hotspotWindow) slot(seq int64) int { return int(seq % int64(w.size)) }

func (w *hotspotWindow) point(seq int64) []float64 {
	s := w.slot(seq) * w.dim
	return w.coords[s : s+w.dim]
}

func (w *hotspotWindow) oldest() (int64, bool) {
	if w.n == 0 {
		return 0, false
	}
	return w.times[w.slot(w.seq-int64(w.n))], true
}

// add puts a point into the window, evicting the oldest when it is full.
func (w *hotspotWindow) add(p []float64, t int64) {
	if w.n == w.size {
		w.evict()
	}
	seq := w.seq
	s := w.slot(seq)
	copy(w.point(seq), p)
	w.times[s] = t
	own := w.nbrs[s][:0]
	for o := seq - int64(w.n); o < seq; o++ {
		if w.dist2(w.point(o), p) <= w.r2 {
			own = append(own, o)
			w.nbrs[w.slot(o)] = append(w.nbrs[w.slot(o)], seq)
		}
	}
	w.nbrs[s] = own
	w.seq++
	w.n++
}

// evict removes the oldest point. Lists are in seq order, so it is the
// first entry of each of its neighbours' lists.
func (w *hotspotWindow) evict() {
	old := w.seq - int64(w.n)
	s := w.slot(old)
	for _, o := range w.nbrs[s] {
		l := w.nbrs[w.slot(o)]
		if len(l) > 0 && l[0] == old {
			w.nbrs[w.slot(o)] = l[1:]
			continue
		}
		for i, x := range l { // never expected: keep the lists right anyway
			if x == old {
				w.nbrs[w.slot(o)] = append(l[:i], l[i+1:]...)
				break
			}
		}
	}
	w.nbrs[s] = w.nbrs[s][:0]
	w.n--
}

func (w *hotspotWindow) dist2(a, b []float64) float64 {
	var d float64
	for i := range a {
		x := a[i] - b[i]
		d += x * x
	}
	return d
}

func (w *hotspotWindow) core(seq int64) bool { return len(w.nbrs[w.slot(seq)])+1 >= w.minPts }

// scan finds the window's hotspots.
func (w *hotspotWindow) scan() {
	w.spots = w.spots[:0]
	w.bounds = w.bounds[:0]
	first := w.seq - int64(w.n)
	for o := first; o < w.seq; o++ {
		w.label[w.slot(o)] = -1
	}
	labeled := 0
	for o := first; o < w.seq && labeled < w.n; o++ {
		if w.label[w.slot(o)] >= 0 || !w.core(o) {
			continue
		}
		id := int32(len(w.spots))
		w.spots = append(w.spots, hotspot{})
		w.bounds = append(w.bounds, w.point(o)...)
		w.bounds = append(w.bounds, w.point(o)...)
		w.queue = append(w.queue[:0], o)
		w.join(o, id)
		labeled++
		// Once every point has a hotspot, the rest of the scan would
		// find nothing new.
		for len(w.queue) > 0 && labeled < w.n {
			c := w.queue[len(w.queue)-1]
			w.queue = w.queue[:len(w.queue)-1]
			for _, nb := range w.nbrs[w.slot(c)] {
				if w.label[w.slot(nb)] >= 0 {
					continue
				}
				w.join(nb, id)
				labeled++
				if w.core(nb) {
					w.queue = append(w.queue, nb)
				}
			}
		}
	}
	for i := range w.spots {
		size := 1.0
		b := w.bounds[i*2*w.dim:]
		for d := range w.dim {
			size *= b[w.dim+d] - b[d] + w.radius
		}
		w.spots[i].density = float64(w.spots[i].count) / size
	}
}

// join puts a point into hotspot id.
func (w *hotspotWindow) join(seq int64, id int32) {
	w.label[w.slot(seq)] = id
	w.spots[id].count++
	b := w.bounds[int(id)*2*w.dim:]
	for d, x := range w.point(seq) {
		b[d] = math.Min(b[d], x)
		b[w.dim+d] = math.Max(b[w.dim+d], x)
	}
}

// appendJSON scans the window and writes HOTSPOTS_RESULT:
//
//	{"hotspots":[{"density":24.1,"minValues":[1.0,2.5],"maxValues":[1.2,2.7]}]}
//
// densest first; numbers as KDA's Java prints a DOUBLE.
func (w *hotspotWindow) appendJSON(b []byte) []byte {
	w.scan()
	w.order = w.order[:0]
	for i := range w.spots {
		w.order = append(w.order, i)
	}
	sort.SliceStable(w.order, func(i, j int) bool { return w.spots[w.order[i]].density > w.spots[w.order[j]].density })
	b = append(b, `{"hotspots":[`...)
	for n, i := range w.order {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"density":`...)
		b = w.appendNumber(b, w.spots[i].density)
		bounds := w.bounds[i*2*w.dim : (i+1)*2*w.dim]
		b = append(b, `,"minValues":[`...)
		b = w.appendNumbers(b, bounds[:w.dim])
		b = append(b, `],"maxValues":[`...)
		b = w.appendNumbers(b, bounds[w.dim:])
		b = append(b, "]}"...)
	}
	return append(b, "]}"...)
}

func (w *hotspotWindow) appendNumbers(b []byte, xs []float64) []byte {
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = w.appendNumber(b, x)
	}
	return b
}

// appendNumber writes a finite number as Java's Double.toString does (a
// density too large for a double is written as the largest one).
func (w *hotspotWindow) appendNumber(b []byte, x float64) []byte {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		x = math.MaxFloat64
	}
	return value.NewDouble(x).AppendText(b)
}
