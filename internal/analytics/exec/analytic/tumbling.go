package analytic

import (
	"fmt"
	"math"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// tumbling is the window of TOP_K_ITEMS_TUMBLING and
// COUNT_DISTINCT_ITEMS_TUMBLING: windows of a fixed number of seconds of
// ROWTIME, aligned to the epoch as STEP's are, the first opened by the
// first row. A window closes, and its rows come out with its end as their
// ROWTIME, when time reaches its end: a later row, or the executor's
// Advance when the stream is quiet. A span with no row has no window and
// emits nothing.
type tumbling struct {
	width int64 // milliseconds
	open  bool
	start int64
	first int64 // the window's first row, for Held
}

// end is the open window's end (exclusive), saturating at the end of time.
func (w *tumbling) end() int64 {
	if w.start > math.MaxInt64-w.width {
		return math.MaxInt64
	}
	return w.start + w.width
}

// due reports whether the open window has ended by now.
func (w *tumbling) due(now int64) bool { return w.open && now >= w.end() }

// begin opens the window that holds a row at t.
func (w *tumbling) begin(t int64) {
	q := t / w.width
	if t%w.width < 0 {
		q--
	}
	w.start, w.first, w.open = q*w.width, t, true
}

func (w *tumbling) next() (int64, bool) { return w.end(), w.open }

func (w *tumbling) held() (int64, bool) { return w.first, w.open }

// tumblingColumn is what the two tumbling functions' runs share: a
// column whose values they count in tumbling windows, and the key of the
// value in hand.
type tumblingColumn struct {
	col int
	win tumbling
	key []byte
}

// A windowFlusher emits its open window's rows and closes it.
type windowFlusher interface{ flush(emit func(exec.Row)) }

// enter takes a row: the window it ends is flushed by f, one is opened for
// it if none is, and its column's value is returned, its key in t.key
// unless it is NULL (which neither function counts).
func (t *tumblingColumn) enter(f windowFlusher, row exec.Row, emit func(exec.Row)) (value.Value, error) {
	if t.win.due(row.Time) {
		f.flush(emit)
	}
	if !t.win.open {
		t.win.begin(row.Time)
	}
	if t.col >= len(row.Values) {
		return value.Value{}, fmt.Errorf("a row of %d values has no column %d", len(row.Values), t.col+1)
	}
	v := row.Values[t.col]
	if !v.IsNull() {
		t.key = value.AppendKey(t.key[:0], v)
	}
	return v, nil
}

// advance flushes, by f, the window that ends by now.
func (t *tumblingColumn) advance(f windowFlusher, now int64, emit func(exec.Row)) {
	if t.win.due(now) {
		f.flush(emit)
	}
}

func (t *tumblingColumn) Next() (int64, bool) { return t.win.next() }

func (t *tumblingColumn) Held() (int64, bool) { return t.win.held() }

// windowSeconds is the windowSize parameter both tumbling functions take:
// "the size of the tumbling window in seconds ... at least 1 second and
// ... not exceed 1 hour = 3600 seconds".
var windowSeconds = param{name: "windowSize", kind: paramInt, min: 1, max: 3600}
