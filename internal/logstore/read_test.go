package logstore

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"sluice/internal/vfs"
)

// timedLog builds a log whose shard 0 holds seqs 1..30 with arrival
// 1000*seq ms (one record per entry), rolling every 5 entries, and shard 1
// holds seqs 1..10 at arrivals 1000*(3i) (written with every third shard-0
// record).
func timedLog(t *testing.T) (*Log, *clock) {
	t.Helper()
	c := newClock(0)
	opts := testOptions(vfs.NewCrashableMem(), c)
	opts.SegmentBytes = 5 * (entryHeaderSize + 2 + 10)
	l := mustOpen(t, opts)
	for i := 1; i <= 30; i++ {
		c.ms.Store(int64(i) * 1000)
		batches := []Batch{{Shard: 0, Records: []Record{{Data: make([]byte, 10)}}}}
		if i%3 == 0 {
			batches = append(batches, Batch{Shard: 1, Records: []Record{{Data: make([]byte, 10)}}})
		}
		mustAppend(t, l, batches...)
	}
	return l, c
}

func TestSeekTimeAndBounds(t *testing.T) {
	l, _ := timedLog(t)
	defer l.Close()
	if st := l.Stats(); st.Segments < 6 {
		t.Fatalf("only %d segments", st.Segments)
	}
	for _, tc := range []struct {
		name       string
		shard      uint32
		ts, cutoff int64
		want       uint64
	}{
		{"before everything", 0, 0, 0, 1},
		{"exact arrival", 0, 7000, 0, 7},
		{"between arrivals", 0, 7500, 0, 8},
		{"first of a segment", 0, 11000, 0, 11},
		{"last record", 0, 30000, 0, 30},
		{"after everything", 0, 30001, 0, 31},
		{"cutoff later than ts", 0, 1000, 12500, 13},
		{"ts later than cutoff", 0, 20000, 12500, 20},
		{"other shard", 1, 7000, 0, 3},
		{"other shard exact", 1, 9000, 0, 3},
		{"other shard after", 1, 30001, 0, 11},
		{"unknown shard", 9, 0, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.SeekTime(tc.shard, tc.ts, tc.cutoff)
			if err != nil || got != tc.want {
				t.Fatalf("SeekTime = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		shard       uint32
		cutoff      int64
		first, next uint64
	}{
		{0, 0, 1, 31},
		{0, 1000, 1, 31},
		{0, 1001, 2, 31},
		{0, 17000, 17, 31},
		{0, 30000, 30, 31},
		{0, 99999, 31, 31},
		{1, 4000, 2, 11},
		{1, 99999, 11, 11},
	} {
		if first, next := l.Bounds(tc.shard, tc.cutoff); first != tc.first || next != tc.next {
			t.Errorf("Bounds(%d, %d) = %d, %d; want %d, %d", tc.shard, tc.cutoff, first, next, tc.first, tc.next)
		}
	}
}

func TestReadWithCutoff(t *testing.T) {
	l, _ := timedLog(t)
	defer l.Close()
	for _, tc := range []struct {
		name     string
		from     uint64
		max      int
		cutoff   int64
		wantSeqs []uint64
		wantNext uint64
	}{
		{"no cutoff", 1, 3, 0, []uint64{1, 2, 3}, 4},
		{"from expired jumps to first live", 1, 3, 12000, []uint64{12, 13, 14}, 15},
		{"from live is kept", 20, 2, 12000, []uint64{20, 21}, 22},
		{"across segment boundary", 9, 4, 0, []uint64{9, 10, 11, 12}, 13},
		{"everything expired", 1, 3, 40000, nil, 31},
		{"from mid-expired", 5, 100, 29000, []uint64{29, 30}, 31},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, next, err := l.Read(0, tc.from, tc.max, 0, tc.cutoff)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []uint64
			for _, r := range recs {
				seqs = append(seqs, r.Seq)
				if r.ArrivalMillis != int64(r.Seq)*1000 {
					t.Fatalf("seq %d has arrival %d", r.Seq, r.ArrivalMillis)
				}
			}
			if len(seqs) != len(tc.wantSeqs) || next != tc.wantNext {
				t.Fatalf("got %v next %d; want %v next %d", seqs, next, tc.wantSeqs, tc.wantNext)
			}
			for i := range seqs {
				if seqs[i] != tc.wantSeqs[i] {
					t.Fatalf("got %v; want %v", seqs, tc.wantSeqs)
				}
			}
		})
	}
	// The other shard reads across every segment.
	if got := readAll(t, l, 1, 1, 0); len(got) != 10 || got[9].Seq != 10 || got[9].ArrivalMillis != 30000 {
		t.Fatalf("shard 1: %d records", len(got))
	}
}

func TestSeekAfterReopen(t *testing.T) {
	c := newClock(0)
	fsys := vfs.NewCrashableMem()
	opts := testOptions(fsys, c)
	opts.SegmentBytes = 4 * (entryHeaderSize + 2)
	l := mustOpen(t, opts)
	for i := 1; i <= 20; i++ {
		c.ms.Store(int64(i) * time.Second.Milliseconds())
		mustAppend(t, l, Batch{Shard: 2, Records: []Record{{}}})
	}
	l.Close()
	l = mustOpen(t, opts)
	defer l.Close()
	if got, err := l.SeekTime(2, 13500, 0); err != nil || got != 14 {
		t.Fatalf("SeekTime after reopen = %d, %v", got, err)
	}
	if first, next := l.Bounds(2, 6000); first != 6 || next != 21 {
		t.Fatalf("Bounds after reopen = %d, %d", first, next)
	}
}

// TestReadArena reads the same records into an arena, released and reused
// between reads, and from the heap, and compares them; one entry is larger
// than an arena block.
func TestReadArena(t *testing.T) {
	l := mustOpen(t, testOptions(vfs.NewCrashableMem(), newClock(0)))
	sizes := []int{10, 3000, arenaBlock + 5000, 700, arenaBlock / 2, arenaBlock / 2, 1}
	for i, n := range sizes {
		mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec(fmt.Sprint(i), n)}})
	}
	want, wantNext, err := l.Read(0, 1, 0, 0, 0)
	if err != nil || len(want) != len(sizes) {
		t.Fatalf("Read: %d records, %v", len(want), err)
	}
	var a Arena
	for round := range 3 {
		got, next, err := l.ReadArena(0, 1, 0, 0, 0, &a)
		if err != nil || next != wantNext || len(got) != len(want) {
			t.Fatalf("round %d: %d records, next %d, %v", round, len(got), next, err)
		}
		for i := range got {
			if !bytes.Equal(got[i].Data, want[i].Data) || got[i].Seq != want[i].Seq || got[i].PartitionKey != want[i].PartitionKey {
				t.Fatalf("round %d record %d differs", round, i)
			}
		}
		if len(a.held) == 0 {
			t.Fatal("nothing came from the pool")
		}
		a.Release()
		if len(a.held) != 0 || a.free != nil {
			t.Fatal("Release kept blocks")
		}
	}
	var nilArena *Arena
	nilArena.Release() // a nil arena is the heap: nothing to give back
	if p := a.alloc(10); len(p) != 10 || cap(p) != 10 {
		t.Fatalf("alloc(10): len %d cap %d; an append must not reach the next entry", len(p), cap(p))
	}
	a.Release()
}
