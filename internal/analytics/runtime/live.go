package runtime

import (
	"sync"

	"sluice/internal/analytics/value"
)

// LiveStream is the recent rows of one in-application stream, for the
// console's live view: ROWTIME and the stream's columns, each row's values
// as text (as KDA's CAST to VARCHAR prints them; nil for NULL), oldest
// first.
type LiveStream struct {
	Name string
	// Kind is LiveSource (an input stream), LiveStreamKind (a stream the
	// code creates) or LiveError (error_stream).
	Kind    string
	Columns []string // "ROWTIME" first
	Rows    [][]*string
	// Total counts the rows the stream has had since the application
	// started.
	Total int64
}

// The kinds of in-application streams.
const (
	LiveSource     = "source"
	LiveStreamKind = "stream"
	LiveError      = "error"
)

// DefaultLiveRows is how many recent rows of each stream the live view
// keeps.
const DefaultLiveRows = 100

// ring keeps the last rows of one stream. The application's goroutine
// adds rows; the console reads them from its own.
type ring struct {
	name string
	kind string
	cols []string

	mu    sync.Mutex
	rows  [][]*string // ring of cap(rows) once full
	next  int         // where the next row goes once full
	max   int
	total int64
}

func newRing(name, kind string, cols []string, max int) *ring {
	return &ring{name: name, kind: kind, cols: append([]string{"ROWTIME"}, cols...), max: max}
}

// add keeps a row (ROWTIME t, its values). Values are printed now: the
// executor reuses their memory.
func (r *ring) add(t int64, vals []value.Value) {
	row := make([]*string, 1+len(vals))
	ts := value.NewTimestamp(t).String()
	row[0] = &ts
	for i, v := range vals {
		if v.Kind() == value.KindNull {
			continue
		}
		s := string(v.AppendText(nil))
		row[i+1] = &s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.rows) < r.max {
		r.rows = append(r.rows, row)
	} else {
		r.rows[r.next] = row
		r.next = (r.next + 1) % r.max
	}
}

// count adds n rows to the total (rows not kept count too).
func (r *ring) count(n int) {
	r.mu.Lock()
	r.total += int64(n)
	r.mu.Unlock()
}

// snapshot copies the ring, oldest row first.
func (r *ring) snapshot() LiveStream {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := LiveStream{Name: r.name, Kind: r.kind, Columns: r.cols, Total: r.total, Rows: make([][]*string, 0, len(r.rows))}
	out.Rows = append(out.Rows, r.rows[r.next:]...)
	out.Rows = append(out.Rows, r.rows[:r.next]...)
	return out
}
