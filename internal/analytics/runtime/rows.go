package runtime

import (
	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// process takes one batch in: each record gets its ROWTIME, is noted in
// its shard's index, and becomes rows of its in-application stream (or
// error_stream rows); consecutive rows of one stream are pushed together.
// Then the clock advances to the batch's heartbeat.
func (ap *app) process(b *batch) {
	for _, s := range b.added {
		if ap.index[s.shard] == nil {
			ap.index[s.shard] = newShardIndex(position{Next: s.from})
		}
	}
	bytes := 0
	for i := range b.recs {
		rec := &b.recs[i]
		// ROWTIME is the arrival time, never before the clock: the reader
		// hands records on in arrival order up to horizons no later record
		// can come before, so a record is moved only if the clock went
		// back (see the package doc, Time).
		rec.rowtime = max(rec.arrival, ap.clock)
		ap.clock = rec.rowtime
		ap.reportStart(rec.rowtime)
		if x := ap.index[rec.shard]; x != nil {
			x.note(rec.rowtime, rec.counter)
		}
		bytes += len(rec.data)
		ap.take(rec)
	}
	ap.flush()
	if b.advance > ap.clock {
		ap.reportStart(b.advance)
		ap.curR = ap.lowWatermark(b.advance)
		ap.prog.Advance(b.advance)
		ap.clock = b.advance
	}
	for _, shard := range b.ended {
		if x := ap.index[shard]; x != nil {
			x.ended = true
		}
	}
	ap.metrics.InputRecords.Add(int64(len(b.recs)))
	ap.metrics.InputBytes.Add(int64(bytes))
	ap.metrics.MillisBehind.Store(b.behind)
}

// take turns one record into rows (gathered until flush) and errors
// (reported at once, after the rows gathered before them).
func (ap *app) take(rec *inRecord) {
	stream := ap.names[rec.stream]
	if rec.dropped {
		if rec.failed != "" {
			ap.flush()
			ap.report(exec.ErrorRecord{Time: rec.rowtime, Name: ErrorPreprocessingFailed, Message: rec.failed, Data: rec.data, Stream: stream})
		}
		return
	}
	vals, errs := ap.parser.Parse(ap.vals[:0], rec.data)
	ap.vals = vals
	if n := ap.ncols; n > 0 && len(vals) >= n {
		if ap.run != rec.stream {
			ap.flush()
			ap.run = rec.stream
		}
		for i := 0; i+n <= len(vals); i += n {
			ap.offs = append(ap.offs, len(ap.flat))
			ap.times = append(ap.times, rec.rowtime)
			ap.flat = append(ap.flat, vals[i:i+n]...)
			ap.flat = ap.appendSystem(ap.flat, rec)
		}
	}
	if len(errs) > 0 {
		ap.flush()
		for _, e := range errs {
			ap.report(exec.ErrorRecord{Time: rec.rowtime, Name: e.Name, Message: e.Message, Data: e.Data, Stream: stream})
		}
	}
}

// appendSystem appends a record's system columns, in the order of
// exec.KinesisSystemColumns or exec.FirehoseSystemColumns.
func (ap *app) appendSystem(dst []value.Value, rec *inRecord) []value.Value {
	dst = append(dst, value.NewTimestamp(rec.arrival))
	if ap.kinesis {
		dst = append(dst, value.NewVarchar(rec.pk), value.NewVarchar(rec.seq), value.NewVarchar(rec.shardID))
	}
	return dst
}

// flush pushes the rows gathered.
func (ap *app) flush() {
	if len(ap.offs) == 0 {
		return
	}
	width := len(ap.flat) / len(ap.offs)
	ap.rows = ap.rows[:0]
	for i, off := range ap.offs {
		ap.rows = append(ap.rows, exec.Row{Time: ap.times[i], Values: ap.flat[off : off+width : off+width]})
	}
	ap.curR = ap.lowWatermark(ap.rows[0].Time)
	ap.prog.Push(ap.names[ap.run], ap.rows)
	ap.metrics.InputRows.Add(int64(len(ap.rows)))
	clear(ap.flat) // drop references to the batch's memory
	ap.flat, ap.offs, ap.times = ap.flat[:0], ap.offs[:0], ap.times[:0]
	clear(ap.rows)
	ap.run = -1
}

// reportStart reports the errors met as the application started, at t.
func (ap *app) reportStart(t int64) {
	for _, e := range ap.startErrors {
		e.Time = t
		ap.report(e)
	}
	ap.startErrors = nil
}

// report writes an error of the input to error_stream.
func (ap *app) report(e exec.ErrorRecord) {
	ap.curR = ap.lowWatermark(e.Time)
	ap.prog.ReportError(e)
}

// lowWatermark is the replay point of a program call about to be made
// with rows from t on: the earliest ROWTIME a row it makes can depend on
// (before the first call, the program holds nothing).
func (ap *app) lowWatermark(t int64) int64 {
	if !ap.called {
		ap.called = true
		return t
	}
	return min(ap.prog.LowWatermark(), t)
}
