package cluster

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// testMovedRecords deletes the objects a reader is about to read, as a
// compaction does once the retire delay passed while the reader still
// held its spans (a read of many uncached ranges, spans from before a
// reload): Read, SeekTime and Bounds find the records in their new object
// (no hole, no position past records that exist), and nothing counts as
// damage. A closing log leaves its retired objects to the next owner's
// sweep, for reads may still hold them.
func testMovedRecords(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "moved-log"
	c := &testClock{t: time.UnixMilli(1_700_000_000_000)}
	start := c.now().UnixMilli()
	h := &hookedObjects{Objects: e.s3}
	o := e.options(prefix, e.fence(t))
	o.Objects = h
	o.Now = c.now
	o.FlushInterval = time.Millisecond
	o.tuning.maintainEvery = time.Hour // compactions and deletions only when the test says
	o.tuning.compactAge = time.Millisecond
	o.tuning.retireDelay = time.Hour
	b := open(t, o)
	l := openTestLog(t, b, id)
	appendN := func(n, size int) {
		t.Helper()
		for range n {
			appendOne(t, l, 0, strings.Repeat("x", size))
			c.advance(time.Second)
		}
	}
	// compactNow compacts and deletes what that retired right away, from
	// inside the reader's first fetch.
	compactNow := func(string) {
		if did, err := l.compact(t.Context()); !did || err != nil {
			t.Errorf("compaction inside the read: %v, %v", did, err)
		}
		l.deleteRetired(time.Now().Add(2 * time.Hour))
	}

	appendN(10, 1) // counters 1..10, arrivals start+0..9 s, one object each
	b.cache.clear()
	h.onGetRange(compactNow)
	recs, next, err := l.Read(0, 1, 100, 0, 0)
	if err != nil || len(recs) != 10 || recs[0].Seq != 1 || recs[9].Seq != 10 || next != 11 {
		t.Fatalf("Read while its objects were compacted and deleted: %d records, next %d, %v", len(recs), next, err)
	}
	if l.Stats().Segments != 1 {
		t.Fatalf("%d objects after the compaction, want 1", l.Stats().Segments)
	}

	// A compacted span holds arrivals start+0..9 s: a seek inside it
	// reads it. More data, so that the next compaction takes it along.
	appendN(10, 200) // counters 11..20
	b.cache.clear()
	h.onGetRange(compactNow)
	if first, next := l.Bounds(0, start+5_000); first != 6 || next != 21 {
		t.Fatalf("Bounds while the span it read was compacted and deleted: %d, %d; want 6, 21", first, next)
	}
	if seq, err := l.SeekTime(0, start+7_000, 0); err != nil || seq != 8 {
		t.Fatalf("SeekTime after the compaction: %d, %v; want 8", seq, err)
	}
	if d := b.Records().Health().Damaged[id]; d != 0 {
		t.Fatalf("moved records counted as damage: %d", d)
	}

	// Retired objects are not deleted when the log closes.
	appendN(30, 400)
	l.compactSome()
	kept := e.objects(t, prefix, id)
	if len(kept) < 2 {
		t.Fatalf("objects before the close: %v, want the retired ones too", kept)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if after := e.objects(t, prefix, id); !slices.Equal(after, kept) {
		t.Fatalf("the close deleted objects readers may hold: %d before, %d after", len(kept), len(after))
	}
	// The next owner's sweep deletes them.
	o.tuning.maintainEvery = 20 * time.Millisecond
	o.tuning.sweepDelay = 20 * time.Millisecond
	o.tuning.sweepAge = time.Millisecond
	b = open(t, o)
	l = openTestLog(t, b, id)
	eventually(t, 5*time.Second, "the sweep did not delete the retired objects", func() bool {
		return len(e.objects(t, prefix, id)) == l.Stats().Segments
	})
	recs = readAll(t, l, 0)
	if len(recs) != 50 {
		t.Fatalf("%d records after the reopen, want 50", len(recs))
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) {
			t.Fatalf("record %d has counter %d", i, r.Seq)
		}
	}
}
