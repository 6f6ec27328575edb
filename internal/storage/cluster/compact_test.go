package cluster

import (
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage"
)

// testCompaction writes many small flushes to two shards, with arrival
// times a second apart, and checks that compaction merges their objects
// and range keys, retires the old objects, and loses nothing: reads,
// seeks by time inside a compacted range, and a reopened backend see
// every record. A compacted object is not rewritten for one more flush,
// only once as many bytes followed it.
func testCompaction(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "compact-log"
	c := &testClock{t: time.UnixMilli(1_700_000_000_000)}
	o := e.options(prefix, e.fence(t))
	o.Now = c.now
	o.FlushInterval = time.Millisecond
	o.tuning.maintainEvery = time.Hour // compactions and deletions only when the test says
	o.tuning.retireDelay = time.Millisecond
	b := open(t, o)
	l := openTestLog(t, b, id)
	const flushes = 30
	appendFlushes := func(l storage.Log, n int) {
		t.Helper()
		for i := range n {
			_, err := l.Append(t.Context(), []storage.Batch{
				{Shard: 0, Records: []storage.Record{{PartitionKey: "a", Data: []byte(fmt.Sprint("a", i))}, {PartitionKey: "a", Data: []byte(fmt.Sprint("a", i, "+"))}}},
				{Shard: 1, Records: []storage.Record{{PartitionKey: "b", Data: []byte(fmt.Sprint("b", i))}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			c.advance(time.Second)
		}
	}
	// compact does a chore's compactions, on objects at least 5 s old.
	compact := func(l *clusterLog) {
		t.Helper()
		l.mu.Lock()
		for _, o := range l.objects {
			o.written = o.written.Add(-time.Minute)
		}
		l.mu.Unlock()
		l.compactSome()
	}
	appendFlushes(l, flushes)
	compact(l)
	if n := l.Stats().Segments; n != 1 {
		t.Fatalf("%d objects after compaction, want 1", n)
	}
	if n := e.rangeKeys(t, prefix, id); n != 2 {
		t.Fatalf("%d range keys after compaction, want 2 (one per shard)", n)
	}
	time.Sleep(time.Millisecond)
	l.deleteRetired(time.Now())
	if keys := e.objects(t, prefix, id); len(keys) != 1 {
		t.Fatalf("the compacted objects were not deleted: %d objects", len(keys))
	}
	if b.Stats().Compactions == 0 {
		t.Fatal("no compaction counted")
	}

	check := func(l storage.Log) {
		t.Helper()
		recs := readAll(t, l, 0)
		if len(recs) != 2*flushes {
			t.Fatalf("shard 0: %d records, want %d", len(recs), 2*flushes)
		}
		for i, r := range recs {
			want := fmt.Sprint("a", i/2)
			if i%2 == 1 {
				want += "+"
			}
			if r.Seq != uint64(i+1) || string(r.Data) != want || r.PartitionKey != "a" {
				t.Fatalf("shard 0 record %d: %+v", i, r)
			}
		}
		if recs := readAll(t, l, 1); len(recs) != flushes || string(recs[flushes-1].Data) != fmt.Sprint("b", flushes-1) {
			t.Fatalf("shard 1: %d records", len(recs))
		}
		// Flush i arrived at start+i s: record 2i+1 of shard 0.
		start := int64(1_700_000_000_000)
		if seq, err := l.SeekTime(0, start+10_000, 0); err != nil || seq != 21 {
			t.Fatalf("SeekTime inside the compacted range: %d, %v; want 21", seq, err)
		}
		if first, next := l.Bounds(0, start+5_500); first != 13 || next != 2*flushes+1 {
			t.Fatalf("Bounds with a cutoff inside the compacted range: %d, %d", first, next)
		}
		if recs, next, _ := l.Read(0, 1, 3, 0, start+20_000); len(recs) != 3 || recs[0].Seq != 41 || next != 44 {
			t.Fatalf("Read past a cutoff inside the compacted range: %+v, next %d", recs, next)
		}
	}
	check(l)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b2 := open(t, o)
	l2 := openTestLog(t, b2, id)
	check(l2)
	if seq := appendOne(t, l2, 0, "after"); seq != 2*flushes+1 {
		t.Fatalf("counter after compaction and reopen: %d", seq)
	}

	// One more small object: the compacted one is not rewritten for it.
	compact(l2)
	if n, st := l2.Stats().Segments, b2.Stats(); n != 2 || st.Compactions != 0 {
		t.Fatalf("after one more flush: %d objects, %d compactions; want 2, 0 (no rewrite)", n, st.Compactions)
	}
	// As many bytes again: all of it is merged.
	appendFlushes(l2, flushes)
	compact(l2)
	if n, st := l2.Stats().Segments, b2.Stats(); n != 1 || st.Compactions != 1 {
		t.Fatalf("after as many bytes again: %d objects, %d compactions; want 1, 1", n, st.Compactions)
	}
	if recs := readAll(t, l2, 0); len(recs) != 4*flushes+1 || recs[4*flushes].Seq != 4*flushes+1 {
		t.Fatalf("shard 0 after the second compaction: %d records", len(recs))
	}
}

// TestPlanCompaction checks which runs compaction picks: none in which one
// object holds more than half the bytes (a compacted object waits for as
// many bytes after it), none spanning more than compactSpan of arrivals.
func TestPlanCompaction(t *testing.T) {
	const hour = int64(time.Hour / time.Millisecond)
	cases := []struct {
		name     string
		sizes    []int64
		arrivals []int64 // ms; 0 if nil
		want     []int   // indexes of the run's objects; nil for none
	}{
		{name: "equal", sizes: []int64{1000, 1000, 1000}, want: []int{0, 1, 2}},
		{name: "compacted then a few", sizes: []int64{500_000, 1000, 1000}, want: []int{1, 2}},
		{name: "compacted then as much", sizes: []int64{10_000, 4000, 4000, 2000, 1000}, want: []int{0, 1, 2, 3, 4}},
		{name: "compacted then almost as much", sizes: []int64{10_000, 4000, 4000, 1999}, want: []int{1, 2, 3}},
		{name: "one dominates", sizes: []int64{10_000, 1000}, want: nil},
		{name: "small then big", sizes: []int64{1000, 1000, 10_000}, want: []int{0, 1}},
		{name: "too far apart", sizes: []int64{1000, 1000}, arrivals: []int64{0, 2 * hour}, want: nil},
		{name: "an hour apart", sizes: []int64{1000, 1000, 1000}, arrivals: []int64{0, hour / 2, 2 * hour}, want: []int{0, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := planLog(tc.sizes, tc.arrivals)
			c := l.planCompaction(time.Now())
			var got []int
			if c != nil {
				for _, o := range c.run {
					got = append(got, int(o.seq-1))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("run %v, want %v", got, tc.want)
			}
		})
	}
}

// planLog returns a log (no store, no etcd) of objects of these sizes and
// arrival times, each with one span of shard 0, an hour old.
func planLog(sizes, arrivals []int64) *clusterLog {
	b := &Backend{opts: Options{}.withDefaults()}
	l := &clusterLog{b: b, log: slog.New(slog.DiscardHandler), shards: map[uint32]*shardIndex{}}
	ss := &shardIndex{next: 1}
	l.shards[0] = ss
	for i, size := range sizes {
		var arrival int64
		if arrivals != nil {
			arrival = arrivals[i]
		}
		o := &object{name: objectName(uint64(i+1), time.Now().Add(-time.Hour)), seq: uint64(i + 1), size: size,
			written: time.Now().Add(-time.Hour), shards: []uint32{0}, refs: 1, minArrival: arrival, maxArrival: arrival}
		l.objects = append(l.objects, o)
		ss.spans = append(ss.spans, &span{shard: 0, first: ss.next, last: ss.next, minArrival: arrival, maxArrival: arrival, obj: o, size: size})
		ss.next++
	}
	return l
}

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
