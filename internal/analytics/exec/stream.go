package exec

import (
	"sluice/internal/analytics/value"
)

// tuple is a row inside the executor: its ROWTIME, its origin (the earliest
// source ROWTIME it was computed from, for LowWatermark), and its values in
// the layout of the stage that produced it.
type tuple struct {
	time   int64
	origin int64
	vals   []value.Value
}

// sink is a stage that takes rows, in non-decreasing time. A sink must not
// keep t or t.vals after push returns: producers reuse them.
type sink interface {
	push(t *tuple)
}

// deadline is when a timer wants to emit: once the clock reaches at, or,
// if strict, once it is past at (rows at exactly at may still change what
// it emits, as for an outer join's unmatched row).
type deadline struct {
	at     int64
	strict bool
}

// due reports whether the deadline has come when the clock is at clock.
func (d deadline) due(clock int64) bool { return d.at < clock || d.at == clock && !d.strict }

// timer is a stage that emits rows when time passes: a tumbling or stagger
// window closing, an ORDER BY buffer releasing, an outer join giving up.
type timer interface {
	// next is the earliest deadline of what the stage holds.
	next() (deadline, bool)
	// fire emits what is due at the earliest deadline (every item at that
	// time that is due at clock), and nothing later: the program fires
	// timers in deadline order so that rows leave in time order.
	fire(clock int64)
}

// stateful is a stage that holds rows from one call to the next.
type stateful interface {
	// held is the earliest origin among the rows whose effect on future
	// output the stage keeps; false when it keeps nothing.
	held() (int64, bool)
}

// streamNode is an in-application stream: it passes each row to the
// stages that read it, in the order the pumps were created, and keeps the
// rows of the current call for subscribers.
type streamNode struct {
	name      string
	cols      []Column
	names     []string // column names, for error rows
	visible   int      // how many of cols * expands to (not the system columns)
	notNull   []bool
	source    bool
	consumers []sink
	subs      []*subscription

	last    int64 // time of the last row inserted
	lastIn  int64 // a source's last pushed Time, before raising to the clock
	anyIn   bool
	pending []Row
	arena   []value.Value
	scratch []value.Value
	in      tuple // the row being pushed into a source
}

type subscription struct {
	fn func([]Row)
}

func newStreamNode(name string, cols []Column, visible int) *streamNode {
	s := &streamNode{name: name, cols: cols, visible: visible, notNull: make([]bool, len(cols))}
	for _, c := range cols {
		s.names = append(s.names, c.Name)
	}
	return s
}

func (s *streamNode) info() StreamInfo {
	return StreamInfo{Name: s.name, Columns: append([]Column(nil), s.cols...), Source: s.source}
}

// insert passes a row to the stream's readers and keeps it for its
// subscribers.
func (s *streamNode) insert(t *tuple) {
	if t.time > s.last {
		s.last = t.time
	}
	if len(s.subs) > 0 {
		start := len(s.arena)
		s.arena = append(s.arena, t.vals...)
		s.pending = append(s.pending, Row{Time: t.time, Values: s.arena[start:len(s.arena):len(s.arena)]})
	}
	for _, c := range s.consumers {
		c.push(t)
	}
}
