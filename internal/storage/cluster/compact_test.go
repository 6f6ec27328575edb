package cluster

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage"
)

// testCompaction writes many small flushes to two shards, with arrival
// times a second apart, and checks that compaction merges their objects
// and range keys, retires the old objects, and loses nothing: reads,
// seeks by time inside a compacted range, and a reopened backend see
// every record.
func testCompaction(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "compact-log"
	c := &testClock{t: time.UnixMilli(1_700_000_000_000)}
	o := e.options(prefix, e.fence(t))
	o.Now = c.now
	o.FlushInterval = time.Millisecond
	o.tuning.maintainEvery = 20 * time.Millisecond
	o.tuning.compactAge = 50 * time.Millisecond
	o.tuning.retireDelay = 50 * time.Millisecond
	b := open(t, o)
	l := openTestLog(t, b, id)
	const flushes = 30
	for i := range flushes {
		_, err := l.Append(t.Context(), []storage.Batch{
			{Shard: 0, Records: []storage.Record{{PartitionKey: "a", Data: []byte(fmt.Sprint("a", i))}, {PartitionKey: "a", Data: []byte(fmt.Sprint("a", i, "+"))}}},
			{Shard: 1, Records: []storage.Record{{PartitionKey: "b", Data: []byte(fmt.Sprint("b", i))}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		c.advance(time.Second)
	}
	eventually(t, 10*time.Second, "compaction did not merge the objects", func() bool {
		return l.Stats().Segments == 1
	})
	if n := e.rangeKeys(t, prefix, id); n != 2 {
		t.Fatalf("%d range keys after compaction, want 2 (one per shard)", n)
	}
	eventually(t, 10*time.Second, "the compacted objects were not deleted", func() bool {
		return len(e.objects(t, prefix, id)) == 1
	})
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
