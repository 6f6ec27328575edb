package exec

import (
	"errors"
	"fmt"

	"sluice/internal/analytics/value"
)

// Program is a compiled application: its in-application streams and the
// pumps between them, ready to run. It is not safe for concurrent use: the
// runtime drives it from one goroutine, and nothing in it reads a clock.
type Program struct {
	streams    map[string]*streamNode
	streamList []*streamNode // in creation order: sources, created streams, error_stream
	errStream  *streamNode

	timers []timer    // operators that emit when time passes
	states []stateful // operators that hold rows (for LowWatermark)

	// clock is the engine's time: every row still to come has a ROWTIME
	// at or after it. now is the time of the row being computed (a pushed
	// row's, or a window's end while the window is emitted).
	clock, now int64
	started    bool
	start      int64 // the query start: CURRENT_TIMESTAMP and kin
	// replayLimit is Env.ReplayLimit.
	replayLimit int64

	inCall   bool // a Push/Advance/ReportError is running (subscribers must not reenter)
	errDepth int  // >0 while an error row is being inserted
	// Dropped counts error rows that could not be written because they
	// arose while another error row was being processed (a pump that reads
	// error_stream and fails on it), so that an error cannot feed itself.
	dropped int64

	// compiling is set while Compile computes a query over reference
	// tables: a row that fails then fails the compilation (compileErr).
	compiling  bool
	compileErr error
}

// ErrUnknownStream is returned for a stream name the program does not have,
// or a stream Push cannot feed (one the code creates).
var ErrUnknownStream = errors.New("exec: unknown stream")

// ErrReentrant is returned when a subscriber calls back into the Program.
var ErrReentrant = errors.New("exec: Program called from one of its own subscribers")

// StreamInfo describes an in-application stream.
type StreamInfo struct {
	Name    string
	Columns []Column // every column of a row, in order (sources: configured, then system)
	Source  bool     // fed by Push
}

// Streams lists the in-application streams: the sources, those the code
// creates, and error_stream.
func (p *Program) Streams() []StreamInfo {
	out := make([]StreamInfo, 0, len(p.streamList))
	for _, s := range p.streamList {
		out = append(out, s.info())
	}
	return out
}

// Stream describes one in-application stream.
func (p *Program) Stream(name string) (StreamInfo, bool) {
	s := p.streams[name]
	if s == nil {
		return StreamInfo{}, false
	}
	return s.info(), true
}

// Push feeds rows into a source stream. Rows must come in non-decreasing
// Time for the stream; one that goes back in time is written to
// error_stream and dropped, as is one with the wrong number of values or a
// value that does not convert to its column's type. A row whose Time is
// behind the program's clock (another source, or an Advance, went further)
// enters at the clock: ROWTIME is the time a row enters the application.
// Push copies what it keeps: rows and their Values may be reused after it
// returns. It returns an error only for a name that is not a source stream
// or when called from a subscriber.
func (p *Program) Push(stream string, rows []Row) error {
	s := p.streams[stream]
	if s == nil || !s.source {
		return fmt.Errorf("%w: %q is not a source stream", ErrUnknownStream, stream)
	}
	if p.inCall {
		return ErrReentrant
	}
	p.inCall = true
	defer func() { p.inCall = false }()
	for i := range rows {
		p.pushRow(s, &rows[i])
	}
	p.deliver()
	return nil
}

// Advance tells the program that the sources' clock reached now with no new
// row: windows whose end has passed close and emit, as AWS closes a quiet
// stream's windows. A time at or before the clock changes nothing.
func (p *Program) Advance(now int64) error {
	if p.inCall {
		return ErrReentrant
	}
	p.inCall = true
	defer func() { p.inCall = false }()
	p.advanceTo(now)
	p.deliver()
	return nil
}

// ReportError writes an error the runtime met (a record that does not
// parse, say) to error_stream, at the program's clock or the record's
// time, whichever is later.
func (p *Program) ReportError(e ErrorRecord) error {
	if p.inCall {
		return ErrReentrant
	}
	p.inCall = true
	defer func() { p.inCall = false }()
	p.advanceTo(e.Time)
	t := &tuple{time: p.now, origin: e.Time}
	vals := p.errorValues(e.Name, e.Message, e.Time, truncate(hexString(e.Data), maxDataRow), e.Stream)
	p.insertError(t, vals)
	p.deliver()
	return nil
}

// Subscribe calls fn with the rows of an in-application stream as they are
// made, in batches (one per Push, Advance or ReportError that made any). The
// rows and their values are valid only during the call; fn must not call
// the Program. cancel stops the calls.
func (p *Program) Subscribe(stream string, fn func(rows []Row)) (cancel func(), err error) {
	s := p.streams[stream]
	if s == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownStream, stream)
	}
	sub := &subscription{fn: fn}
	s.subs = append(s.subs, sub)
	return func() {
		for i, x := range s.subs {
			if x == sub {
				s.subs = append(s.subs[:i:i], s.subs[i+1:]...)
				return
			}
		}
	}, nil
}

// Clock returns the program's time: the latest row time or Advance seen.
func (p *Program) Clock() int64 { return p.clock }

// DroppedErrors counts error rows not written because they arose while an
// error row was being processed (see the package doc).
func (p *Program) DroppedErrors() int64 { return p.dropped }

// pushRow feeds one source row.
func (p *Program) pushRow(s *streamNode, r *Row) {
	switch {
	case s.anyIn && r.Time < s.lastIn:
		p.advanceTo(r.Time)
		p.raiseRow("", &condError{name: errNameOutOfOrder, state: "22000",
			msg: fmt.Sprintf("row at ROWTIME %s is earlier than the stream's previous row (%s); rows of a stream must be in ROWTIME order",
				fmtTime(r.Time), fmtTime(s.lastIn))}, s.names, &tuple{time: r.Time, origin: r.Time, vals: r.Values})
		return
	case len(r.Values) != len(s.cols):
		p.advanceTo(r.Time)
		p.raiseRow("", &condError{name: "SCHEMA_MISMATCH", state: "22000",
			msg: fmt.Sprintf("row of %s has %d values; the stream has %d columns", s.name, len(r.Values), len(s.cols))},
			s.names, &tuple{time: r.Time, origin: r.Time, vals: r.Values})
		return
	}
	vals, copied := r.Values, false
	for i := range vals {
		if k := vals[i].Kind(); k != value.KindNull && k != s.cols[i].Type.Kind {
			v, err := value.Cast(vals[i], s.cols[i].Type)
			if err != nil {
				p.advanceTo(r.Time)
				p.raiseRow("", &condError{name: "COERCION_ERROR", state: "22018",
					msg: fmt.Sprintf("column %s: %v", s.cols[i].Name, err)}, s.names, &tuple{time: r.Time, origin: r.Time, vals: r.Values})
				return
			}
			if !copied {
				vals = append(s.scratch[:0], r.Values...)
				s.scratch, copied = vals, true
			}
			vals[i] = v
		}
	}
	s.anyIn, s.lastIn = true, r.Time
	p.advanceTo(r.Time)
	// The stream's own tuple carries the row: a pointer to a local would
	// escape through the readers' interfaces, an allocation per row.
	t := &s.in
	t.time, t.origin, t.vals = p.clock, r.Time, vals
	p.now = t.time
	s.insert(t)
}

// advanceTo moves the clock to now, first emitting, in time order, every
// row that time passing makes due.
func (p *Program) advanceTo(now int64) {
	if !p.started {
		p.started = true
		p.clock, p.now = now, now
		if p.start == 0 {
			p.start = now
		}
	}
	if now < p.clock {
		return
	}
	for {
		var best timer
		var bd deadline
		for _, tm := range p.timers {
			d, ok := tm.next()
			if ok && d.due(now) && (best == nil || d.at < bd.at) {
				best, bd = tm, d
			}
		}
		if best == nil {
			break
		}
		if bd.at > p.now {
			p.now = bd.at
		}
		best.fire(now)
	}
	p.clock, p.now = now, now
}

// deliver hands each stream's new rows to its subscribers.
func (p *Program) deliver() {
	for _, s := range p.streamList {
		if len(s.pending) == 0 {
			continue
		}
		for _, sub := range s.subs {
			sub.fn(s.pending)
		}
		s.pending = s.pending[:0]
		s.arena = s.arena[:0]
	}
}

// raiseRow writes an error row for a failure on the row t (whose columns
// are named by names) in the given pump ("" for the input).
func (p *Program) raiseRow(pump string, err error, names []string, t *tuple) {
	if p.compiling {
		if p.compileErr == nil {
			p.compileErr = err
		}
		return
	}
	name, msg := describeError(err)
	vals := p.errorValues(name, msg, t.time, dataRow(names, t.vals), pump)
	p.insertError(&tuple{time: p.now, origin: t.origin}, vals)
}

// errorValues builds an error_stream row.
func (p *Program) errorValues(name, msg string, dataTime int64, data, pump string) []value.Value {
	vals := make([]value.Value, 7)
	vals[0] = value.NewTimestamp(p.now)
	vals[1] = value.NewVarchar(errorLevel)
	vals[2] = value.NewVarchar(truncate(name, maxErrorName))
	vals[3] = value.NewVarchar(truncate(msg, maxErrorMessage))
	vals[4] = value.NewTimestamp(dataTime)
	if data != "" {
		vals[5] = value.NewVarchar(data)
	}
	if pump != "" {
		vals[6] = value.NewVarchar(truncate(pump, maxPumpName))
	}
	return vals
}

// insertError inserts an error row, unless it arose while another one was
// being processed.
func (p *Program) insertError(t *tuple, vals []value.Value) {
	if p.errDepth > 0 {
		p.dropped++
		return
	}
	p.errDepth++
	t.vals = vals
	if t.time < p.errStream.last {
		t.time = p.errStream.last
	}
	p.errStream.insert(t)
	p.errDepth--
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&0xF]
	}
	return string(out)
}

// fmtTime prints a ROWTIME for a message.
func fmtTime(ms int64) string { return value.NewTimestamp(ms).String() }
