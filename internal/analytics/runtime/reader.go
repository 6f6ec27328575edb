package runtime

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"sluice/internal/storage"
	"sluice/internal/streams"
)

// position is where an input shard is read from: the counter of the next
// record (0: the oldest record the source keeps), or done once the shard
// is closed and every record of it was taken in.
type position struct {
	Next uint64 `json:"next,omitempty"`
	Done bool   `json:"done,omitempty"`
}

// batch is what the reader hands the application: records merged from
// every shard in arrival order, then, when the input is caught up, the
// time the application's clock may advance to (the heartbeat that closes
// windows on a quiet stream).
type batch struct {
	recs []inRecord
	// advance, when > 0, is a time no record still to come arrived
	// before: the application advances its clock to it after the records.
	advance int64
	// added are shards read for the first time, with the position they
	// are read from; ended are shards closed and taken in to their end.
	added []shardStart
	ended []uint32
	// behind is how far the last record is behind the newest one readable
	// (MillisBehindLatest), 0 when caught up.
	behind int64
}

type shardStart struct {
	shard uint32
	from  uint64
}

// reader reads an input's shards, children after their parents, merges
// their records by arrival time and hands them on in batches. See the
// package doc ("Input") for why the merge is exact.
type reader struct {
	f           feed
	heartbeat   time.Duration
	retry       time.Duration
	parallelism int
	pre         func(ctx context.Context, recs []inRecord) // nil without a preprocessor
	log         *slog.Logger
	metrics     *Metrics

	cursors map[uint32]*cursor
	order   []uint32 // shard indices in the order the source lists them
	seqw    streams.SeqNumWriter
	seqbuf  []byte
	lastErr string
}

type cursor struct {
	info    shardInfo
	next    uint64
	end     bool // read past its last record
	done    bool // end, and every record handed on
	known   bool // handed to the application (initial positions, or added)
	atTip   bool // the last read found nothing more
	shardID string
	// pending are the records read and not yet handed on, in counter
	// order, from pending[head]; pendingBytes is their data's size.
	pending      []inRecord
	head         int
	pendingBytes int
}

// queued returns the records read and not yet handed on.
func (c *cursor) queued() []inRecord { return c.pending[c.head:] }

// take hands on the first n queued records.
func (c *cursor) take(n int) []inRecord {
	out := c.pending[c.head : c.head+n]
	for i := range out {
		c.pendingBytes -= len(out[i].data)
	}
	c.head += n
	return out
}

// compact moves the queued records to the front of pending, before more
// are read into it, and drops the handed-on ones' references to their
// data. Without it a shard that always holds a record past the horizon
// (steady input) never empties, and pending grows with running time,
// keeping every record ever read alive.
func (c *cursor) compact() {
	if c.head == 0 {
		return
	}
	n := copy(c.pending, c.pending[c.head:])
	clear(c.pending[n:])
	c.pending, c.head = c.pending[:n], 0
}

func newReader(f feed, start map[uint32]position) *reader {
	r := &reader{f: f, cursors: map[uint32]*cursor{}}
	for shard, p := range start {
		r.cursors[shard] = &cursor{next: p.Next, done: p.Done, end: p.Done, known: true, shardID: streams.ShardID(shard)}
	}
	return r
}

// run reads until ctx ends, sending batches on out.
func (r *reader) run(ctx context.Context, out chan<- *batch) {
	for {
		records, changes, wait, err := r.step(ctx, out)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			r.fail(err)
			wait = r.retry
		} else if r.lastErr != "" {
			r.log.Info("reading the input again")
			r.lastErr = ""
		}
		if wait == 0 {
			continue
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-records:
		case <-changes:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// fail logs a read failure when it starts or changes.
func (r *reader) fail(err error) {
	r.metrics.InputErrors.Add(1)
	if msg := err.Error(); msg != r.lastErr {
		r.log.Warn("reading the input", "err", err)
		r.lastErr = msg
	}
}

// step reads what is new, hands on what can be, and says what to wait for
// next: the source's channels, and at most wait (0: go on at once).
func (r *reader) step(ctx context.Context, out chan<- *batch) (records, changes <-chan struct{}, wait time.Duration, err error) {
	// Watch first: every record that arrived up to the horizon is
	// readable now, and an append after this wakes the next wait.
	records, changes, last, horizon, err := r.f.watch()
	if err != nil {
		return nil, nil, 0, err
	}
	b := &batch{}
	if err := r.refresh(b); err != nil {
		return nil, nil, 0, err
	}
	full, err := r.readAll()
	if err != nil {
		return nil, nil, 0, err
	}
	// Records that arrived up to the horizon are all read now (see the
	// package doc); a shard read only part-way bounds it by its last
	// record read.
	for _, shard := range r.order {
		c := r.cursors[shard]
		if q := c.queued(); c.readable(r) && !c.atTip && len(q) > 0 {
			horizon = min(horizon, q[len(q)-1].arrival)
		}
	}
	b.recs = r.merge(horizon)
	// Caught up: every shard read to its tip, and every record up to the
	// horizon handed on (a batch holds at most batchMaxRecords), so that
	// the clock may advance to the horizon.
	caughtUp := !full
	held := int64(-1)
	for _, shard := range r.order {
		c := r.cursors[shard]
		if c.readable(r) && !c.atTip {
			caughtUp = false
		}
		if q := c.queued(); len(q) > 0 && (held < 0 || q[0].arrival < held) {
			held = q[0].arrival
		}
		if q := c.queued(); len(q) > 0 && q[0].arrival <= horizon {
			caughtUp = false
		}
		if c.end && !c.done && len(c.queued()) == 0 {
			c.done = true
			b.ended = append(b.ended, shard)
		}
	}
	if caughtUp {
		b.advance = horizon
	} else if n := len(b.recs); n > 0 {
		b.behind = max(0, last-b.recs[n-1].arrival)
	}
	if len(b.recs) > 0 && r.pre != nil {
		r.pre(ctx, b.recs)
		if err := ctx.Err(); err != nil {
			return nil, nil, 0, err // not all preprocessed: not handed on
		}
	}
	if len(b.recs) > 0 || len(b.added) > 0 || len(b.ended) > 0 || b.advance > 0 {
		select {
		case out <- b:
		case <-ctx.Done():
			return nil, nil, 0, ctx.Err()
		}
	}
	switch {
	case !caughtUp && len(b.recs) == 0:
		// Shards hold records past the horizon (an append in flight): its
		// end wakes the wait.
		return records, changes, time.Millisecond, nil
	case !caughtUp:
		return records, changes, 0, nil
	case held >= 0:
		// Records held past the horizon: an append still in flight, or
		// records of this very millisecond. The append's end wakes the
		// wait; the clock passes the millisecond soon.
		return records, changes, min(r.heartbeat, time.Duration(held-horizon)*time.Millisecond), nil
	default:
		return records, changes, r.heartbeat, nil
	}
}

// refresh takes in the source's current shards.
func (r *reader) refresh(b *batch) error {
	shards, err := r.f.shards()
	if err != nil {
		return err
	}
	r.order = r.order[:0]
	for _, info := range shards {
		r.order = append(r.order, info.index)
		c := r.cursors[info.index]
		if c == nil {
			// A shard born after the application started (a split or
			// merge) is read from its first record.
			c = &cursor{shardID: streams.ShardID(info.index)}
			r.cursors[info.index] = c
		}
		c.info = info
		if !c.known {
			c.known = true
			b.added = append(b.added, shardStart{shard: info.index, from: c.next})
		}
	}
	return nil
}

// readable reports whether c may be read: every parent the source still
// lists is read to its end.
func (c *cursor) readable(r *reader) bool {
	if c.done || c.end {
		return false
	}
	for _, p := range c.info.parents {
		if pc := r.cursors[p]; pc != nil && !pc.end && slices.Contains(r.order, p) {
			return false
		}
	}
	return true
}

// readAll reads every readable shard until it is at its tip or holds a
// batch's worth of records; full reports a shard that stopped for the
// latter.
func (r *reader) readAll() (full bool, err error) {
	for _, shard := range r.order {
		c := r.cursors[shard]
		c.compact()
		for c.readable(r) {
			room := batchMaxRecords - len(c.queued())
			if room <= 0 || c.pendingBytes >= pendingMaxBytes {
				full = true
				break
			}
			recs, next, end, err := r.f.read(shard, c.next, room)
			if err != nil {
				return full, err
			}
			for i := range recs {
				c.pending = append(c.pending, r.record(c, &recs[i]))
				c.pendingBytes += len(recs[i].Data)
			}
			c.next, c.end = next, end
			c.atTip = len(recs) == 0
			if c.atTip && !c.info.open {
				// The snapshot said closed before this read, so every
				// record of the shard was readable: there is no more
				// (records expired before they were read included).
				c.end = true
			}
			if len(recs) == 0 {
				break
			}
		}
	}
	return full, nil
}

// record makes an input record of a stored one.
func (r *reader) record(c *cursor, s *storage.StoredRecord) inRecord {
	in := inRecord{shard: c.info.index, counter: s.Seq, arrival: s.ArrivalMillis, pk: s.PartitionKey, data: s.Data}
	n := max(r.parallelism, 1)
	if r.f.kinesis() {
		in.stream = int(c.info.index % uint32(n))
		in.shardID = c.shardID
		r.seqbuf = r.seqw.Append(r.seqbuf[:0], streams.SeqNum{
			ShardCreated: c.info.created, ShardIndex: c.info.index, Counter: s.Seq, Arrival: s.ArrivalMillis / 1000,
		})
		in.seq = string(r.seqbuf)
	} else {
		// A delivery stream has one log shard: its records are dealt out
		// to the in-application streams in turn.
		in.stream = int((s.Seq - 1) % uint64(n))
	}
	return in
}

// merge takes out of the shards' pending records, in (arrival, shard,
// counter) order, those that arrived at or before horizon.
func (r *reader) merge(horizon int64) []inRecord {
	var out []inRecord
	for len(out) < batchMaxRecords {
		var best *cursor
		for _, shard := range r.order {
			c := r.cursors[shard]
			q := c.queued()
			if len(q) == 0 || q[0].arrival > horizon {
				continue
			}
			if best == nil || before(&q[0], &best.queued()[0]) {
				best = c
			}
		}
		if best == nil {
			break
		}
		// Take the run of best's records that come before every other
		// shard's head, all at once.
		q := best.queued()
		n := 1
		for n < len(q) && q[n].arrival <= horizon && r.first(best, &q[n]) {
			n++
		}
		out = append(out, best.take(min(n, batchMaxRecords-len(out)))...)
	}
	return out
}

// first reports whether rec, a pending record of c, comes before the head
// of every other shard.
func (r *reader) first(c *cursor, rec *inRecord) bool {
	for _, shard := range r.order {
		o := r.cursors[shard]
		if q := o.queued(); o != c && len(q) > 0 && before(&q[0], rec) {
			return false
		}
	}
	return true
}

// before orders records by arrival, then shard, then counter.
func before(a, b *inRecord) bool {
	if a.arrival != b.arrival {
		return a.arrival < b.arrival
	}
	if a.shard != b.shard {
		return a.shard < b.shard
	}
	return a.counter < b.counter
}
