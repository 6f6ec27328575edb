package analytic

import "math"

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

// windowSeconds is the windowSize parameter both tumbling functions take:
// "the size of the tumbling window in seconds ... at least 1 second and
// ... not exceed 1 hour = 3600 seconds".
var windowSeconds = param{name: "windowSize", kind: paramInt, min: 1, max: 3600}
