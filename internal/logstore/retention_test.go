package logstore

import (
	"testing"
	"time"

	"sluice/internal/vfs"
)

func TestExpire(t *testing.T) {
	mem := vfs.NewCrashableMem()
	c := newClock(0)
	opts := testOptions(mem, c)
	opts.SegmentBytes = 3 * (entryHeaderSize + 2)
	l := mustOpen(t, opts)
	// Shard 0 at t = 1..9 s, three per segment; shard 1 once at 2 s.
	for i := 1; i <= 9; i++ {
		c.ms.Store(int64(i) * 1000)
		b := []Batch{{Shard: 0, Records: []Record{{}}}}
		if i == 2 {
			b = append(b, Batch{Shard: 1, Records: []Record{{}}})
		}
		mustAppend(t, l, b...)
	}
	// Segments: [1 2 2'] [3 4 5] [6 7 8] [9 (active)].
	if got := len(segmentFiles(t, mem)); got != 4 {
		t.Fatalf("%d segments", got)
	}
	// Nothing older than 1.5 s in whole: nothing goes.
	if err := l.Expire(1500); err != nil {
		t.Fatal(err)
	}
	if got := len(segmentFiles(t, mem)); got != 4 {
		t.Fatalf("Expire(1500) left %d segments", got)
	}
	// The first segment's newest entry is at 2 s, the second's at 5 s.
	if err := l.Expire(4500); err != nil {
		t.Fatal(err)
	}
	if got := len(segmentFiles(t, mem)); got != 3 {
		t.Fatalf("Expire(4500) left %d segments", got)
	}
	// Shard 1 has no records left; shard 0 has 3..9 on disk, 5..9 live.
	for _, tc := range []struct {
		shard       uint32
		cutoff      int64
		first, next uint64
	}{
		{1, 0, 2, 2},
		{0, 0, 3, 10},
		{0, 4500, 5, 10},
	} {
		if first, next := l.Bounds(tc.shard, tc.cutoff); first != tc.first || next != tc.next {
			t.Fatalf("Bounds(%d, %d) = %d, %d; want %d, %d", tc.shard, tc.cutoff, first, next, tc.first, tc.next)
		}
	}
	if recs, next, err := l.Read(0, 1, 100, 0, 4500); err != nil || len(recs) != 5 || recs[0].Seq != 5 || next != 10 {
		t.Fatalf("Read after Expire: %d records from %v, next %d, %v", len(recs), recs, next, err)
	}
	if recs, next, err := l.Read(1, 1, 100, 0, 0); err != nil || len(recs) != 0 || next != 2 {
		t.Fatalf("Read of emptied shard: %d records, next %d, %v", len(recs), next, err)
	}
	if got := l.LastArrival(1); got != 2000 {
		t.Fatalf("LastArrival of emptied shard = %d", got)
	}

	// Expire everything, the active segment included.
	if err := l.Expire(100_000); err != nil {
		t.Fatal(err)
	}
	if first, next := l.Bounds(0, 0); first != 10 || next != 10 {
		t.Fatalf("Bounds after expiring all = %d, %d", first, next)
	}
	if st := l.Stats(); st.Segments != 1 {
		t.Fatalf("%d segments after expiring all", st.Segments)
	}
	// Counters never go back: not now, not after Close/Open, not after a
	// crash.
	c.ms.Store(200_000)
	if res := mustAppend(t, l, Batch{Shard: 0, Records: []Record{{}}}); res[0].FirstSeq != 10 {
		t.Fatalf("FirstSeq after Expire = %d", res[0].FirstSeq)
	}
	if err := l.Expire(300_000); err != nil {
		t.Fatal(err)
	}
	crashed := mem.CrashClone()
	l.Close()
	for name, fsys := range map[string]vfs.FS{"reopen": mem, "crash": crashed} {
		l := mustOpen(t, testOptions(fsys, newClock(0)))
		for shard, want := range map[uint32]uint64{0: 11, 1: 2} {
			if first, next := l.Bounds(shard, 0); first != want || next != want {
				t.Fatalf("%s: Bounds(%d) = %d, %d; want %d", name, shard, first, next, want)
			}
		}
		res := mustAppend(t, l, Batch{Shard: 0, Records: []Record{{}}}, Batch{Shard: 1, Records: []Record{{}}})
		if res[0].FirstSeq != 11 || res[1].FirstSeq != 2 {
			t.Fatalf("%s: FirstSeqs %d, %d", name, res[0].FirstSeq, res[1].FirstSeq)
		}
		// The clock was reset, but arrivals do not go back.
		if res[0].ArrivalMillis < 200_000 {
			t.Fatalf("%s: arrival went back to %d", name, res[0].ArrivalMillis)
		}
		if got := l.LastArrival(1); got < 200_000 {
			t.Fatalf("%s: LastArrival(1) = %d", name, got)
		}
		l.Close()
	}
}

// TestExpireWhileReading checks that a Read racing with Expire either
// returns records or skips the expired segment, never an error.
func TestExpireWhileReading(t *testing.T) {
	c := newClock(0)
	opts := testOptions(vfs.NewCrashableMem(), c)
	opts.SegmentBytes = 500
	l := mustOpen(t, opts)
	defer l.Close()
	for i := range 200 {
		c.ms.Store(int64(i) * 10)
		mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec("k", 50)}})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for cut := int64(0); cut <= 2000; cut += 50 {
			if err := l.Expire(cut); err != nil {
				t.Error(err)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	for {
		select {
		case <-done:
			return
		default:
		}
		if _, _, err := l.Read(0, 1, 1000, 0, 0); err != nil {
			t.Fatal(err)
		}
	}
}
