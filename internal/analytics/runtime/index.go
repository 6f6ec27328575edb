package runtime

import "sort"

// shardIndex maps ROWTIMEs to input positions for one shard: where to
// replay the shard from so that every record with a ROWTIME at or after a
// time is read again. A record's ROWTIME never goes back along a shard
// (the reader merges shards in arrival order and ROWTIME only rises), so
// the map is a sorted list of the points where ROWTIME rises: entry (t, c)
// says that record c is the shard's first with a ROWTIME of t or more.
// Entries before the replay point are trimmed at each commit; past
// maxIndexEntries every other one is dropped, which can only make a replay
// start a little earlier (more records read again, never fewer).
type shardIndex struct {
	// start is where this run started reading the shard (0: its oldest
	// record), startDone that it was finished already.
	start     uint64
	startDone bool
	entries   []indexEntry
	// floor is where to replay from for a time before every entry: start,
	// until entries are trimmed.
	floor uint64
	// next is the counter after the last record taken in (0: none yet);
	// ended is set once the shard is closed and taken in to its end.
	next  uint64
	ended bool
}

type indexEntry struct {
	t int64
	c uint64
	// gap: entries between this one and the one before were dropped, so
	// records before c may have ROWTIMEs between the two.
	gap bool
}

// maxIndexEntries bounds an index (16 bytes an entry).
const maxIndexEntries = 4096

func newShardIndex(p position) *shardIndex {
	return &shardIndex{start: p.Next, startDone: p.Done, floor: p.Next, ended: p.Done}
}

// note records that the record counter was taken in at rowtime.
func (x *shardIndex) note(rowtime int64, counter uint64) {
	if n := len(x.entries); n == 0 || rowtime > x.entries[n-1].t {
		if n >= maxIndexEntries {
			x.coarsen()
		}
		x.entries = append(x.entries, indexEntry{t: rowtime, c: counter})
	}
	x.next = counter + 1
}

// coarsen drops every other entry, keeping the first and the last.
func (x *shardIndex) coarsen() {
	out := x.entries[:1]
	for i := 2; i < len(x.entries)-1; i += 2 {
		e := x.entries[i]
		e.gap = true
		out = append(out, e)
	}
	if last := x.entries[len(x.entries)-1]; out[len(out)-1] != last {
		last.gap = true
		out = append(out, last)
	}
	x.entries = out
}

// position is where to replay the shard from so that every record with a
// ROWTIME of r or more is read again.
func (x *shardIndex) position(r int64) position {
	if x.startDone {
		return position{Done: true}
	}
	k := sort.Search(len(x.entries), func(i int) bool { return x.entries[i].t >= r })
	switch {
	case len(x.entries) == 0:
		// Nothing taken in during this run: where it started, finished if
		// the shard ended with no record.
		return position{Next: x.start, Done: x.ended}
	case k == len(x.entries):
		// Every record taken in is before r.
		return position{Next: x.next, Done: x.ended}
	case k == 0:
		return position{Next: x.floor}
	case x.entries[k].t == r || !x.entries[k].gap:
		return position{Next: x.entries[k].c}
	default:
		return position{Next: x.entries[k-1].c}
	}
}

// trim forgets the entries no replay from r or later needs: all before the
// last one earlier than r.
func (x *shardIndex) trim(r int64) {
	k := sort.Search(len(x.entries), func(i int) bool { return x.entries[i].t >= r })
	if k <= 1 {
		return
	}
	n := copy(x.entries, x.entries[k-1:])
	x.entries = x.entries[:n]
	x.floor = x.entries[0].c
}
