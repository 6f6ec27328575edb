package logstore

import (
	"fmt"
	"testing"
	"time"

	"sluice/internal/vfs"
)

func TestRollBySize(t *testing.T) {
	fsys := vfs.NewCrashableMem()
	opts := testOptions(fsys, newClock(1))
	entry := int64(entryHeaderSize + recordSize(rec("k", 100)))
	opts.SegmentBytes = 3 * entry
	l := mustOpen(t, opts)
	defer l.Close()
	for range 10 {
		mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec("k", 100)}})
	}
	// Segments hold 3, 3, 3 and 1 entries. Next, one Append with a small
	// entry (fits in the active segment) and an entry bigger than a
	// segment (goes alone into a new one).
	var big []Record
	for range 7 {
		big = append(big, rec("k", 100))
	}
	bigEntry := int64(entryHeaderSize + 7*recordSize(rec("k", 100)))
	mustAppend(t, l, Batch{Shard: 1, Records: big[:1]}, Batch{Shard: 0, Records: big})
	files := segmentFiles(t, fsys)
	if len(files) != 5 {
		t.Fatalf("%d segment files, want 5", len(files))
	}
	for i, name := range files {
		st, _ := fsys.Stat(testDir + "/" + name)
		want := []int64{3 * entry, 3 * entry, 3 * entry, 2 * entry, bigEntry}[i]
		if st.Size() != want {
			t.Fatalf("%s is %d bytes, want %d", name, st.Size(), want)
		}
	}
	if got := readAll(t, l, 0, 1, 0); len(got) != 17 || got[16].Seq != 17 {
		t.Fatalf("read %d records across segments", len(got))
	}
	// A record bigger than a segment still goes in, alone.
	mustAppend(t, l, Batch{Shard: 2, Records: []Record{rec("huge", int(opts.SegmentBytes)*2)}})
	if got := readAll(t, l, 2, 1, 0); len(got) != 1 || len(got[0].Data) != int(opts.SegmentBytes)*2 {
		t.Fatal("huge record not read back")
	}
}

func TestRollByAge(t *testing.T) {
	fsys := vfs.NewCrashableMem()
	c := newClock(1_000_000)
	opts := testOptions(fsys, c)
	opts.SegmentMaxAge = time.Minute
	l := mustOpen(t, opts)
	defer l.Close()
	for range 5 {
		mustAppend(t, l, Batch{Shard: 0, Records: []Record{{}}})
		c.Advance(20 * time.Second)
	}
	// Appends at 0, 20, 40 s share a segment; 60 s is a minute after the
	// segment's first entry: new segment (60, 80).
	if got := len(segmentFiles(t, fsys)); got != 2 {
		t.Fatalf("%d segments, want 2", got)
	}
	c.Advance(time.Hour)
	mustAppend(t, l, Batch{Shard: 0, Records: []Record{{}}})
	if got := len(segmentFiles(t, fsys)); got != 3 {
		t.Fatalf("%d segments, want 3", got)
	}
	if got := readAll(t, l, 0, 1, 0); len(got) != 6 {
		t.Fatalf("read %d records", len(got))
	}
}

// TestOpenReadsNoSegmentData checks that a clean Close lets Open skip every
// segment's data, that sealed indexes load lazily and are cached, and that
// after a crash only the active segment is scanned.
func TestOpenReadsNoSegmentData(t *testing.T) {
	var counter opCounter
	mem := vfs.NewCrashableMem()
	fsys := vfs.WithInjector(mem, counter.inject)
	opts := testOptions(fsys, newClock(1))
	opts.SegmentBytes = 4096
	l := mustOpen(t, opts)
	m := newModel()
	for i := range 200 {
		b := Batch{Shard: uint32(i % 4), Records: []Record{rec(fmt.Sprint(i), 100)}}
		m.add(b, mustAppend(t, l, b)[0])
	}
	segs := l.Stats().Segments
	if segs < 5 {
		t.Fatalf("%d segments", segs)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	counter.reset()
	l = mustOpen(t, opts)
	if n := counter.get(vfs.OpReadAt, logSuffix); n != 0 {
		t.Fatalf("Open after Close read segment data %d times", n)
	}
	if n := l.Stats().IndexLoads; n != 0 {
		t.Fatalf("Open loaded %d index blocks", n)
	}
	// Reading shard 0 from the start loads its block of every sealed
	// segment once; reading again hits the cache.
	m.check(t, l)
	loads := l.Stats().IndexLoads
	if loads == 0 || loads > uint64(4*segs) {
		t.Fatalf("%d index loads for %d segments", loads, segs)
	}
	readAll(t, l, 0, 1, 0)
	if again := l.Stats().IndexLoads; again != loads {
		t.Fatalf("index loads went from %d to %d on a second read", loads, again)
	}
	// Append into the reopened active segment, then crash: Open scans only
	// what the active segment got since its index was written.
	for i := range 3 {
		b := Batch{Shard: 0, Records: []Record{rec(fmt.Sprint("after", i), 10)}}
		m.add(b, mustAppend(t, l, b)[0])
	}
	crashed := mem.CrashClone()
	l.Close()
	counter.reset()
	var reads []string
	l = mustOpen(t, testOptions(vfs.WithInjector(crashed, func(op vfs.Op, name string) error {
		if op == vfs.OpReadAt {
			reads = append(reads, name)
		}
		return nil
	}), newClock(1)))
	defer l.Close()
	active := fmt.Sprintf("%s/%s", testDir, segmentName(uint64(segs)))
	for _, name := range reads {
		if len(name) > 4 && name[len(name)-4:] == logSuffix && name != active {
			t.Fatalf("recovery read sealed segment %s (active %s)", name, active)
		}
	}
	m.check(t, l)
}

// TestManySegmentsFewFiles checks that reading through many sealed segments
// keeps few files open and works after eviction.
func TestManySegmentsFewFiles(t *testing.T) {
	fsys := vfs.NewCrashableMem()
	opts := testOptions(fsys, newClock(1))
	opts.SegmentBytes = 200
	l := mustOpen(t, opts)
	defer l.Close()
	m := newModel()
	for i := range 100 {
		b := Batch{Shard: uint32(i % 2), Records: []Record{rec(fmt.Sprint(i), 100)}}
		m.add(b, mustAppend(t, l, b)[0])
	}
	for range 2 {
		m.check(t, l)
		l.files.mu.Lock()
		open := l.files.lru.Len()
		l.files.mu.Unlock()
		if open > maxOpenSealed {
			t.Fatalf("%d sealed files open", open)
		}
	}
}
